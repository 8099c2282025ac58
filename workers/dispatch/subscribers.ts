/**
 * The events consumer: POSTs each outbound event to its subscriber, signed the Standard
 * Webhooks way. One order's (one stream's) events go in order: only the earliest undelivered
 * one is queued, and delivering it queues the next (jobs/fan-out.ts). Retries with backoff
 * (honouring Retry-After); exhausted deliveries go to the events dead-letter queue, which lets
 * the stream move on, and can be replayed.
 */
import { signStandard } from "../../core/channels/standard/signature";
import { decryptSecret } from "../../core/crypto";
import { classifyStatus, nextDelaySeconds, parseRetryAfter } from "../../core/retry";
import { deliveryContext, recordDeliveryAttempt } from "../../db/outbound-events";
import { promoteStreams } from "../../jobs/fan-out";
import { getSubscription } from "../../db/subscriptions";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";
import type { EventMessage } from "../../lib/messages";
import { callableUrl } from "../../lib/outbound";

export async function handleEventDelivery(msg: Message<EventMessage>, env: Env): Promise<void> {
  const m = msg.body;
  const base = { baseSeconds: Number(env.RETRY_BASE_SECONDS ?? "2") };
  try {
    const [{ event: ev, state, stream }, sub] = await Promise.all([deliveryContext(env.DB, m.eventId, m.subscriptionId), getSubscription(env.DB, m.subscriptionId)]);
    if (!ev || !sub || state === "delivered") return msg.ack(); // deleted subscription, or a redelivery
    const target = callableUrl(env, sub.url);
    if (!target) {
      log.warn("subscription URL refused by the outbound policy; not delivered", { subscriptionId: sub.id, eventId: ev.id });
      await recordDeliveryAttempt(env.DB, m.eventId, m.subscriptionId, { status: null, error: "URL refused by the outbound policy", ok: false, at: new Date().toISOString() });
      return msg.retry({ delaySeconds: nextDelaySeconds(msg.attempts, null, base) });
    }
    const body = JSON.stringify({ id: ev.id, type: ev.type, occurredAt: ev.occurredAt, orchestrationId: ev.orchestrationId, data: ev.data });
    const ts = Math.floor(Date.now() / 1000);
    const signature = await signStandard(await decryptSecret(env.SECRETS_KEY, sub.secretEnc), ev.id, ts, body);
    let status: number | null = null;
    let retryAfter: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(target, {
        method: "POST",
        headers: { "content-type": "application/json", "webhook-id": ev.id, "webhook-timestamp": String(ts), "webhook-signature": signature, ...(ev.orchestrationId ? { "x-orchestration-id": ev.orchestrationId } : {}) },
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(10_000),
      });
      status = res.status;
      retryAfter = parseRetryAfter(res.headers.get("retry-after"));
      await res.body?.cancel();
    } catch (e) {
      error = String(e).slice(0, 500);
    }
    const ok = status !== null && classifyStatus(status) === "success";
    // A subscriber's 4xx is as likely a deploy in progress as a permanent refusal: retry, then dead-letter.
    const delay = ok ? 0 : nextDelaySeconds(msg.attempts, retryAfter, base);
    await recordDeliveryAttempt(env.DB, m.eventId, m.subscriptionId, { status, error, ok, at: new Date().toISOString(), retryInSeconds: delay });
    if (!ok) return msg.retry({ delaySeconds: delay });
    // The next event of this order may go now.
    if (stream) await promoteStreams(env, [{ subscriptionId: sub.id, stream }]);
    msg.ack();
  } catch (e) {
    log.error("event delivery failed", { eventId: m.eventId, error: String(e) });
    msg.retry({ delaySeconds: nextDelaySeconds(msg.attempts, null, base) });
  }
}
