/**
 * WooCommerce: `X-WC-Webhook-Signature` = base64 HMAC-SHA256 of the body, keyed with the
 * webhook secret after `wp_specialchars_decode(…, ENT_QUOTES)`. WooCommerce documents no retry
 * schedule and disables a hook after 5 failed deliveries, so everything verified gets a 200.
 */
import { err, ok, type ChannelEvent, type Result } from "../../canonical";
import { invalidPayload, parseJsonBody, validOrder } from "../payload";
import { bodyDigestId, header, verifyBodyHmac } from "../signature";
import type { ChannelAdapter, ParseFailure } from "../types";
import { mapWcOrder, mapWholeRefund, wcOrderSchema } from "./map";

/** The creation ping: `webhook_id=<id>`, form-encoded, sent unsigned and without WC headers. */
const PING = /^webhook_id=(\d+)$/;

/** WordPress decodes these five entities in the secret before signing with it. */
function wpSpecialcharsDecode(s: string): string {
  return s.replace(/&(amp|lt|gt|quot|#0*39|#x27);/gi, (_m, e: string) => {
    const k = e.toLowerCase();
    return k === "amp" ? "&" : k === "lt" ? "<" : k === "gt" ? ">" : k === "quot" ? '"' : "'";
  });
}

export const woocommerceAdapter: ChannelAdapter = {
  async verify(req, conn) {
    const signature = header(req.headers, "x-wc-webhook-signature");
    const pingId = () => PING.exec(new TextDecoder().decode(req.body).trim())?.[1];
    if (!signature) {
      // An unsigned ping carries nothing but the hook's id: letting it through (parse ignores it)
      // is what makes WooCommerce activate the hook. Any other unsigned body is refused.
      const id = pingId();
      return id ? ok({ deliveryId: `ping-${id}`, topic: "ping" }) : err({ reason: "missing_signature" });
    }
    const checked = await verifyBodyHmac(wpSpecialcharsDecode(conn.secret), req.body, signature);
    if (!checked.ok) return checked;
    return ok({
      deliveryId: header(req.headers, "x-wc-webhook-delivery-id") ?? (await bodyDigestId(req.body)),
      topic: header(req.headers, "x-wc-webhook-topic") ?? (pingId() ? "ping" : ""),
    });
  },

  parse(req, conn, delivery): Result<ChannelEvent[], ParseFailure> {
    const { topic } = delivery;
    if (!topic) return err({ reason: "unsupported_topic", topic });
    if (topic !== "order.created" && topic !== "order.updated") {
      return ok([{ kind: "ignored", reason: topic === "ping" ? "woocommerce webhook ping" : `woocommerce topic ${topic} is not mapped` }]);
    }
    const json = parseJsonBody(req.body);
    if (!json.ok) return json;
    const parsed = wcOrderSchema.safeParse(json.value);
    if (!parsed.success) return invalidPayload(parsed.error);
    // Block checkout saves the cart as a draft order before the buyer pays: not an order yet.
    if (parsed.data.status === "checkout-draft") return ok([{ kind: "ignored", reason: "woocommerce checkout draft" }]);
    const order = validOrder(mapWcOrder(parsed.data, conn.channel));
    if (!order.ok) return order;
    const events: ChannelEvent[] = [{ kind: "order", order: order.value }];
    // The body is the whole order: record the revision, then the status's consequence.
    if (parsed.data.status === "cancelled") {
      events.push({ kind: "cancellation", channel: conn.channel, externalId: order.value.externalId, version: order.value.version });
    } else if (parsed.data.status === "refunded") {
      events.push(mapWholeRefund(order.value));
    }
    return ok(events);
  },
};
