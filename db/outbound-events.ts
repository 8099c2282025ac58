/**
 * Events for subscribers and their per-subscription deliveries. Producers append events with
 * deterministic ids (`INSERT OR IGNORE`), the scheduler fans pending ones out to matching
 * subscriptions, and the events consumer records each delivery's outcome.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { database } from "./client";
import { eventDeliveries, outboundEvents } from "./schema";

export type OutboundEvent = typeof outboundEvents.$inferSelect;

export function pendingEvents(d1: D1Database, limit: number) {
  return database(d1)
    .select({ id: outboundEvents.id, type: outboundEvents.type })
    .from(outboundEvents)
    .where(eq(outboundEvents.state, "pending"))
    .orderBy(asc(outboundEvents.createdAt), asc(outboundEvents.seq))
    .limit(limit)
    .all();
}

/**
 * Whether an earlier event of the same stream is still on its way to this subscriber (queued,
 * not delivered, not given up on): then this one waits, so a subscriber sees one order's events
 * in order. A dead-lettered predecessor does not block its successors (it is replayable).
 */
export async function earlierUndelivered(d1: D1Database, subscriptionId: string, stream: string, seq: number): Promise<boolean> {
  const r = await database(d1)
    .select({ id: outboundEvents.id })
    .from(outboundEvents)
    .innerJoin(eventDeliveries, and(eq(eventDeliveries.eventId, outboundEvents.id), eq(eventDeliveries.subscriptionId, subscriptionId)))
    .where(and(eq(outboundEvents.stream, stream), sql`${outboundEvents.seq} < ${seq}`, sql`${eventDeliveries.state} NOT IN ('delivered', 'dead')`))
    .limit(1)
    .all();
  return r.length > 0;
}

/** Records the deliveries to make and marks their events dispatched, in batches under D1's parameter limit. */
export async function recordFanOut(d1: D1Database, deliveries: { eventId: string; subscriptionId: string }[], eventIds: string[], at: string): Promise<void> {
  const db = database(d1);
  const stmts = [];
  for (let i = 0; i < deliveries.length; i += 20) {
    stmts.push(db.insert(eventDeliveries).values(deliveries.slice(i, i + 20).map((d) => ({ ...d, state: "queued", attempts: 0, createdAt: at }))).onConflictDoNothing());
  }
  for (let i = 0; i < eventIds.length; i += 90) {
    stmts.push(db.update(outboundEvents).set({ state: "dispatched" }).where(and(eq(outboundEvents.state, "pending"), inArray(outboundEvents.id, eventIds.slice(i, i + 90)))));
  }
  for (let i = 0; i < stmts.length; i += 50) {
    const chunk = stmts.slice(i, i + 50);
    await db.batch(chunk as [(typeof chunk)[number], ...(typeof chunk)[number][]]);
  }
}

/** The event, its subscription's delivery state, for one delivery attempt. */
export async function deliveryContext(d1: D1Database, eventId: string, subscriptionId: string) {
  const db = database(d1);
  const [ev, del] = await db.batch([
    db.select().from(outboundEvents).where(eq(outboundEvents.id, eventId)),
    db.select({ state: eventDeliveries.state }).from(eventDeliveries).where(and(eq(eventDeliveries.eventId, eventId), eq(eventDeliveries.subscriptionId, subscriptionId))),
  ]);
  return { event: ev[0], state: del[0]?.state };
}

export async function recordDeliveryAttempt(d1: D1Database, eventId: string, subscriptionId: string, r: { status: number | null; error: string | null; ok: boolean; at: string }): Promise<void> {
  await database(d1)
    .update(eventDeliveries)
    .set({
      attempts: sql`${eventDeliveries.attempts} + 1`,
      lastStatus: r.status,
      lastError: r.error,
      ...(r.ok ? { state: "delivered", deliveredAt: r.at } : {}),
    })
    .where(and(eq(eventDeliveries.eventId, eventId), eq(eventDeliveries.subscriptionId, subscriptionId)));
}

export async function setDeliveryState(d1: D1Database, eventId: string, subscriptionId: string, state: "queued" | "dead"): Promise<void> {
  await database(d1).update(eventDeliveries).set({ state }).where(and(eq(eventDeliveries.eventId, eventId), eq(eventDeliveries.subscriptionId, subscriptionId)));
}
