/**
 * Shopify: `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256(app secret, raw body). The HMAC covers
 * the body only: `X-Shopify-Topic` and `X-Shopify-Webhook-Id` are not signed, so neither decides
 * anything on its own. The transport key is a digest of the signed body (Shopify retries a
 * delivery with the original payload, so retries still dedupe, and the same signed body under a
 * new webhook id is the same event); the topic only picks the payload type, and what an order
 * payload means is read from the payload: it is a cancellation only when `cancelled_at` is set.
 * The order's `updated_at` is its version, which lets ingest flag a retried old payload as stale.
 */
import { err, ok, type CanonicalOrder, type ChannelEvent, type Result } from "../../canonical";
import { digestDelivery, header, verifyBodyHmac } from "../signature";
import { invalidPayload, parseJsonBody, validOrder } from "../payload";
import type { ChannelAdapter, ParseFailure } from "../types";
import { mapCancellation, mapFulfillment, mapInventoryLevel, mapOrder, mapRefund } from "./map";
import {
  shopifyFulfillmentSchema,
  shopifyInventoryLevelSchema,
  shopifyOrderSchema,
  shopifyRefundSchema,
  type ShopifyOrder,
} from "./schemas";

export const shopifyAdapter: ChannelAdapter = {
  async verify(req, conn) {
    const checked = await verifyBodyHmac(conn.secret, req.body, header(req.headers, "x-shopify-hmac-sha256"));
    if (!checked.ok) return checked;
    return ok(await digestDelivery(req.body, header(req.headers, "x-shopify-topic") ?? ""));
  },

  parse(req, conn, { topic }): Result<ChannelEvent[], ParseFailure> {
    if (!topic) return err({ reason: "unsupported_topic", topic });
    const handler = HANDLERS[topic];
    if (!handler) return ok([{ kind: "ignored", reason: `shopify topic ${topic} is not mapped` }]);
    const json = parseJsonBody(req.body);
    return json.ok ? handler(json.value, conn.channel) : json;
  },
};

type Handler = (body: unknown, channel: string) => Result<ChannelEvent[], ParseFailure>;

/** A full REST Order body, validated as Shopify's and then as ours. */
function parseOrder(body: unknown, channel: string): Result<{ source: ShopifyOrder; order: CanonicalOrder }, ParseFailure> {
  const parsed = shopifyOrderSchema.safeParse(body);
  if (!parsed.success) return invalidPayload(parsed.error);
  const mapped = validOrder(mapOrder(parsed.data, channel));
  return mapped.ok ? ok({ source: parsed.data, order: mapped.value }) : mapped;
}

/**
 * Each order topic's body is a new revision of the order. The body is the whole order: one that
 * Shopify cancelled (`cancelled_at` set) is applied as the latest revision, then cancelled, so an
 * order first seen already cancelled is still on record — whichever topic header came with it.
 */
function order(body: unknown, channel: string): Result<ChannelEvent[], ParseFailure> {
  const r = parseOrder(body, channel);
  if (!r.ok) return r;
  const events: ChannelEvent[] = [{ kind: "order", order: r.value.order }];
  if (r.value.source.cancelled_at) events.push(mapCancellation(r.value.source, channel));
  return ok(events);
}

function fulfillment(body: unknown, channel: string): Result<ChannelEvent[], ParseFailure> {
  const r = shopifyFulfillmentSchema.safeParse(body);
  return r.success ? ok([mapFulfillment(r.data, channel)]) : invalidPayload(r.error);
}

const HANDLERS: Record<string, Handler | undefined> = {
  "orders/create": order,
  "orders/updated": order,
  "orders/paid": order,
  "orders/fulfilled": order,
  "orders/partially_fulfilled": order,
  "orders/cancelled": order,
  "refunds/create": (body, channel) => {
    const r = shopifyRefundSchema.safeParse(body);
    return r.success ? ok([mapRefund(r.data, channel)]) : invalidPayload(r.error);
  },
  "fulfillments/create": fulfillment,
  "fulfillments/update": fulfillment,
  "inventory_levels/update": (body, channel) => {
    const r = shopifyInventoryLevelSchema.safeParse(body);
    return r.success ? ok([mapInventoryLevel(r.data, channel)]) : invalidPayload(r.error);
  },
};
