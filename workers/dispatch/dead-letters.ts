/**
 * Dead letters: messages that exhausted their retries are recorded in D1 (one row per message,
 * keyed by queue + message id, so a redelivered dead letter is recorded once) and the order
 * is marked `exception` with reason `dead_letter`. Replay puts the work back on its queue.
 */
import type { Env } from "../../lib/env";
import { newId } from "../../lib/ids";
import type { DispatchMessage, EventMessage } from "../../lib/messages";
import { findOrderRow, orderStub } from "../../lib/orders";

async function lastAttemptError(env: Env, orderId: string): Promise<string | null> {
  const r = await env.DB.prepare("SELECT detail FROM timeline WHERE order_id = ? AND type = 'erp_attempt' ORDER BY seq DESC LIMIT 1")
    .bind(orderId)
    .first<{ detail: string }>();
  if (!r) return null;
  const d = JSON.parse(r.detail) as { error?: string; httpStatus?: number };
  return d.error ?? (d.httpStatus ? `HTTP ${d.httpStatus}` : null);
}

export async function handleDeadLetter(msg: Message<DispatchMessage | EventMessage>, queue: string, env: Env): Promise<void> {
  try {
    const body = msg.body;
    const orderId = "orderId" in body ? body.orderId : null;
    const last = orderId ? await lastAttemptError(env, orderId) : null;
    const maxAttempts = Number(env.ERP_MAX_ATTEMPTS || "6");
    const reason = `gave up after ${maxAttempts} attempts${last ? `: ${last}` : ""}`;
    const id = newId("dlq");
    const inserted = await env.DB.prepare(
      `INSERT INTO dead_letters (id, queue, message_id, order_id, kind, body, reason, attempts, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (queue, message_id) DO NOTHING`,
    )
      .bind(id, queue, (body as { key?: string }).key ? `${(body as { key: string }).key}#${msg.id}` : msg.id, orderId, body.kind, JSON.stringify(body), reason, maxAttempts, new Date().toISOString())
      .run();
    if (body.kind === "event.deliver") {
      await env.DB.prepare("UPDATE event_deliveries SET state = 'dead' WHERE event_id = ? AND subscription_id = ?").bind(body.eventId, body.subscriptionId).run();
    }
    if (inserted.meta.changes && orderId) {
      const row = await findOrderRow(env, orderId);
      if (row) await orderStub(env, row.channel, row.external_id).recordErp({ type: "dead_letter", attempts: maxAttempts, reason, deadLetterId: id });
    }
    msg.ack();
  } catch (e) {
    console.log(JSON.stringify({ level: "error", msg: "dead letter not recorded; retrying", error: String(e) }));
    msg.retry({ delaySeconds: 5 });
  }
}

/** Replays one dead letter: the order's ERP hand-off (or the event delivery) is queued again. */
export async function replayDeadLetter(env: Env, id: string, opts: { dryRun?: boolean } = {}) {
  const row = await env.DB.prepare("SELECT id, queue, kind, order_id, body, replay_count FROM dead_letters WHERE id = ?")
    .bind(id)
    .first<{ id: string; queue: string; kind: string; order_id: string | null; body: string; replay_count: number }>();
  if (!row) return null;
  if (opts.dryRun) return { id, kind: row.kind, orderId: row.order_id, replayed: false, dryRun: true };
  if (row.kind === "event.deliver") {
    const m = JSON.parse(row.body) as EventMessage;
    await env.DB.prepare("UPDATE event_deliveries SET state = 'queued' WHERE event_id = ? AND subscription_id = ?").bind(m.eventId, m.subscriptionId).run();
    await env.EVENTS_QUEUE.send(m);
  } else if (row.order_id) {
    const order = await findOrderRow(env, row.order_id);
    if (order) {
      const stub = orderStub(env, order.channel, order.external_id);
      if (row.kind === "erp.cancel") await env.DISPATCH_QUEUE.send(JSON.parse(row.body) as DispatchMessage);
      else await stub.requeue(`dead letter ${id} replayed`);
    }
  }
  await env.DB.prepare("UPDATE dead_letters SET replayed_at = ?, replay_count = replay_count + 1 WHERE id = ?").bind(new Date().toISOString(), id).run();
  return { id, kind: row.kind, orderId: row.order_id, replayed: true };
}
