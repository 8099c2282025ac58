/**
 * Subscriber fan-out: pending outbound events to the subscriptions that match them. Deliveries of
 * one stream (an order's events) go out one at a time, in order; the rest wait for their turn
 * (db/outbound-events.ts). Safe to repeat: deliveries are keyed (event, subscription), promotion
 * is one conditional statement, and the consumer skips delivered rows. A sweep re-sends queued
 * deliveries whose message was lost (a local queue broker loses what it held when killed) and
 * promotes streams a crash left waiting.
 */
import { matches } from "../core/event-patterns";
import { overdueDeliveries, pendingEvents, promoteNext, recordFanOut, stalledStreams, type Delivery } from "../db/outbound-events";
import { listSubscriptions } from "../db/subscriptions";
import type { Env } from "../lib/env";
import type { EventMessage } from "../lib/messages";

/** A queued delivery not tried for this long past its expected time is sent again. */
const OVERDUE_MS = 60_000;

export { matches };

export async function sendDeliveries(env: Env, deliveries: Delivery[]): Promise<void> {
  const messages: { body: EventMessage }[] = deliveries.map((d) => ({ body: { kind: "event.deliver", key: `${d.eventId}:${d.subscriptionId}`, ...d } }));
  for (let i = 0; i < messages.length; i += 100) await env.EVENTS_QUEUE.sendBatch(messages.slice(i, i + 100));
}

/** Queues the next delivery of each (subscription, stream) that has none in flight. */
export async function promoteStreams(env: Env, streams: { subscriptionId: string; stream: string }[]): Promise<number> {
  const at = new Date().toISOString();
  const promoted = (await Promise.all(streams.map((s) => promoteNext(env.DB, s.subscriptionId, s.stream, at)))).flat();
  await sendDeliveries(env, promoted);
  return promoted.length;
}

export async function fanOutEvents(env: Env, limit = 500): Promise<{ events: number; deliveries: number }> {
  const [pending, subs] = await Promise.all([pendingEvents(env.DB, limit), listSubscriptions(env.DB)]);
  if (!pending.length) return { events: 0, deliveries: 0 };
  const deliveries = pending.flatMap((ev) => subs.filter((s) => matches(s.events, ev.type)).map((s) => ({ eventId: ev.id, subscriptionId: s.id, stream: ev.stream, seq: ev.seq })));
  // Rows first, then messages: a crash in between leaves rows the sweep sends; nothing is lost.
  await recordFanOut(env.DB, deliveries, pending.map((e) => e.id), new Date().toISOString());
  await sendDeliveries(env, deliveries.filter((d) => !d.stream));
  const streams = new Map(deliveries.filter((d) => d.stream).map((d) => [`${d.subscriptionId}\n${d.stream}`, { subscriptionId: d.subscriptionId, stream: d.stream! }]));
  await promoteStreams(env, [...streams.values()]);
  return { events: pending.length, deliveries: deliveries.length };
}

/** Deliveries a crash or a lost message left behind: sent again (at least once beats never). */
export async function sweepDeliveries(env: Env, now = Date.now()): Promise<{ resent: number; promoted: number }> {
  const before = new Date(now - OVERDUE_MS).toISOString();
  const overdue = await overdueDeliveries(env.DB, before, new Date(now).toISOString());
  await sendDeliveries(env, overdue);
  const promoted = await promoteStreams(env, await stalledStreams(env.DB, before));
  return { resent: overdue.length, promoted };
}
