/**
 * A release event to a standard fulfiller (a WMS): JSON, signed the Standard Webhooks way
 * (https://www.standardwebhooks.com: `webhook-id`, `webhook-timestamp`, `webhook-signature`
 * = v1,base64 HMAC-SHA256 of "id.timestamp.body"), the same scheme subscribers get. The
 * `webhook-id` is the event id, stable across retries, so the receiver dedupes on it.
 */
import { signStandard } from "../../core/channels/standard/signature";
import type { ReleaseEvent } from "../../core/fulfilment/release-event";
import { post, type DeliveryDeps, type DeliveryOutcome } from "./deliver";

/**
 * @example await sendReleaseEvent(new URL(f.url), f.secret, releaseEvent(order, release, "release", new Date()), { fetch })
 */
export async function sendReleaseEvent(url: URL, secret: string, event: ReleaseEvent, deps: DeliveryDeps, now = Date.now()): Promise<DeliveryOutcome> {
  const body = JSON.stringify(event);
  const ts = Math.floor(now / 1000);
  const headers = {
    "content-type": "application/json",
    "webhook-id": event.id,
    "webhook-timestamp": String(ts),
    "webhook-signature": await signStandard(secret, event.id, ts, body),
    "x-orchestration-id": event.orchestrationId,
  };
  return post(url, headers, body, deps, [secret]);
}
