/**
 * Subscriber fan-out: pending outbound events to the subscriptions that match them, one
 * delivery row and one queue message each. Safe to repeat: deliveries are keyed
 * (event, subscription) and the consumer skips delivered rows.
 */
import { pendingEvents, recordFanOut } from "../db/outbound-events";
import { listSubscriptions } from "../db/subscriptions";
import type { Env } from "../lib/env";
import type { EventMessage } from "../lib/messages";

/** `order.*` matches `order.status_changed`; `*` matches everything. */
export function matches(patterns: string[], type: string): boolean {
  return patterns.some((p) => p === "*" || p === type || (p.endsWith(".*") && type.startsWith(p.slice(0, -1))));
}

export async function fanOutEvents(env: Env, limit = 500): Promise<{ events: number; deliveries: number }> {
  const [pending, subs] = await Promise.all([pendingEvents(env.DB, limit), listSubscriptions(env.DB)]);
  if (!pending.length) return { events: 0, deliveries: 0 };
  const deliveries = pending.flatMap((ev) => subs.filter((s) => matches(s.events, ev.type)).map((s) => ({ eventId: ev.id, subscriptionId: s.id })));
  const messages: { body: EventMessage }[] = deliveries.map((d) => ({ body: { kind: "event.deliver", key: `${d.eventId}:${d.subscriptionId}`, ...d } }));
  // Queue first, then mark: a crash in between re-sends (the consumer skips delivered rows), never loses.
  for (let i = 0; i < messages.length; i += 100) await env.EVENTS_QUEUE.sendBatch(messages.slice(i, i + 100));
  await recordFanOut(env.DB, deliveries, pending.map((e) => e.id), new Date().toISOString());
  return { events: pending.length, deliveries: deliveries.length };
}
