import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import shopifyCreate from "./fixtures/shopify/docs-sample_2025-04_orders_create.json";
import edi850 from "./fixtures/x12/node-x12/850.edi?raw";
import { hmacSha256, toBase64 } from "../core/crypto";
import { admin, call, createKey, erpBookings, erpRule, stock, uid, waitForOrder } from "./helpers";

async function shopifyConnection(channel = uid("shop")) {
  const id = uid("shopify");
  const secret = `shpss_${uid()}`;
  expect((await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "shopify", secret, settings: { channel } })).status).toBe(201);
  return { id, secret, channel };
}

/** Shopify's docs sample is a cancelled order; a live orders/create is not (cancelled_at null). */
function shopifyOrder(orderNo: number, updatedAt = "2026-11-20T10:00:00-05:00") {
  return JSON.stringify({ ...shopifyCreate.response, id: orderNo, admin_graphql_api_id: `gid://shopify/Order/${orderNo}`, updated_at: updatedAt, cancelled_at: null, cancel_reason: null });
}

async function sendShopify(conn: { id: string; secret: string }, body: string, deliveryId = crypto.randomUUID(), topic = "orders/create") {
  const hmac = toBase64(await hmacSha256(conn.secret, body));
  return call(`/v1/webhooks/${conn.id}`, {
    method: "POST",
    headers: { "x-shopify-hmac-sha256": hmac, "x-shopify-webhook-id": deliveryId, "x-shopify-topic": topic, "x-shopify-shop-domain": "demo.myshopify.com" },
    body,
  });
}

const orderNo = () => 9_000_000_000 + Math.floor(Math.random() * 1_000_000_000);

describe("channel webhooks", () => {
  // The fixture's SKUs, in stock so its orders are reserved and flow to the ERP.
  beforeAll(async () => {
    for (const l of shopifyCreate.response.line_items) await stock(l.sku!, 1_000_000);
  });

  it("accepts a signed Shopify orders/create and dedupes its redelivery", async () => {
    const conn = await shopifyConnection();
    const key = await createKey();
    const body = shopifyOrder(orderNo());
    const deliveryId = crypto.randomUUID();
    const res = await sendShopify(conn, body, deliveryId);
    expect(res.status).toBe(200);
    const first = (await res.json()) as { status: string; orderId: string; eventId: string };
    expect(first.status).toBe("accepted");
    const again = (await (await sendShopify(conn, body, deliveryId)).json()) as { status: string; orderId: string; eventId: string };
    expect(again).toEqual({ ...first, status: "duplicate" });
    // The webhook is answered once stock is held; the queryable copy follows moments later.
    const o = await waitForOrder(key, first.orderId, () => true);
    expect(o.lines.map((l) => [l.sku, l.quantity])).toEqual([["SKU2006-001", 1], ["SKU2006-020", 1], ["SKU2006-035", 1]]);
  });

  it("refuses a body with one byte changed, a missing signature and an unknown connection", async () => {
    const conn = await shopifyConnection();
    const body = shopifyOrder(orderNo());
    const hmac = toBase64(await hmacSha256(conn.secret, body));
    const tampered = body.replace('"currency":"USD"', '"currency":"USE"');
    expect(tampered).not.toBe(body);
    const headers = { "x-shopify-hmac-sha256": hmac, "x-shopify-webhook-id": "d1", "x-shopify-topic": "orders/create" };
    expect((await call(`/v1/webhooks/${conn.id}`, { method: "POST", headers, body: tampered })).status).toBe(401);
    expect((await call(`/v1/webhooks/${conn.id}`, { method: "POST", headers: { "x-shopify-topic": "orders/create" }, body })).status).toBe(401);
    expect((await call(`/v1/webhooks/nope-${uid()}`, { method: "POST", headers, body })).status).toBe(404);
    const big = "x".repeat(1024 * 1024 + 10);
    expect((await call(`/v1/webhooks/${conn.id}`, { method: "POST", headers, body: big })).status).toBe(413);
  });

  it("turns 50 concurrent copies of one delivery into one order and one ERP booking", async () => {
    const conn = await shopifyConnection();
    const key = await createKey();
    const no = orderNo();
    const body = shopifyOrder(no);
    const deliveryId = crypto.randomUUID();
    const answers = await Promise.all(Array.from({ length: 50 }, () => sendShopify(conn, body, deliveryId).then(async (r) => ({ status: r.status, body: (await r.json()) as { status: string; orderId: string } }))));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(new Set(answers.map((a) => a.body.orderId)).size).toBe(1);
    expect(answers.filter((a) => a.body.status === "accepted")).toHaveLength(1);
    await waitForOrder(key, answers[0]!.body.orderId, (o) => o.status === "erp_accepted");
    expect(await erpBookings(String(no))).toHaveLength(1);
  });

  it("keeps an older version sent after a newer one as stale, and the ERP sees only the newer", async () => {
    const conn = await shopifyConnection();
    const key = await createKey();
    const no = orderNo();
    await erpRule({ match: String(no), latencyMs: 300, failTimes: 1, status: 503 });
    const v2 = (await (await sendShopify(conn, shopifyOrder(no, "2026-11-20T12:00:00Z"), undefined, "orders/updated")).json()) as { status: string; orderId: string };
    const v1 = (await (await sendShopify(conn, shopifyOrder(no, "2026-11-20T10:00:00Z"))).json()) as { status: string; orderId: string };
    expect(v2.status).toBe("accepted");
    expect(v1).toMatchObject({ status: "stale", orderId: v2.orderId });
    const o = await waitForOrder(key, v2.orderId, (x) => x.status === "erp_accepted");
    expect(o.timeline.map((t) => t.type)).toContain("stale_version");
    const bookings = await erpBookings(String(no));
    expect(bookings).toHaveLength(1);
    expect(bookings[0]!.version).toBe(Date.parse("2026-11-20T12:00:00Z"));
  });

  it("answers once the order is stored: a SKU's object failing the reservation is not the channel's retry, and the order reserves on its own", async () => {
    const conn = await shopifyConnection();
    const key = await createKey();
    const sku = uid("HOOK-SKU");
    await stock(sku, 10);
    const no = orderNo();
    const item = shopifyCreate.response.line_items[0]!;
    const body = JSON.stringify({ ...JSON.parse(shopifyOrder(no)), line_items: [{ ...item, sku, quantity: 2 }] });
    // The SKU's object refuses the first reserve: before, the delivery was answered 5xx for it.
    expect(await env.INVENTORY.getByName(sku).injectFault("reserve", 1), "fault armed").toBe(true);
    const res = await sendShopify(conn, body);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { status: string; orderId: string };
    expect(answer.status).toBe("accepted");
    // The order's own retry holds the stock; a read shows it held once, and the ERP books it.
    const o = await waitForOrder(key, answer.orderId, (x) => x.lines[0]!.reserved === 2);
    expect(o.timeline.filter((t) => t.type === "reservation")).toHaveLength(1);
    const a = (await (await call(`/v1/availability/${sku}?channel=${conn.channel}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { available: number };
    expect(a.available).toBe(8);
    await waitForOrder(key, answer.orderId, (x) => x.status === "erp_accepted");
  });

  it("answers at once while the ERP takes 5 seconds", async () => {
    const conn = await shopifyConnection();
    const key = await createKey();
    const no = orderNo();
    await erpRule({ match: String(no), latencyMs: 5000, failTimes: 1, status: 503 });
    const res = await sendShopify(conn, shopifyOrder(no));
    const answer = (await res.json()) as { status: string; orderId: string };
    expect(answer.status).toBe("accepted");
    // The answer came before the ERP could have answered: nothing is booked yet.
    expect((await erpBookings(String(no))).filter((b) => b.erpOrderId)).toHaveLength(0);
    expect((await waitForOrder(key, answer.orderId, () => true)).status).not.toBe("erp_accepted");
  });

  it("quarantines a verified payload that fails validation, answering 200", async () => {
    const conn = await shopifyConnection();
    const key = await createKey();
    const body = JSON.stringify({ ...shopifyCreate.response, id: orderNo(), line_items: [{ id: 1, sku: "A", quantity: "lots", price: "1.00" }] });
    const res = await sendShopify(conn, body);
    expect(res.status).toBe(200);
    const answer = (await res.json()) as { status: string; eventId: string };
    expect(answer.status).toBe("quarantined");
    const ex = (await (await call(`/v1/ops/exceptions?filter=${conn.id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { items: { id: string; kind: string; reason: string }[] };
    expect(ex.items).toEqual([expect.objectContaining({ id: answer.eventId, kind: "quarantine" })]);
    expect(ex.items[0]!.reason).toContain("quantity");
  });

  it("answers the WooCommerce creation ping with 200", async () => {
    const id = uid("woo");
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "woocommerce", secret: "woo-secret-123" });
    const res = await call(`/v1/webhooks/${id}`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "webhook_id=42" });
    expect(res.status).toBe(200);
  });
});

describe("EDI", () => {
  async function ediConnection(channel: string) {
    const id = uid("edi");
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "x12", secret: "edi-secret-123", settings: { channel } });
    return id;
  }
  const postEdi = (id: string, body: string, secret = "edi-secret-123") =>
    call(`/v1/edi/${id}`, { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/edi-x12" }, body });

  it("books an 850 once, answers a 997, and treats a repeated control number as a duplicate", async () => {
    const channel = uid("dealer");
    const id = await ediConnection(channel);
    const key = await createKey();
    const res = await postEdi(id, edi850);
    expect(res.status).toBe(200);
    const ack = await res.text();
    expect(ack).toMatch(/AK1\*PO\*1421/);
    expect(ack).toMatch(/AK5\*A/);
    const again = await postEdi(id, edi850);
    expect(again.headers.get("x-switchyard-status")).toBe("duplicate");
    expect(await again.text()).toBe(ack);
    const found = await call(`/v1/orders?channel=${channel}&externalId=08292233294`, { headers: { authorization: `Bearer ${key}` } });
    expect(found.status).toBe(200);
    const o = (await found.json()) as { orderId: string; lines: unknown[] };
    expect(o.lines.length).toBeGreaterThan(3);
    expect((await postEdi(id, edi850, "wrong-secret")).status).toBe(401);
  });

  it("merges the same order by webhook and by EDI into one order", async () => {
    const channel = uid("partner");
    const ediId = await ediConnection(channel);
    const stdId = uid("std");
    const secretBytes = crypto.getRandomValues(new Uint8Array(24));
    const secret = `whsec_${toBase64(secretBytes)}`;
    await admin(`/v1/admin/connections/${stdId}`, "PUT", { kind: "standard", secret, settings: { channel } });
    const payload = JSON.stringify({
      type: "order.created",
      timestamp: new Date().toISOString(),
      data: { channel, externalId: "08292233294", version: 0, customer: { id: "XYZ" }, currency: "USD", lines: [{ sku: "AB3542", quantity: 120 }] },
    });
    const msgId = `msg_${uid()}`;
    const ts = Math.floor(Date.now() / 1000).toString();
    const sig = toBase64(await hmacSha256(secretBytes, `${msgId}.${ts}.${payload}`));
    const viaHook = (await (await call(`/v1/webhooks/${stdId}`, { method: "POST", headers: { "webhook-id": msgId, "webhook-timestamp": ts, "webhook-signature": `v1,${sig}` }, body: payload })).json()) as { status: string; orderId: string };
    expect(viaHook.status).toBe("accepted");
    await postEdi(ediId, edi850);
    const key = await createKey();
    const arrivals = (o: { timeline: { type: string }[] }) => o.timeline.filter((t) => ["received", "duplicate", "updated", "stale_version"].includes(t.type)).length;
    const o = await waitForOrder(key, viaHook.orderId, (x) => arrivals(x) === 2);
    expect(arrivals(o)).toBe(2);
    // The queryable copy follows the order's object (within PROJECTION_COALESCE_MS): one row.
    const rows = async () => (await env.DB.prepare("SELECT id FROM orders WHERE channel = ?").bind(channel).all()).results;
    await vi.waitFor(async () => expect((await rows()).length).toBeGreaterThan(0), { timeout: 10_000, interval: 200 });
    expect(await rows()).toEqual([{ id: viaHook.orderId }]);
  });
});
