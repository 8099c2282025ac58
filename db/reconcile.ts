/**
 * What reconciliation reads from the projections: candidates only. Every order found here is
 * confirmed against its own object before anything is decided or healed (D1 trails the objects).
 */
import { and, desc, eq, gte, inArray } from "drizzle-orm";
import { database } from "./client";
import { availabilityProjections, inventorySkus, orders } from "./schema";

/** Orders the ERP confirmed, changed since `since` (ISO), newest first; optionally of some channels. */
export function confirmedOrdersSince(d1: D1Database, since: string, channels: string[] | null, limit: number) {
  return database(d1)
    .select({ id: orders.id, channel: orders.channel, externalId: orders.externalId, updatedAt: orders.updatedAt })
    .from(orders)
    .where(and(eq(orders.dispatchState, "confirmed"), gte(orders.updatedAt, since), ...(channels ? [inArray(orders.channel, channels)] : [])))
    .orderBy(desc(orders.updatedAt))
    .limit(limit)
    .all();
}

/** The SKUs seen most recently (the scheduled run's stock scope). */
export async function recentSkus(d1: D1Database, limit: number): Promise<string[]> {
  const rows = await database(d1).select({ sku: inventorySkus.sku }).from(inventorySkus).orderBy(desc(inventorySkus.firstSeenAt)).limit(limit).all();
  return rows.map((r) => r.sku);
}

/** What each channel was last told per SKU (the projection the availability edge serves). */
export async function projectionsFor(d1: D1Database, skus: string[]) {
  const db = database(d1);
  const out: (typeof availabilityProjections.$inferSelect)[] = [];
  for (let i = 0; i < skus.length; i += 50) out.push(...(await db.select().from(availabilityProjections).where(inArray(availabilityProjections.sku, skus.slice(i, i + 50))).all()));
  return out;
}
