/**
 * Fulfillers as services: the configured WMS/3PL per location (read through a short
 * per-isolate cache, like policies), sending one release message to one (a signed release event,
 * or a 940 written by the fulfiller's partner object), and mapping a 3PL's own order number
 * (the 940's W0502, quoted back in its 945's W0602) to our order.
 */
import { decryptSecret } from "../core/crypto";
import { releaseEvent } from "../core/fulfilment/release-event";
import type { Fulfiller, FulfillerKind, FulfillerSettings, Release } from "../core/fulfilment/types";
import { shippingOrder } from "../core/fulfilment/x12-documents";
import { partnerObjectName, ORDER_ID } from "../core/keys";
import type { CanonicalOrder } from "../core/canonical";
import { sendInterchange, sendReleaseEvent, type DeliveryOutcome } from "../connectors/fulfillers";
import { listFulfillers } from "../db/fulfillers";
import type { Env } from "./env";
import { IsolateCache } from "./isolate-cache";
import { callableUrl } from "./outbound";

const cache = new IsolateCache<Fulfiller[]>(5_000, 1);

/** Every fulfiller, secrets decrypted (in memory only). Others see a change within 5 s; this isolate at once after `forgetFulfillers`. */
export function loadFulfillers(env: Env): Promise<Fulfiller[]> {
  return cache.get("*", async () =>
    Promise.all(
      (await listFulfillers(env.DB)).map(async (r) => ({
        id: r.id,
        kind: r.kind as FulfillerKind,
        name: r.name,
        locations: r.locations,
        url: r.url,
        secret: await decryptSecret(env.SECRETS_KEY, r.secretEnc),
        ackDeadlineSeconds: r.ackDeadlineSeconds,
        settings: r.settings as FulfillerSettings,
      })),
    ),
  );
}

export function forgetFulfillers(): void {
  cache.clear();
}

/** The fulfiller that ships from `location`, if any. */
export const fulfillerAt = (list: readonly Fulfiller[], location: string) => list.find((f) => f.locations.includes(location));

export const partnerStub = (env: Env, kind: "edi" | "fulfiller", id: string) => env.PARTNERS.getByName(partnerObjectName(kind, id));

export type SendResult = DeliveryOutcome & { orderNumber?: string; isa13?: string };

/**
 * Sends a release's release or cancel message to its fulfiller; never throws. A URL the
 * outbound policy refuses now, or a 940 our writer refuses, is `refused` with the reason.
 *
 * @example await sendReleaseMessage(env, fulfiller, { orderId, orchestrationId, order }, release, "release")
 */
export async function sendReleaseMessage(env: Env, f: Fulfiller, o: { orderId: string; orchestrationId: string; order: CanonicalOrder }, r: Release, type: "release" | "cancel", reason?: string): Promise<SendResult> {
  try {
    return await send(env, f, o, r, type, reason);
  } catch (e) {
    // The partner object was unreachable (a deploy, an overloaded isolate): try again later, like a 503.
    return { outcome: "retry", status: null, retryAfter: null, reason: `could not prepare the message: ${String(e).slice(0, 200)}` };
  }
}

async function send(env: Env, f: Fulfiller, o: { orderId: string; orchestrationId: string; order: CanonicalOrder }, r: Release, type: "release" | "cancel", reason?: string): Promise<SendResult> {
  const url = callableUrl(env, f.url);
  if (!url) return { outcome: "refused", status: 0, reason: "the fulfiller's URL is refused by the outbound URL policy" };
  if (f.kind === "standard") return sendReleaseEvent(url, f.secret, releaseEvent(o, r, type, new Date(), reason), { fetch });
  if (!f.settings.partner) return { outcome: "refused", status: 0, reason: "the x12 fulfiller has no partner settings" };
  const written = await partnerStub(env, "fulfiller", f.id).write940({
    key: `${o.orderId}:${r.id}:${type}`,
    orderId: o.orderId,
    releaseId: r.id,
    location: r.location,
    order: shippingOrder(o.order, r, f.settings, type === "release" ? "N" : "F", f.name),
    partner: f.settings.partner,
  });
  if (!written.ok) return { outcome: "refused", status: 0, reason: `the 940 was not written: ${written.errors.map((e) => `${e.path} ${e.message}`).join("; ").slice(0, 500)}` };
  const sent = await sendInterchange(url, f.secret, written.text, { fetch });
  return { ...sent, ...(written.orderNumber ? { orderNumber: written.orderNumber } : {}), isa13: written.isa13 };
}

/**
 * A 945 (or any warehouse fact) that names an order by a number we gave a 3PL: the order and
 * the release location it belongs to, looked up in the partner objects of the fulfillers that
 * send on `connectionId`. Null for our own order ids and for numbers nobody was given.
 */
export async function resolveFulfillerOrder(env: Env, connectionId: string, number: string): Promise<{ orderId: string; location: string } | null> {
  if (ORDER_ID.test(number)) return null;
  const candidates = (await loadFulfillers(env)).filter((f) => f.kind === "x12" && f.settings.connectionId === connectionId);
  for (const f of candidates) {
    const hit = await partnerStub(env, "fulfiller", f.id).resolveOrderNumber(number);
    if (hit) return { orderId: hit.orderId, location: hit.location };
  }
  return null;
}
