/** Fulfillers and the locations each one serves (one fulfiller per location, enforced by the key). */
import { asc, eq, inArray, ne, and } from "drizzle-orm";
import { database } from "./client";
import { fulfillerLocations, fulfillers } from "./schema";

export type FulfillerRow = typeof fulfillers.$inferSelect;

export function listFulfillers(d1: D1Database): Promise<FulfillerRow[]> {
  return database(d1).select().from(fulfillers).orderBy(asc(fulfillers.id)).all();
}

export function getFulfiller(d1: D1Database, id: string): Promise<FulfillerRow | undefined> {
  return database(d1).select().from(fulfillers).where(eq(fulfillers.id, id)).get();
}

/** Locations among `locations` that another fulfiller already serves. */
export function claimedElsewhere(d1: D1Database, id: string, locations: string[]): Promise<{ location: string; fulfillerId: string }[]> {
  return database(d1)
    .select()
    .from(fulfillerLocations)
    .where(and(inArray(fulfillerLocations.location, locations), ne(fulfillerLocations.fulfillerId, id)))
    .all();
}

/**
 * Creates or replaces a fulfiller and its locations in one batch (D1 runs a batch as one
 * transaction): a location another fulfiller holds fails the insert and nothing is written.
 */
export async function upsertFulfiller(d1: D1Database, row: Omit<FulfillerRow, "createdAt">): Promise<{ existed: boolean; row: FulfillerRow }> {
  const db = database(d1);
  const existed = !!(await getFulfiller(d1, row.id));
  await db.batch([
    db.delete(fulfillerLocations).where(eq(fulfillerLocations.fulfillerId, row.id)),
    db.insert(fulfillerLocations).values(row.locations.map((location) => ({ location, fulfillerId: row.id }))),
    db
      .insert(fulfillers)
      .values({ ...row, createdAt: row.updatedAt })
      .onConflictDoUpdate({
        target: fulfillers.id,
        set: { kind: row.kind, name: row.name, locations: row.locations, url: row.url, secretEnc: row.secretEnc, ackDeadlineSeconds: row.ackDeadlineSeconds, settings: row.settings, updatedAt: row.updatedAt },
      }),
  ]);
  return { existed, row: (await getFulfiller(d1, row.id))! };
}

export async function deleteFulfiller(d1: D1Database, id: string): Promise<boolean> {
  const db = database(d1);
  const [gone] = await db.batch([db.delete(fulfillers).where(eq(fulfillers.id, id)).returning(), db.delete(fulfillerLocations).where(eq(fulfillerLocations.fulfillerId, id))]);
  return gone.length > 0;
}
