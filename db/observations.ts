/** What a channel shows for an item (Shopify inventory_levels/update, Amazon FBA): for reconciliation only. */
import { database } from "./client";
import { channelObservations } from "./schema";

export async function recordObservation(d1: D1Database, row: typeof channelObservations.$inferInsert): Promise<void> {
  await database(d1).insert(channelObservations).values(row).onConflictDoNothing();
}
