import { describe, expect, it } from "vitest";
import vectors from "../../../test/fixtures/shopify/hmac-test-vectors.json";
import ordersCreate from "../../../test/fixtures/shopify/docs-sample_2025-04_orders_create.json";
import ordersCancelled from "../../../test/fixtures/shopify/docs-sample_2025-04_orders_cancelled.json";
import refundsCreate from "../../../test/fixtures/shopify/docs-sample_2025-01_refunds_create.json";
import inventoryUpdate from "../../../test/fixtures/shopify/docs-sample_2025-04_inventory_levels_update.json";
import type { ChannelEvent } from "../../canonical";
import { base64Hmac, connection, failure, request, tamper, unwrap } from "../testing";
import { shopifyAdapter as shopify } from "./index";

const SECRET = "shpss_test_secret";
const conn = connection(SECRET, "shop-eu");
// 2021-12-31T19:00:00-05:00, the docs samples' updated_at
const V2022 = Date.UTC(2022, 0, 1);

async function deliver(body: string, topic: string, extra: Record<string, string> = {}) {
  const req = request(body, {
    "X-Shopify-Hmac-Sha256": await base64Hmac(SECRET, body),
    "X-Shopify-Topic": topic,
    "X-Shopify-Webhook-Id": `wh-${topic}`,
    ...extra,
  });
  const delivery = unwrap(await shopify.verify(req, conn));
  return { delivery, result: shopify.parse(req, conn, delivery) };
}

const orderOf = (events: ChannelEvent[]) => {
  const e = events[0];
  if (e?.kind !== "order") throw new Error(`expected an order, got ${e?.kind}`);
  return e.order;
};

describe("shopify verify", () => {
  it("accepts both published HMAC vectors", async () => {
    const a = vectors.shopify_app_js_validate_test;
    const reqA = request(a.raw_body, { ...a.headers, "X-Shopify-Hmac-Sha256": a.expected_x_shopify_hmac_sha256 });
    const da = unwrap(await shopify.verify(reqA, connection(a.secret)));
    expect(da).toEqual({ deliveryId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), topic: "products/create", bodyDigest: expect.stringMatching(/^[0-9a-f]{64}$/) });
    // The body is hashed once: the delivery id is that digest.
    expect(da.deliveryId).toBe(`sha256:${da.bodyDigest}`);
    expect(unwrap(shopify.parse(reqA, conn, da))).toEqual([
      { kind: "ignored", reason: "shopify topic products/create is not mapped" },
    ]);

    const b = vectors.sqlpage_hmac_shopify_webhook_test;
    const reqB = request(b.raw_body, { "X-Shopify-Hmac-Sha256": b.expected_x_shopify_hmac_sha256 });
    // No delivery header at all: the body digest stands in, so a retry of the same bytes still dedupes.
    const d = unwrap(await shopify.verify(reqB, connection(b.secret)));
    expect(d.deliveryId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(d.topic).toBe("");
  });

  it("keys the delivery on the signed body: the same body under another (unsigned) webhook id is the same delivery", async () => {
    const body = "{}";
    const sig = await base64Hmac(SECRET, body);
    const first = unwrap(await shopify.verify(request(body, { "X-Shopify-Hmac-Sha256": sig, "X-Shopify-Webhook-Id": "wh-1" }), conn));
    const replayed = unwrap(await shopify.verify(request(body, { "X-Shopify-Hmac-Sha256": sig, "X-Shopify-Webhook-Id": "wh-2", "X-Shopify-Event-Id": "ev-9" }), conn));
    expect(replayed.deliveryId).toBe(first.deliveryId);
  });

  it("decides a cancellation from the signed body, never from the unsigned topic header", async () => {
    const live = JSON.stringify({ ...ordersCreate.response, cancelled_at: null });
    // A captured orders/create re-sent as orders/cancelled stays an order revision: nothing cancels it.
    const forged = unwrap((await deliver(live, "orders/cancelled")).result);
    expect(forged.map((e) => e.kind)).toEqual(["order"]);
    // A body Shopify cancelled is a cancellation under any order topic.
    const cancelled = unwrap((await deliver(JSON.stringify(ordersCancelled.response), "orders/updated")).result);
    expect(cancelled.map((e) => e.kind)).toEqual(["order", "cancellation"]);
  });

  it("rejects a changed byte, a missing header, malformed base64 and the wrong secret", async () => {
    const body = JSON.stringify(ordersCreate.response);
    const sig = await base64Hmac(SECRET, body);
    const tampered = request(tamper(new TextEncoder().encode(body)), { "X-Shopify-Hmac-Sha256": sig });
    expect(failure(await shopify.verify(tampered, conn))).toEqual({ reason: "bad_signature" });
    expect(failure(await shopify.verify(request(body), conn))).toEqual({ reason: "missing_signature" });
    for (const bad of ["not*base64!", "c2hvcnQ=", `${sig}AA`]) {
      const r = await shopify.verify(request(body, { "X-Shopify-Hmac-Sha256": bad }), conn);
      expect(failure(r)).toEqual({ reason: "malformed_signature" });
    }
    const wrongKey = request(body, { "X-Shopify-Hmac-Sha256": await base64Hmac("other", body) });
    expect(failure(await shopify.verify(wrongKey, conn))).toEqual({ reason: "bad_signature" });
  });
});

describe("shopify parse: docs fixtures", () => {
  it("maps orders/create field by field", async () => {
    // The docs sample is a cancelled order; a live orders/create carries cancelled_at null.
    const { delivery, result } = await deliver(JSON.stringify({ ...ordersCreate.response, cancelled_at: null }), "orders/create");
    expect(delivery.topic).toBe("orders/create");
    const events = unwrap(result);
    expect(events).toHaveLength(1);
    const address = { name: "Steve Shipper", line1: "123 Shipping Street", city: "Shippington", region: "KY", postalCode: "40003", country: "US" };
    expect(orderOf(events)).toEqual({
      channel: "shop-eu",
      // the GID tail, not the rounded 820982911946154500 of the numeric field
      externalId: "820982911946154508",
      version: V2022,
      customer: { id: "115310627314723954", name: "John Smith", email: "john@example.com" },
      shipTo: address,
      billTo: address,
      currency: "USD",
      lines: [
        { sku: "SKU2006-001", quantity: 1, unitPrice: "89.99", externalLineId: "487817672276298554", name: "Aviator sunglasses" },
        { sku: "SKU2006-020", quantity: 1, unitPrice: "159.99", externalLineId: "976318377106520349", name: "Mid-century lounger" },
        { sku: "SKU2006-035", quantity: 1, unitPrice: "119.99", externalLineId: "315789986012684393", name: "Coffee table" },
      ],
      placedAt: "2022-01-01T00:00:00.000Z",
      channelStatus: "voided/unfulfilled",
      total: "359.97",
    });
  });

  it("maps orders/cancelled to the order revision then the cancellation", async () => {
    const events = unwrap((await deliver(JSON.stringify(ordersCancelled.response), "orders/cancelled")).result);
    expect(events.map((e) => e.kind)).toEqual(["order", "cancellation"]);
    const order = orderOf(events);
    expect(order.externalId).toBe("820982911946154508");
    expect(order.version).toBe(V2022);
    expect(order.lines.map((l) => [l.sku, l.quantity, l.unitPrice])).toEqual([
      ["SKU2006-001", 1, "89.99"],
      ["SKU2006-020", 1, "159.99"],
      ["SKU2006-035", 1, "119.99"],
    ]);
    expect(events[1]).toEqual({ kind: "cancellation", channel: "shop-eu", externalId: "820982911946154508", version: V2022, reason: "customer" });
  });

  it("maps refunds/create with line ids, SKUs, restock and the settled amount", async () => {
    const events = unwrap((await deliver(JSON.stringify(refundsCreate.response), "refunds/create")).result);
    expect(events).toEqual([
      {
        kind: "refund",
        channel: "shop-eu",
        // the docs sample's order_id was already rounded on Shopify's site; real webhooks carry it exactly
        externalId: "820982911946154500",
        refundId: "890088186047892319",
        lines: [
          { sku: "IPOD2008PINK", externalLineId: "866550311766439020", quantity: 1, restock: false },
          { sku: "IPOD2008PINK", externalLineId: "141249953214522974", quantity: 1, restock: false },
        ],
        amount: "85.00",
        currency: "USD",
      },
    ]);
  });

  it("maps inventory_levels/update with a null available", async () => {
    const events = unwrap((await deliver(JSON.stringify(inventoryUpdate.response), "inventory_levels/update")).result);
    expect(events).toEqual([
      {
        kind: "inventory_observation",
        channel: "shop-eu",
        externalItemId: "271878346596884015",
        location: "24826418",
        available: null,
        observedAt: "2022-01-01T00:00:00.000Z",
      },
    ]);
  });
});

describe("shopify parse: shapes without a docs fixture", () => {
  it("maps fulfillments/create (REST Fulfillment shape)", async () => {
    const body = JSON.stringify({
      id: 255858046,
      admin_graphql_api_id: "gid://shopify/Fulfillment/255858046",
      order_id: 450789469,
      status: "success",
      tracking_company: "UPS",
      tracking_number: "1Z2345",
      line_items: [
        { id: 466157049, admin_graphql_api_id: "gid://shopify/LineItem/466157049", sku: "IPOD2008GREEN", variant_id: 39072856, quantity: 1 },
        { id: 518995019, sku: "", variant_id: 49148385, quantity: 2 },
      ],
    });
    expect(unwrap((await deliver(body, "fulfillments/create")).result)).toEqual([
      {
        kind: "fulfillment",
        channel: "shop-eu",
        externalId: "450789469",
        fulfillmentId: "255858046",
        status: "success",
        lines: [
          { sku: "IPOD2008GREEN", externalLineId: "466157049", quantity: 1 },
          { sku: "shopify-variant-49148385", externalLineId: "518995019", quantity: 2 },
        ],
        carrier: "UPS",
        tracking: "1Z2345",
      },
    ]);
  });

  it("keeps 64-bit ids exact when there is no GID, and names guest and SKU-less lines", async () => {
    // Raw text on purpose: JSON.stringify of a JS number could not carry these ids.
    const body = `{"id": 820982911946154508, "email": "guest@example.com", "created_at": "2024-03-01T10:00:00Z",
      "updated_at": "2024-03-01T10:05:00Z", "currency": "EUR", "total_price": "10", "financial_status": "paid",
      "fulfillment_status": null, "customer": null,
      "line_items": [
        {"id": 487817672276298554, "sku": null, "variant_id": null, "quantity": 2, "price": "5"},
        {"id": 12, "sku": "  ", "variant_id": 9007199254740993, "quantity": 1, "price": 0}
      ]}`;
    const order = orderOf(unwrap((await deliver(body, "orders/updated")).result));
    expect(order.externalId).toBe("820982911946154508");
    expect(order.version).toBe(Date.parse("2024-03-01T10:05:00Z"));
    expect(order.customer).toEqual({ id: "guest@example.com", email: "guest@example.com" });
    expect(order.shipTo).toBeUndefined();
    expect(order.lines).toEqual([
      { sku: "shopify-line-487817672276298554", quantity: 2, unitPrice: "5.00", externalLineId: "487817672276298554" },
      { sku: "shopify-variant-9007199254740993", quantity: 1, unitPrice: "0.00", externalLineId: "12" },
    ]);
    expect(order.total).toBe("10.00");
    expect(order.channelStatus).toBe("paid/unfulfilled");
  });
});

describe("shopify parse: failures", () => {
  const base = ordersCreate.response;

  it("returns invalid_json for a body that is not JSON", async () => {
    expect(failure((await deliver("{not json", "orders/create")).result)).toEqual({ reason: "invalid_json" });
  });

  it("names the field at fault for wrong types", async () => {
    const wrong = { ...base, line_items: [{ ...base.line_items[0], quantity: "1" }] };
    const f = failure((await deliver(JSON.stringify(wrong), "orders/create")).result);
    expect(f.reason).toBe("invalid_payload");
    expect(f.reason === "invalid_payload" && f.issues.map((i) => i.path)).toEqual(["line_items.0.quantity"]);

    const noCurrency = { ...base, currency: undefined, updated_at: "yesterday" };
    const g = failure((await deliver(JSON.stringify(noCurrency), "orders/updated")).result);
    expect(g.reason === "invalid_payload" && g.issues.map((i) => i.path).sort()).toEqual(["currency", "updated_at"]);
  });

  it("quarantines an incomplete shipping address with the canonical path", async () => {
    const noZip = { ...base, shipping_address: { ...base.shipping_address, zip: null } };
    const f = failure((await deliver(JSON.stringify(noZip), "orders/create")).result);
    expect(f).toEqual({ reason: "invalid_payload", issues: [expect.objectContaining({ path: "shipTo.postalCode" })] });
  });

  it("reports a delivery without a topic as unsupported", async () => {
    const body = JSON.stringify(base);
    const req = request(body, { "X-Shopify-Hmac-Sha256": await base64Hmac(SECRET, body) });
    const d = unwrap(await shopify.verify(req, conn));
    expect(failure(shopify.parse(req, conn, d))).toEqual({ reason: "unsupported_topic", topic: "" });
  });
});
