import { describe, expect, it } from "vitest";
import order727 from "../../../test/fixtures/woocommerce/wc-v3-docs_order-727_processing.json";
import { base64Hmac, connection, failure, request, tamper, unwrap } from "../testing";
import { woocommerceAdapter as woo } from "./index";

const SECRET = "wc-secret";
const conn = connection(SECRET, "woo-us");
const MODIFIED = Date.UTC(2017, 2, 22, 19, 28, 8); // date_modified_gmt 2017-03-22T19:28:08, read as UTC

async function deliver(body: string, topic = "order.updated", secret = SECRET) {
  const req = request(body, {
    "X-WC-Webhook-Signature": await base64Hmac(secret, body),
    "X-WC-Webhook-Topic": topic,
    "X-WC-Webhook-Delivery-ID": "d-42",
    "X-WC-Webhook-Source": "https://example.com/",
  });
  const delivery = unwrap(await woo.verify(req, conn));
  return { delivery, result: woo.parse(req, conn, delivery) };
}

const address = { name: "John Doe", line1: "969 Market", city: "San Francisco", region: "CA", postalCode: "94103", country: "US" };

describe("woocommerce", () => {
  it("maps the docs order 727 field by field", async () => {
    const { delivery, result } = await deliver(JSON.stringify(order727), "order.created");
    expect(delivery).toEqual({ deliveryId: "d-42", topic: "order.created" });
    expect(unwrap(result)).toEqual([
      {
        kind: "order",
        order: {
          channel: "woo-us",
          externalId: "727",
          version: MODIFIED,
          // customer_id 0 is a guest: the billing email identifies the buyer
          customer: { id: "john.doe@example.com", name: "John Doe", email: "john.doe@example.com" },
          shipTo: address,
          billTo: address,
          currency: "USD",
          lines: [
            { sku: "wc-product-93", quantity: 2, unitPrice: "3.00", externalLineId: "315", name: "Woo Single #1" },
            { sku: "Bar3", quantity: 1, unitPrice: "12.00", externalLineId: "316", name: "Ship Your Idea – Color: Black, Size: M Test" },
          ],
          placedAt: "2017-03-22T19:28:02.000Z",
          channelStatus: "processing",
          total: "29.35",
        },
      },
    ]);
  });

  it("adds a cancellation for cancelled, a whole-order refund for refunded, and skips checkout drafts", async () => {
    const cancelled = unwrap((await deliver(JSON.stringify({ ...order727, status: "cancelled" }))).result);
    expect(cancelled.map((e) => e.kind)).toEqual(["order", "cancellation"]);
    expect(cancelled[1]).toEqual({ kind: "cancellation", channel: "woo-us", externalId: "727", version: MODIFIED });

    const refunded = unwrap((await deliver(JSON.stringify({ ...order727, status: "refunded" }))).result);
    expect(refunded.map((e) => e.kind)).toEqual(["order", "refund"]);
    const draft = unwrap((await deliver(JSON.stringify({ ...order727, status: "checkout-draft" }))).result);
    expect(draft).toEqual([{ kind: "ignored", reason: "woocommerce checkout draft" }]);
    expect(refunded[1]).toEqual({
      kind: "refund",
      channel: "woo-us",
      externalId: "727",
      refundId: "727-full",
      lines: [
        { sku: "wc-product-93", externalLineId: "315", quantity: 2 },
        { sku: "Bar3", externalLineId: "316", quantity: 1 },
      ],
      amount: "29.35",
      currency: "USD",
    });
  });

  it("keeps variations apart when the SKU is empty and omits an empty shipping block", async () => {
    const lines = [{ ...order727.line_items[1], sku: "", variation_id: 23 }];
    const empty = { first_name: "", last_name: "", company: "", address_1: "", address_2: "", city: "", state: "", postcode: "", country: "" };
    const [e] = unwrap((await deliver(JSON.stringify({ ...order727, line_items: lines, shipping: empty, customer_id: 7 }))).result);
    expect(e?.kind === "order" && [e.order.lines[0]?.sku, e.order.shipTo, e.order.customer.id]).toEqual(["wc-variation-23", undefined, "7"]);
  });

  it("lets the unsigned creation ping through and ignores it", async () => {
    const req = request("webhook_id=15", { "Content-Type": "application/x-www-form-urlencoded" });
    const d = unwrap(await woo.verify(req, conn));
    expect(d).toEqual({ deliveryId: "ping-15", topic: "ping" });
    expect(unwrap(woo.parse(req, conn, d))).toEqual([{ kind: "ignored", reason: "woocommerce webhook ping" }]);
    // only a bare ping is exempt from the signature
    expect(failure(await woo.verify(request("webhook_id=15&status=processing"), conn))).toEqual({ reason: "missing_signature" });
    expect(failure(await woo.verify(request(JSON.stringify(order727)), conn))).toEqual({ reason: "missing_signature" });
  });

  it("signs with the secret as WordPress decodes it", async () => {
    const body = JSON.stringify(order727);
    const encoded = connection("a&amp;b&#039;c", "woo-us");
    const req = request(body, { "X-WC-Webhook-Signature": await base64Hmac("a&b'c", body), "X-WC-Webhook-Topic": "order.updated" });
    expect(unwrap(await woo.verify(req, encoded)).topic).toBe("order.updated");
  });

  it("rejects a changed byte, a malformed signature and the wrong secret", async () => {
    const body = new TextEncoder().encode(JSON.stringify(order727));
    const sig = await base64Hmac(SECRET, body);
    expect(failure(await woo.verify(request(tamper(body), { "X-WC-Webhook-Signature": sig }), conn))).toEqual({ reason: "bad_signature" });
    expect(failure(await woo.verify(request(body, { "X-WC-Webhook-Signature": "%%%" }), conn))).toEqual({ reason: "malformed_signature" });
    const other = await base64Hmac("other", body);
    expect(failure(await woo.verify(request(body, { "X-WC-Webhook-Signature": other }), conn))).toEqual({ reason: "bad_signature" });
  });

  it("fails invalid JSON and wrong types with their paths; ignores other topics", async () => {
    expect(failure((await deliver("<html>")).result)).toEqual({ reason: "invalid_json" });
    const wrong = { ...order727, date_modified_gmt: "soon", line_items: [order727.line_items[0], { ...order727.line_items[1], quantity: null }] };
    const f = failure((await deliver(JSON.stringify(wrong))).result);
    expect(f.reason === "invalid_payload" && f.issues.map((i) => i.path).sort()).toEqual(["date_modified_gmt", "line_items.1.quantity"]);
    const zero = { ...order727, line_items: [{ ...order727.line_items[0], quantity: 0 }] };
    const g = failure((await deliver(JSON.stringify(zero))).result);
    expect(g.reason === "invalid_payload" && g.issues.map((i) => i.path)).toEqual(["lines.0.quantity"]);
    expect(unwrap((await deliver(JSON.stringify({ id: 1 }), "product.updated")).result)).toEqual([
      { kind: "ignored", reason: "woocommerce topic product.updated is not mapped" },
    ]);
  });
});
