/** Outbound event subscriptions (URL, sealed signing secret, event patterns). */
import { asc, eq } from "drizzle-orm";
import { database } from "./client";
import { subscriptions } from "./schema";

export type SubscriptionRow = typeof subscriptions.$inferSelect;

export async function upsertSubscription(d1: D1Database, row: Omit<SubscriptionRow, "createdAt">): Promise<SubscriptionRow | undefined> {
  const db = database(d1);
  const previous = await db.select().from(subscriptions).where(eq(subscriptions.id, row.id)).get();
  await db
    .insert(subscriptions)
    .values({ ...row, createdAt: row.updatedAt })
    .onConflictDoUpdate({ target: subscriptions.id, set: { url: row.url, secretEnc: row.secretEnc, events: row.events, updatedAt: row.updatedAt } });
  return previous;
}

export function listSubscriptions(d1: D1Database): Promise<SubscriptionRow[]> {
  return database(d1).select().from(subscriptions).orderBy(asc(subscriptions.id)).all();
}

export function getSubscription(d1: D1Database, id: string): Promise<SubscriptionRow | undefined> {
  return database(d1).select().from(subscriptions).where(eq(subscriptions.id, id)).get();
}

export async function deleteSubscription(d1: D1Database, id: string): Promise<SubscriptionRow | undefined> {
  const [row] = await database(d1).delete(subscriptions).where(eq(subscriptions.id, id)).returning();
  return row;
}
