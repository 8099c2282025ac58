/**
 * Consumer of the dispatch queue: hands each order to the ERP. Every message is acked or
 * retried on its own and nothing is thrown (one poison message must not replay a batch).
 * Retries use full-jitter backoff, never sooner than `Retry-After`; after max_retries the
 * platform moves the message to the dead-letter queue (see dead-letters.ts).
 */
import { nextDelaySeconds } from "../../core/retry";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";
import type { DispatchMessage } from "../../lib/messages";
import { orderStubById } from "../../lib/orders";
import { reasonOf, sendCancel, sendOrder } from "./erp-connector";

export async function handleDispatch(msg: Message<Exclude<DispatchMessage, { kind: "channel.hydrate" }>>, env: Env): Promise<void> {
  const m = msg.body;
  const base = { baseSeconds: Number(env.RETRY_BASE_SECONDS ?? "2") };
  try {
    // The order id names the order's object: nothing here reads D1.
    const stub = orderStubById(env, m.orderId);
    const p = stub ? await stub.erpPayload() : null;
    if (!stub || !p) {
      log.error("dispatch message for an order that does not exist; dropped", { orderId: m.orderId, orchestrationId: m.orchestrationId });
      return msg.ack();
    }
    if (m.kind === "erp.cancel") {
      if (!p.erpOrderId) return msg.ack(); // never booked: nothing to cancel in the ERP
      const a = await sendCancel(env, p.erpOrderId, m.orderId, m.orchestrationId);
      if (a.verdict === "retry") return msg.retry({ delaySeconds: nextDelaySeconds(msg.attempts, a.retryAfter, base) });
      await stub.recordErp({ type: "cancel_sent", httpStatus: a.httpStatus ?? 0 });
      return msg.ack();
    }
    // Redelivered or superseded messages: the order already reached the ERP, or was cancelled.
    if (p.dispatchState === "confirmed" || p.dispatchState === "rejected" || p.status === "cancelled" || p.dispatchState === "skipped") return msg.ack();

    const a = await sendOrder(env, p.order, p.version);
    const fields = { orderId: m.orderId, orchestrationId: m.orchestrationId, attempt: msg.attempts, httpStatus: a.httpStatus, latencyMs: a.latencyMs };
    switch (a.verdict) {
      case "success":
      case "already_there": {
        const erpOrderId = typeof a.body.erpOrderId === "string" ? a.body.erpOrderId : (p.erpOrderId ?? `unknown:${m.orderId}`);
        // The order marks its holds seen by the ERP itself, an owed effect it retries until done.
        await stub.recordErp({ type: "accepted", attempt: msg.attempts, erpOrderId, httpStatus: a.httpStatus ?? 0, latencyMs: a.latencyMs, version: p.version });
        log.info("erp accepted", { ...fields, erpOrderId });
        return msg.ack();
      }
      case "reject": {
        const reason = reasonOf(a);
        await stub.recordErp({ type: "rejected", attempt: msg.attempts, httpStatus: a.httpStatus ?? 0, reason, version: p.version });
        log.warn("erp rejected", { ...fields, reason });
        return msg.ack();
      }
      case "retry": {
        const delay = nextDelaySeconds(msg.attempts, a.retryAfter, base);
        await stub.recordErp({
          type: "attempt",
          attempt: msg.attempts,
          httpStatus: a.httpStatus,
          latencyMs: a.latencyMs,
          error: reasonOf(a),
          retryInSeconds: delay,
          version: p.version,
        });
        log.warn("erp attempt failed; retrying", { ...fields, retryInSeconds: delay, error: reasonOf(a) });
        return msg.retry({ delaySeconds: delay });
      }
    }
  } catch (e) {
    // Our own platform failed (D1, a DO): retry the message, never throw out of the consumer.
    log.error("dispatch failed", { orderId: m.orderId, orchestrationId: m.orchestrationId, error: String(e) });
    msg.retry({ delaySeconds: nextDelaySeconds(msg.attempts, null, base) });
  }
}
