/**
 * Per-channel published availability as each SKU's InventoryDO last projected it, with the
 * measured sync lag (source fact → projection written), plus its subscriber event. For ops and
 * reconciliation; never read for a decision.
 */
import { gte, sql } from "drizzle-orm";
import { database } from "./client";
import { availabilityProjections, outboundEvents } from "./schema";

export interface ProjectedFigure {
  sku: string;
  channel: string;
  available: number;
  previous: number | null;
  asOf: string;
  seq: number;
}

/** One batch: the projection rows and (when someone subscribed) their `inventory.availability_changed` events (ids per (sku, channel, seq)). */
export async function writeProjections(d1: D1Database, figures: ProjectedFigure[], sourceAt: number | null, now: number, withEvents = true): Promise<void> {
  if (!figures.length) return;
  const db = database(d1);
  const at = new Date(now).toISOString();
  const stmts = figures.flatMap((c) => [
    db
      .insert(availabilityProjections)
      .values({ channel: c.channel, sku: c.sku, available: c.available, asOf: c.asOf, sourceAt: sourceAt === null ? null : new Date(sourceAt).toISOString(), writtenAt: at, lagMs: sourceAt === null ? null : now - sourceAt })
      .onConflictDoUpdate({
        target: [availabilityProjections.channel, availabilityProjections.sku],
        set: { available: c.available, asOf: c.asOf, sourceAt: sourceAt === null ? null : new Date(sourceAt).toISOString(), writtenAt: at, lagMs: sourceAt === null ? null : now - sourceAt },
      }),
    db
      .insert(outboundEvents)
      .values({
        id: `inv_${c.sku}_${c.channel}_${c.seq}`,
        type: "inventory.availability_changed",
        occurredAt: c.asOf,
        orchestrationId: null,
        data: { sku: c.sku, channel: c.channel, available: c.available, previous: c.previous, asOf: c.asOf },
        state: "pending",
        attempts: 0,
        createdAt: at,
        stream: `inv:${c.sku}:${c.channel}`,
        seq: c.seq,
      })
      .onConflictDoNothing(),
  ].slice(0, withEvents ? 2 : 1));
  await db.batch(stmts as [(typeof stmts)[number], ...(typeof stmts)[number][]]);
}

/** Sync lag over projections written since `since` (ISO). */
export async function syncLagSince(d1: D1Database, since: string): Promise<{ projections: number; avg: number | null; max: number | null }> {
  const r = await database(d1)
    .select({ n: sql<number>`COUNT(${availabilityProjections.lagMs})`, avg: sql<number | null>`AVG(${availabilityProjections.lagMs})`, max: sql<number | null>`MAX(${availabilityProjections.lagMs})` })
    .from(availabilityProjections)
    .where(gte(availabilityProjections.writtenAt, since))
    .get();
  return { projections: r?.n ?? 0, avg: r?.avg === null || r?.avg === undefined ? null : Math.round(r.avg), max: r?.max ?? null };
}
