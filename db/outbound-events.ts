/**
 * Events for subscribers and their per-subscription deliveries. Producers append events with
 * deterministic ids (`INSERT OR IGNORE`); the scheduler fans pending ones out to matching
 * subscriptions; the events consumer records each delivery's outcome. One stream's deliveries
 * (an order's events) to one subscription go one at a time, in order: only the earliest
 * undelivered one is `queued`, the rest are `waiting`, and finishing one promotes the next.
 */
import { and, asc, eq, inArray, lt, sql } from "drizzle-orm";
import { database } from "./client";
import { eventDeliveries, outboundEvents } from "./schema";

export type OutboundEvent = typeof outboundEvents.$inferSelect;
export type Delivery = { eventId: string; subscriptionId: string };

export function pendingEvents(d1: D1Database, limit: number) {
  return database(d1)
    .select({ id: outboundEvents.id, type: outboundEvents.type, stream: outboundEvents.stream, seq: outboundEvents.seq })
    .from(outboundEvents)
    .where(eq(outboundEvents.state, "pending"))
    .orderBy(asc(outboundEvents.createdAt), asc(outboundEvents.seq))
    .limit(limit)
    .all();
}

/**
 * Records the deliveries to make (waiting when they belong to a stream, queued otherwise) and
 * marks their events dispatched, in batches under D1's parameter limit.
 */
export async function recordFanOut(d1: D1Database, deliveries: (Delivery & { stream: string | null; seq: number | null })[], eventIds: string[], at: string): Promise<void> {
  const db = database(d1);
  const stmts = [];
  for (let i = 0; i < deliveries.length; i += 10) {
    const rows = deliveries.slice(i, i + 10).map((d) => ({ ...d, state: d.stream ? "waiting" : "queued", attempts: 0, createdAt: at, dueAt: at }));
    stmts.push(db.insert(eventDeliveries).values(rows).onConflictDoNothing());
  }
  for (let i = 0; i < eventIds.length; i += 90) {
    stmts.push(db.update(outboundEvents).set({ state: "dispatched" }).where(and(eq(outboundEvents.state, "pending"), inArray(outboundEvents.id, eventIds.slice(i, i + 90)))));
  }
  for (let i = 0; i < stmts.length; i += 50) {
    const chunk = stmts.slice(i, i + 50);
    await db.batch(chunk as [(typeof chunk)[number], ...(typeof chunk)[number][]]);
  }
}

/**
 * Queues the stream's next delivery to the subscription when none of its is queued: the
 * earliest undelivered one, if it is waiting. One statement, so two callers (the fan-out and a
 * consumer that just finished one) can never queue two of a stream at once. Returns what to send.
 */
export async function promoteNext(d1: D1Database, subscriptionId: string, stream: string, at: string): Promise<Delivery[]> {
  const r = await d1
    .prepare(
      `UPDATE event_deliveries SET state = 'queued', due_at = ?1
       WHERE subscription_id = ?2 AND stream = ?3 AND state = 'waiting'
         AND seq = (SELECT MIN(seq) FROM event_deliveries WHERE subscription_id = ?2 AND stream = ?3 AND state IN ('waiting', 'queued'))
       RETURNING event_id, subscription_id`,
    )
    .bind(at, subscriptionId, stream)
    .all<{ event_id: string; subscription_id: string }>();
  return r.results.map((x) => ({ eventId: x.event_id, subscriptionId: x.subscription_id }));
}

/** Queued deliveries whose expected attempt is long past (their message was lost): to send again. */
export async function overdueDeliveries(d1: D1Database, before: string, at: string, limit = 200): Promise<Delivery[]> {
  const db = database(d1);
  const rows = await db.select({ eventId: eventDeliveries.eventId, subscriptionId: eventDeliveries.subscriptionId }).from(eventDeliveries).where(and(eq(eventDeliveries.state, "queued"), lt(eventDeliveries.dueAt, before))).limit(limit).all();
  for (let i = 0; i < rows.length; i += 20) {
    const chunk = rows.slice(i, i + 20);
    await db.update(eventDeliveries).set({ dueAt: at }).where(and(eq(eventDeliveries.state, "queued"), sql`(${eventDeliveries.eventId}, ${eventDeliveries.subscriptionId}) IN (${sql.join(chunk.map((r) => sql`(${r.eventId}, ${r.subscriptionId})`), sql`, `)})`));
  }
  return rows;
}

/** Streams with a waiting delivery and nothing queued that has waited long (a promotion was lost to a crash). */
export async function stalledStreams(d1: D1Database, before: string, limit = 200): Promise<{ subscriptionId: string; stream: string }[]> {
  const r = await d1
    .prepare(
      `SELECT DISTINCT w.subscription_id, w.stream FROM event_deliveries w
       WHERE w.state = 'waiting' AND w.due_at < ?1
         AND NOT EXISTS (SELECT 1 FROM event_deliveries q WHERE q.subscription_id = w.subscription_id AND q.stream = w.stream AND q.state = 'queued')
       LIMIT ?2`,
    )
    .bind(before, limit)
    .all<{ subscription_id: string; stream: string }>();
  return r.results.map((x) => ({ subscriptionId: x.subscription_id, stream: x.stream }));
}

/** The event, and its delivery to the subscription, for one delivery attempt. */
export async function deliveryContext(d1: D1Database, eventId: string, subscriptionId: string) {
  const db = database(d1);
  const [ev, del] = await db.batch([
    db.select().from(outboundEvents).where(eq(outboundEvents.id, eventId)),
    db.select({ state: eventDeliveries.state, stream: eventDeliveries.stream }).from(eventDeliveries).where(and(eq(eventDeliveries.eventId, eventId), eq(eventDeliveries.subscriptionId, subscriptionId))),
  ]);
  return { event: ev[0], state: del[0]?.state, stream: del[0]?.stream ?? null };
}

/** One attempt's outcome; a failed one is next expected after `retryInSeconds`. */
export async function recordDeliveryAttempt(d1: D1Database, eventId: string, subscriptionId: string, r: { status: number | null; error: string | null; ok: boolean; at: string; retryInSeconds?: number }): Promise<void> {
  const next = new Date(Date.parse(r.at) + (r.retryInSeconds ?? 0) * 1000).toISOString();
  await database(d1)
    .update(eventDeliveries)
    .set({
      attempts: sql`${eventDeliveries.attempts} + 1`,
      lastStatus: r.status,
      lastError: r.error,
      ...(r.ok ? { state: "delivered", deliveredAt: r.at } : { dueAt: next }),
    })
    .where(and(eq(eventDeliveries.eventId, eventId), eq(eventDeliveries.subscriptionId, subscriptionId)));
}

export async function setDeliveryState(d1: D1Database, eventId: string, subscriptionId: string, state: "queued" | "dead"): Promise<{ stream: string | null } | undefined> {
  const [r] = await database(d1)
    .update(eventDeliveries)
    .set({ state, dueAt: new Date().toISOString() })
    .where(and(eq(eventDeliveries.eventId, eventId), eq(eventDeliveries.subscriptionId, subscriptionId)))
    .returning({ stream: eventDeliveries.stream });
  return r;
}

/** Appends events with deterministic ids: a producer that retries appends nothing twice. */
export async function appendEvents(d1: D1Database, events: Omit<OutboundEvent, "state" | "attempts" | "deliveredAt">[]): Promise<void> {
  if (!events.length) return;
  const db = database(d1);
  const stmts = events.map((e) => db.insert(outboundEvents).values({ ...e, state: "pending", attempts: 0 }).onConflictDoNothing());
  await db.batch(stmts as [(typeof stmts)[number], ...(typeof stmts)[number][]]);
}
