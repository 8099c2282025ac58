/**
 * Publishing's D1 side: the SKU index re-projection walks and the re-projection jobs. Both are
 * written by paths that waited for them (the projector's run, the admin PUT), so a job walking
 * them only ever misses a SKU whose own next projection already uses the new settings.
 */
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { database } from "./client";
import { inventorySkus, reprojections } from "./schema";

export type ReprojectionRow = typeof reprojections.$inferSelect;

/** Remembers a SKU (idempotent). */
export async function indexSku(d1: D1Database, sku: string, at: string): Promise<void> {
  await database(d1).insert(inventorySkus).values({ sku, firstSeenAt: at }).onConflictDoNothing();
}

/** SKUs after `cursor`, in order. */
export async function skusAfter(d1: D1Database, cursor: string, limit: number): Promise<string[]> {
  const rows = await database(d1).select({ sku: inventorySkus.sku }).from(inventorySkus).where(gt(inventorySkus.sku, cursor)).orderBy(asc(inventorySkus.sku)).limit(limit).all();
  return rows.map((r) => r.sku);
}

export async function requestReprojection(d1: D1Database, row: { id: string; channel: string; reason: string; connections: string[] | null; requestedAt: string }): Promise<void> {
  await database(d1).insert(reprojections).values({ ...row, cursor: "", skus: 0, doneAt: null }).onConflictDoNothing();
}

export function openReprojections(d1: D1Database, limit = 10): Promise<ReprojectionRow[]> {
  return database(d1).select().from(reprojections).where(isNull(reprojections.doneAt)).orderBy(asc(reprojections.requestedAt)).limit(limit).all();
}

export function getReprojection(d1: D1Database, id: string): Promise<ReprojectionRow | undefined> {
  return database(d1).select().from(reprojections).where(eq(reprojections.id, id)).get();
}

/** Moves a job's cursor forward (only from where it was, so two runners cannot move it back). */
export async function advanceReprojection(d1: D1Database, id: string, from: string, to: string, skus: number, doneAt: string | null): Promise<boolean> {
  const r = await database(d1)
    .update(reprojections)
    .set({ cursor: to, skus, doneAt })
    .where(and(eq(reprojections.id, id), eq(reprojections.cursor, from), isNull(reprojections.doneAt)))
    .returning({ id: reprojections.id });
  return r.length > 0;
}
