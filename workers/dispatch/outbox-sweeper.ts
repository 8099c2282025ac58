/**
 * The durable order record is the outbox. A `send()` can fail after the order was written,
 * and the local queue broker loses unconsumed messages when its process dies, so the cron
 * re-enqueues orders that were recorded but neither confirmed nor dead-lettered and have not
 * moved for OUTBOX_SWEEP_AFTER_SECONDS. Safe to repeat: the ERP call is idempotent
 * (`Idempotency-Key: <orderId>:<version>`) and the consumer skips confirmed orders.
 */
import type { Env } from "../../lib/env";
import { orderStub } from "../../lib/orders";

export async function sweepOutbox(env: Env, now = Date.now()): Promise<{ requeued: string[] }> {
  const after = Number(env.OUTBOX_SWEEP_AFTER_SECONDS || "120");
  const cutoff = new Date(now - after * 1000).toISOString();
  const { results } = await env.DB.prepare(
    `SELECT id, channel, external_id FROM orders
     WHERE dispatch_state IN ('pending', 'enqueued') AND status NOT IN ('cancelled') AND updated_at < ?
     ORDER BY updated_at LIMIT 100`,
  )
    .bind(cutoff)
    .all<{ id: string; channel: string; external_id: string }>();
  const requeued: string[] = [];
  for (const r of results) {
    try {
      await orderStub(env, r.channel, r.external_id).requeue("outbox sweep: no progress since " + cutoff);
      requeued.push(r.id);
    } catch (e) {
      console.log(JSON.stringify({ level: "error", msg: "outbox sweep failed for order", orderId: r.id, error: String(e) }));
    }
  }
  return { requeued };
}
