// Regression tests, through HTTP, for the abuse defects found by the reliability review (issue 12):
// each fails on the code before the fix and passes after it.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signStandard } from "../core/channels/standard/signature";
import { hmacSha256, toBase64 } from "../core/crypto";
import { admin, call, createKey, getOrder, postOrder, sampleOrder, stock, stockedOrder, uid, waitForOrder } from "./helpers";
import shopifyCreate from "./fixtures/shopify/docs-sample_2025-04_orders_create.json";

const WHSEC = "whsec_ZGVmZWN0cy1zdGFuZGFyZC1zZWNyZXQtMDEyMzQ1Njc4OQ==";

async function standardConnection(channel: string, settings: Record<string, unknown> = {}) {
  const id = uid("std");
  expect((await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "standard", secret: WHSEC, settings: { channel, ...settings } })).status).toBe(201);
  return id;
}

async function sendStandard(conn: string, msgId: string, payload: unknown) {
  const body = JSON.stringify(payload);
  const ts = Math.floor(Date.now() / 1000);
  return call(`/v1/webhooks/${conn}`, { method: "POST", headers: { "webhook-id": msgId, "webhook-timestamp": String(ts), "webhook-signature": await signStandard(WHSEC, msgId, ts, body) }, body });
}

const held = async (sku: string) => ((await env.INVENTORY.getByName(sku).state()) as { reservations: { held: number } }).reservations.held;

describe("reliability review defects", () => {
  it("1. a connection cannot ship another channel's order (Standard Webhooks and X12 945)", async () => {
    const key = await createKey();
    const victim = await stockedOrder();
    const { orderId } = (await (await postOrder(key, victim)).json()) as { orderId: string };
    await waitForOrder(key, orderId, (o) => o.status === "erp_accepted");
    const sku = (victim.lines as { sku: string }[])[0]!.sku;
    const attacker = await standardConnection(uid("other-channel"));
    const r = await sendStandard(attacker, uid("msg"), { type: "shipment.shipped", timestamp: new Date().toISOString(), data: { eventId: uid("ev"), orderId, source: "3pl", location: "DC1", lines: [{ sku, quantity: 2 }] } });
    expect(((await r.json()) as { status: string }).status).toBe("quarantined");

    const edi = uid("edi");
    await admin(`/v1/admin/connections/${edi}`, "PUT", { kind: "x12", secret: "defects-edi-secret", settings: { channel: uid("edi-channel") } });
    const ctl = String(100000000 + Math.floor(Math.random() * 899999999));
    const x945 = [
      `ISA*00*          *00*          *ZZ*ATTACKER       *ZZ*SWITCHYARD     *261201*1200*U*00401*${ctl}*0*P*>~`,
      `GS*SW*ATTACKER*SWITCHYARD*20261201*1200*1*X*004010~`,
      `ST*945*0001~`,
      `W06*F*${orderId}*20261201*SHP1**PO1~`,
      `W12*CC*2*2*0*EA**VN*${sku}~`,
      `SE*4*0001~`,
      `GE*1*1~`,
      `IEA*1*${ctl}~`,
    ].join("\n");
    const ack = await call(`/v1/edi/${edi}`, { method: "POST", headers: { authorization: "Bearer defects-edi-secret", "content-type": "application/edi-x12" }, body: x945 });
    expect(ack.status).toBe(200);
    const o = await getOrder(key, orderId);
    expect(o.status).toBe("erp_accepted");
    expect(o.timeline.some((t) => t.type === "shipment_shipped")).toBe(false);
    expect(await held(sku)).toBe(2);
  });

  it("2. a captured Shopify orders/create re-sent as orders/cancelled under a new webhook id cancels nothing", async () => {
    const key = await createKey();
    const id = uid("shop");
    const secret = "shpss_defects_shopify";
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "shopify", secret, settings: { channel: id } });
    const n = 900_000 + Math.floor(Math.random() * 99_999);
    const body = JSON.stringify({ ...shopifyCreate.response, id: n, admin_graphql_api_id: `gid://shopify/Order/${n}`, cancelled_at: null, cancel_reason: null });
    const order = JSON.parse(body) as { line_items: { sku: string }[] };
    for (const l of order.line_items) if (l.sku) await stock(l.sku, 100);
    const hmac = toBase64(await hmacSha256(secret, body));
    const send = (topic: string) => call(`/v1/webhooks/${id}`, { method: "POST", headers: { "x-shopify-hmac-sha256": hmac, "x-shopify-topic": topic, "x-shopify-webhook-id": crypto.randomUUID() }, body });
    const first = (await (await send("orders/create")).json()) as { status: string; orderId: string };
    expect(first.status).toBe("accepted");
    const replay = (await (await send("orders/cancelled")).json()) as { status: string };
    expect(replay.status).toBe("duplicate");
    expect((await getOrder(key, first.orderId)).status).not.toBe("cancelled");
  });

  it("3. two identities that would have shared a name are two orders", async () => {
    const key = await createKey();
    const tag = uid("x");
    const a = await stockedOrder({ channel: `c:${tag}`, externalId: "b" });
    const b = await stockedOrder({ channel: "c", externalId: `${tag}:b` });
    const ra = (await (await postOrder(key, a)).json()) as { orderId: string; outcome: string };
    const rb = (await (await postOrder(key, b)).json()) as { orderId: string; outcome: string };
    expect(ra.outcome).toBe("accepted");
    expect(rb.outcome).toBe("accepted");
    expect(ra.orderId).not.toBe(rb.orderId);
    expect((await getOrder(key, ra.orderId)).lines[0]!.sku).toBe((a.lines as { sku: string }[])[0]!.sku);
  });

  it("4. a string that is not well-formed Unicode is refused, not stored as an order nobody can reach", async () => {
    const key = await createKey();
    const body = JSON.stringify(sampleOrder()).replace(/"externalId":"[^"]*"/, '"externalId":"PO-\\ud800"');
    const res = await call("/v1/orders", { method: "POST", headers: { authorization: `Bearer ${key}`, "idempotency-key": uid() }, body });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("externalId");
    const unknown = await call(`/v1/orders/ord_${"ab".repeat(32)}/cancel`, { method: "POST", headers: { authorization: `Bearer ${key}` } });
    expect(unknown.status).toBe(404);
  });

  it("5. a shipment for a cancelled order is refused and consumes nothing; cancel and ship at once: one wins", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    const sku = (body.lines as { sku: string }[])[0]!.sku;
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    await waitForOrder(key, orderId, (o) => o.status === "erp_accepted");
    const ship = (eventId: string) =>
      call("/v1/shipments", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId, orderId, source: "wms", type: "shipped", location: "DC1", lines: [{ sku, quantity: 2 }] } });
    const [cancelled, shipped] = await Promise.all([call(`/v1/orders/${orderId}/cancel`, { method: "POST", headers: { authorization: `Bearer ${key}` } }), ship(uid("ev"))]);
    // Whichever the order's object took first wins; the other is refused with 409.
    const codes = [cancelled.status, shipped.status];
    expect(codes.filter((c) => c === 409)).toHaveLength(1);
    expect(codes.filter((c) => c === 200 || c === 202)).toHaveLength(1);
    const after = await getOrder(key, orderId);
    if (after.status === "cancelled") {
      expect((await ship(uid("ev"))).status).toBe(409);
      const inv = (await env.INVENTORY.getByName(sku).state()) as { locations: { position: { onHand: number } }[] };
      expect(inv.locations[0]!.position.onHand).toBe(100);
    } else expect(after.status).toBe("shipped");
  });

  it("6. a Standard Webhooks message id reused with a new signed body for another order is a duplicate", async () => {
    const key = await createKey();
    const channel = uid("sw");
    const conn = await standardConnection(channel);
    const msg = uid("msg");
    const first = await stockedOrder({ channel });
    const second = await stockedOrder({ channel });
    const r1 = (await (await sendStandard(conn, msg, { type: "order.created", timestamp: new Date().toISOString(), data: first })).json()) as { status: string };
    const r2 = (await (await sendStandard(conn, msg, { type: "order.created", timestamp: new Date().toISOString(), data: second })).json()) as { status: string };
    expect(r1.status).toBe("accepted");
    expect(r2.status).toBe("duplicate");
    expect((await call(`/v1/channels/${channel}/orders/${second.externalId}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
  });

  it("7. URLs with credentials or pointing at link-local addresses are refused for subscriptions and connection settings", async () => {
    for (const url of ["http://169.254.169.254/latest/meta-data", "https://user:pass@hooks.example.com/x", "http://[fe80::1]/x"]) {
      expect((await admin(`/v1/admin/subscriptions/${uid("s")}`, "PUT", { url, secret: WHSEC, events: ["*"] })).status).toBe(400);
      expect((await admin(`/v1/admin/connections/${uid("c")}`, "PUT", { kind: "bigcommerce", secret: "bearer-token-x", settings: { storeHash: "x", apiToken: "t", apiBaseUrl: url } })).status).toBe(400);
    }
    expect((await admin(`/v1/admin/connections/${uid("c")}`, "PUT", { kind: "amazon", secret: "amazon-api-key", settings: { lwaTokenUrl: "http://169.254.170.2/creds" } })).status).toBe(400);
  });

  it("8. an ops:read key cannot replay dead letters or run a reconciliation", async () => {
    const reader = await createKey(["ops:read"]);
    expect((await call("/v1/ops/reconcile", { method: "POST", headers: { authorization: `Bearer ${reader}` } })).status).toBe(403);
    expect((await call("/v1/ops/dead-letters/dlq_x/replay", { method: "POST", headers: { authorization: `Bearer ${reader}` } })).status).toBe(403);
    const writer = await createKey(["ops:read", "ops:write"]);
    expect((await call("/v1/ops/reconcile", { method: "POST", headers: { authorization: `Bearer ${writer}` } })).status).toBe(200);
  });

  it("9. a revoked key stops working on availability at once", async () => {
    const res = await admin("/v1/admin/api-keys", "POST", { name: uid("k"), scopes: ["availability:read"] });
    const { id, key } = (await res.json()) as { id: string; key: string };
    const read = () => call("/v1/availability/WIDGET-1?channel=webshop", { headers: { authorization: `Bearer ${key}` } });
    expect((await read()).status).toBe(200);
    await admin(`/v1/admin/api-keys/${id}`, "DELETE");
    expect((await read()).status).toBe(401);
  });

  it("10. a stalled body is cut off with 408 instead of holding the request", async () => {
    const key = await createKey();
    const stalled = new ReadableStream<Uint8Array>({ start: (c) => c.enqueue(new TextEncoder().encode('{"channel":')) });
    const res = await call("/v1/orders", { method: "POST", headers: { authorization: `Bearer ${key}`, "idempotency-key": uid() }, body: stalled, duplex: "half" } as RequestInit);
    expect(res.status).toBe(408);
  });

  it("also: an ERP snapshot with a negative figure is refused; /ops forbids framing and foreign origins", async () => {
    const key = await createKey();
    const neg = await call("/v1/inventory/events", {
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
      json: { events: [{ eventId: uid("e"), source: "erp", type: "snapshot", sku: uid("SKU"), location: "DC1", asOf: new Date().toISOString(), quantities: { onHand: -5 } }] },
    });
    expect(neg.status).toBe(400);
    expect(((await neg.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("events.0.quantities.onHand");
    const page = await call("/ops");
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(page.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(page.headers.get("x-frame-options")).toBe("DENY");
  });
});
