/**
 * Outbound events to subscribers: fan-out of pending `outbound_events` to matching
 * subscriptions (one `event_deliveries` row and one queue message each), and the consumer that
 * POSTs each event signed the Standard Webhooks way. Retries with backoff; exhausted deliveries
 * go to the events dead-letter queue and can be replayed.
 */
import { fromBase64, hmacSha256, toBase64, utf8 } from "../../core/crypto";
import { classifyStatus, nextDelaySeconds, parseRetryAfter } from "../../core/retry";
import { decryptSecret } from "../../core/crypto";
import type { Env } from "../../lib/env";
import type { EventMessage } from "../../lib/messages";

/** `order.*` matches `order.status_changed`; `*` matches everything. */
export function matches(patterns: string[], type: string): boolean {
  return patterns.some((p) => p === "*" || p === type || (p.endsWith(".*") && type.startsWith(p.slice(0, -1))));
}

/** Moves pending events to their subscribers' queues. Safe to repeat: deliveries are keyed (event, subscription). */
export async function fanOutEvents(env: Env, limit = 500): Promise<{ events: number; deliveries: number }> {
  const [events, subs] = await env.DB.batch([
    env.DB.prepare("SELECT id, type FROM outbound_events WHERE state = 'pending' ORDER BY created_at LIMIT ?").bind(limit),
    env.DB.prepare("SELECT id, events FROM subscriptions"),
  ]);
  const pending = events!.results as { id: string; type: string }[];
  if (!pending.length) return { events: 0, deliveries: 0 };
  const subscriptions = (subs!.results as { id: string; events: string }[]).map((s) => ({ id: s.id, events: JSON.parse(s.events) as string[] }));
  const now = new Date().toISOString();
  const messages: { body: EventMessage }[] = [];
  const stmts: D1PreparedStatement[] = [];
  for (const ev of pending) {
    for (const sub of subscriptions.filter((s) => matches(s.events, ev.type))) {
      stmts.push(env.DB.prepare("INSERT OR IGNORE INTO event_deliveries (event_id, subscription_id, state, attempts, created_at) VALUES (?, ?, 'queued', 0, ?)").bind(ev.id, sub.id, now));
      messages.push({ body: { kind: "event.deliver", key: `${ev.id}:${sub.id}`, eventId: ev.id, subscriptionId: sub.id } });
    }
  }
  // One statement per chunk of events rather than one per event (D1 allows 100 bound parameters).
  for (let i = 0; i < pending.length; i += 90) {
    const ids = pending.slice(i, i + 90).map((e) => e.id);
    stmts.push(env.DB.prepare(`UPDATE outbound_events SET state = 'dispatched' WHERE state = 'pending' AND id IN (${ids.map(() => "?").join(",")})`).bind(...ids));
  }
  // Queue first, then mark: a crash in between re-sends (the consumer skips delivered rows), never loses.
  for (let i = 0; i < messages.length; i += 100) await env.EVENTS_QUEUE.sendBatch(messages.slice(i, i + 100));
  for (let i = 0; i < stmts.length; i += 50) await env.DB.batch(stmts.slice(i, i + 50));
  return { events: pending.length, deliveries: messages.length };
}

/** Standard Webhooks signature: `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`, key from `whsec_<base64>`. */
export async function signStandard(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = secret.startsWith("whsec_") ? (fromBase64(secret.slice(6)) ?? utf8(secret)) : utf8(secret);
  return `v1,${toBase64(await hmacSha256(key, `${id}.${timestamp}.${body}`))}`;
}

export async function handleEventDelivery(msg: Message<EventMessage>, env: Env): Promise<void> {
  const m = msg.body;
  const base = { baseSeconds: Number(env.RETRY_BASE_SECONDS ?? "2") };
  try {
    const [evRes, subRes, delRes] = await env.DB.batch([
      env.DB.prepare("SELECT id, type, occurred_at, orchestration_id, data FROM outbound_events WHERE id = ?").bind(m.eventId),
      env.DB.prepare("SELECT id, url, secret_enc FROM subscriptions WHERE id = ?").bind(m.subscriptionId),
      env.DB.prepare("SELECT state FROM event_deliveries WHERE event_id = ? AND subscription_id = ?").bind(m.eventId, m.subscriptionId),
    ]);
    const ev = evRes!.results[0] as { id: string; type: string; occurred_at: string; orchestration_id: string | null; data: string } | undefined;
    const sub = subRes!.results[0] as { id: string; url: string; secret_enc: string } | undefined;
    const state = (delRes!.results[0] as { state: string } | undefined)?.state;
    if (!ev || !sub || state === "delivered") return msg.ack(); // deleted subscription, or a redelivery
    const body = JSON.stringify({ id: ev.id, type: ev.type, occurredAt: ev.occurred_at, orchestrationId: ev.orchestration_id, data: JSON.parse(ev.data) as unknown });
    const ts = Math.floor(Date.now() / 1000);
    const signature = await signStandard(await decryptSecret(env.SECRETS_KEY, sub.secret_enc), ev.id, ts, body);
    let status: number | null = null;
    let retryAfter: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(sub.url, {
        method: "POST",
        headers: { "content-type": "application/json", "webhook-id": ev.id, "webhook-timestamp": String(ts), "webhook-signature": signature, ...(ev.orchestration_id ? { "x-orchestration-id": ev.orchestration_id } : {}) },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      retryAfter = parseRetryAfter(res.headers.get("retry-after"));
      await res.body?.cancel();
    } catch (e) {
      error = String(e);
    }
    const ok = status !== null && classifyStatus(status) === "success";
    await env.DB.prepare(
      "UPDATE event_deliveries SET attempts = attempts + 1, last_status = ?, last_error = ?, state = CASE WHEN ? THEN 'delivered' ELSE state END, delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END WHERE event_id = ? AND subscription_id = ?",
    )
      .bind(status, error, ok ? 1 : 0, ok ? 1 : 0, new Date().toISOString(), m.eventId, m.subscriptionId)
      .run();
    if (ok) return msg.ack();
    // A subscriber's 4xx is as likely a deploy in progress as a permanent refusal: retry, then dead-letter.
    msg.retry({ delaySeconds: nextDelaySeconds(msg.attempts, retryAfter, base) });
  } catch (e) {
    console.log(JSON.stringify({ level: "error", msg: "event delivery failed", eventId: m.eventId, error: String(e) }));
    msg.retry({ delaySeconds: nextDelaySeconds(msg.attempts, null, base) });
  }
}
