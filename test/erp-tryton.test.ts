// Switchyard against a real ERP: the Tryton 6.0 that vitest.config.ts starts (Debian's trytond on
// SQLite, seeded with test/erp-tryton.fixture.json), configured as the default ERP connection
// through the admin API and driven only through Switchyard's HTTP API. Tryton is read over
// JSON-RPC from here to count and inspect sales, and acted on the way a clerk would (receive
// stock, ship). Nothing is pushed to Switchyard's inventory API: stock reaches it by polling.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { tryton, trytonAdmin, trytonSkipped } from "../connectors/erp/tryton/testing";
import { hmacSha256, toBase64 } from "../core/crypto";
import { orderIdOf, orderObjectName } from "../core/keys";
import { buildInterchange } from "../core/x12/testing";
import { admin, call, createKey, getOrder, postOrder, uid, waitForOrder, type OrderDetail } from "./helpers";

const PROXY = (env as unknown as { TRYTON_PROXY_URL?: string }).TRYTON_PROXY_URL ?? "";
const LOCATIONS = { DC1: "WH", DC2: "SYT-DC2" };
const ERP = "tryton-main";
type Tryton = Awaited<ReturnType<typeof trytonAdmin>>;

async function putErp(id: string, body: Record<string, unknown>) {
  const res = await admin(`/v1/admin/erp-connections/${id}`, "PUT", body);
  expect(res.status, await res.clone().text()).toBeLessThan(300);
}

async function poll(id = ERP) {
  const res = await admin(`/v1/admin/erp-connections/${id}/poll`, "POST");
  const r = (await res.json()) as { outcome?: string; reason?: string; more?: boolean };
  expect(res.status).toBe(200);
  expect(r.outcome, r.reason).toBe("ok");
  return r;
}

/** The order's id before it exists: the id of the object its business identity names. */
const orderIdFor = (channel: string, externalId: string) => orderIdOf(env.TRANSACTIONS.idFromName(orderObjectName(channel, externalId)).toString());

describe.skipIf(trytonSkipped !== null)("Switchyard with Tryton as its ERP", () => {
  let key: string;
  let t: Tryton;
  const auth = () => ({ authorization: `Bearer ${key}` });
  const available = async (sku: string, channel: string) =>
    ((await (await call(`/v1/availability/${sku}?channel=${channel}`, { headers: auth() })).json()) as { available: number }).available;

  /** The one Tryton sale booked under `orderId`, as Tryton has it. */
  async function saleOf(orderId: string) {
    const sales = await t.salesByReference(orderId);
    expect(sales, `Tryton sales with reference ${orderId}`).toHaveLength(1);
    const s = sales[0]! as { id: number; state: string; party: number; lines: number[]; reference: string };
    const [head] = await t.call<{ warehouse: number; currency: number }[]>("model.sale.sale.read", [s.id], ["warehouse", "currency"]);
    const [party] = await t.call<{ code: string }[]>("model.party.party.read", [s.party], ["code"]);
    const [warehouse] = await t.call<{ code: string }[]>("model.stock.location.read", [head!.warehouse], ["code"]);
    const [currency] = await t.call<{ code: string }[]>("model.currency.currency.read", [head!.currency], ["code"]);
    const lines = await t.call<{ product: number; quantity: number; unit_price: string }[]>("model.sale.line.read", s.lines, ["product", "quantity", "unit_price"]);
    const codes = new Map((await t.call<{ id: number; code: string }[]>("model.product.product.read", lines.map((l) => l.product), ["code"])).map((p) => [p.id, p.code]));
    return {
      id: String(s.id),
      state: s.state,
      reference: s.reference,
      party: party!.code,
      warehouse: warehouse!.code,
      currency: currency!.code,
      lines: lines.map((l) => ({ sku: codes.get(l.product), quantity: l.quantity, unitPrice: Number(l.unit_price) })).sort((a, b) => String(a.sku).localeCompare(String(b.sku))),
    };
  }

  beforeAll(async () => {
    key = await createKey(["orders:write", "orders:read", "ops:read", "ops:write", "availability:read"]);
    t = await trytonAdmin();
    await putErp(ERP, { kind: "tryton", baseUrl: tryton.url, credentials: { database: tryton.database, username: tryton.username, password: tryton.password }, settings: { locations: LOCATIONS, pollSeconds: 3600 }, default: true });
    const check = await admin(`/v1/admin/erp-connections/${ERP}/test`, "POST");
    expect(check.status, await check.clone().text()).toBe(200);
    expect(await check.json()).toMatchObject({ ok: true, version: expect.stringMatching(/^6\.0\./) });
    // Switchyard starts with no stock at all: what it can sell, it learns from Tryton.
    await vi.waitFor(
      async () => {
        const r = await poll();
        expect(r.more).toBe(false);
        expect(await available("SYT-ITEM-1", uid("any"))).toBeGreaterThan(0);
        expect(await available("SYT-ITEM-2", uid("any"))).toBeGreaterThan(0);
      },
      { timeout: 60_000, interval: 500 },
    );
  }, 120_000);

  it("an order by API, by webhook and by EDI, each sent again, is one confirmed Tryton sale with the right party, lines, quantities, prices and reference", async () => {
    const channel = uid("syt");
    // By API: the same key replays, another key with the same order is a business duplicate.
    const apiBody = { channel, externalId: uid("API"), customer: { id: "SYT-C-1", name: "Switchyard Test Retail" }, currency: "USD", lines: [{ sku: "SYT-ITEM-1", quantity: 3, unitPrice: "11.00" }] };
    const idem = uid("idem");
    const first = await postOrder(key, apiBody, idem);
    expect(first.status).toBe(201);
    const api = (await first.json()) as { orderId: string };
    const replay = await postOrder(key, apiBody, idem);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(((await (await postOrder(key, apiBody, uid("idem"))).json()) as { outcome: string; orderId: string })).toMatchObject({ outcome: "duplicate", orderId: api.orderId });

    // By webhook (Standard Webhooks): the same delivery twice, then the same order under a new delivery id.
    const std = uid("std");
    const secretBytes = crypto.getRandomValues(new Uint8Array(24));
    await admin(`/v1/admin/connections/${std}`, "PUT", { kind: "standard", secret: `whsec_${toBase64(secretBytes)}`, settings: { channel } });
    const payload = JSON.stringify({ type: "order.created", timestamp: new Date().toISOString(), data: { channel, externalId: uid("HOOK"), version: 1, customer: { id: "SYT-C-1" }, currency: "USD", lines: [{ sku: "SYT-ITEM-2", quantity: 2, unitPrice: "4.25" }] } });
    const hook = async (msgId: string) => {
      const ts = Math.floor(Date.now() / 1000).toString();
      const sig = toBase64(await hmacSha256(secretBytes, `${msgId}.${ts}.${payload}`));
      const res = await call(`/v1/webhooks/${std}`, { method: "POST", headers: { "webhook-id": msgId, "webhook-timestamp": ts, "webhook-signature": `v1,${sig}` }, body: payload });
      expect(res.status).toBe(200);
      return (await res.json()) as { status: string; orderId: string };
    };
    const msgId = `msg_${uid()}`;
    const viaHook = await hook(msgId);
    expect(viaHook.status).toBe("accepted");
    expect(await hook(msgId)).toMatchObject({ status: "duplicate", orderId: viaHook.orderId });
    expect(await hook(`msg_${uid()}`)).toMatchObject({ status: "duplicate", orderId: viaHook.orderId });

    // By EDI (X12 850): the same interchange twice.
    const edi = uid("edi");
    await admin(`/v1/admin/connections/${edi}`, "PUT", { kind: "x12", secret: "syt-edi-secret", settings: { channel } });
    const po = uid("PO").toUpperCase();
    const interchange = buildInterchange([
      {
        functionalId: "PO",
        control: "71",
        sets: [{ id: "850", control: "0001", body: [`BEG*00*SA*${po}**20261120`, "N1*BY*Switchyard Test Dealer*92*SYT-C-DEALER", "PO1*1*5*EA*7.25**VP*SYT-ITEM-1", "CTT*1"] }],
      },
    ]);
    const postEdi = () => call(`/v1/edi/${edi}`, { method: "POST", headers: { authorization: "Bearer syt-edi-secret", "content-type": "application/edi-x12" }, body: interchange });
    expect((await postEdi()).status).toBe(200);
    expect((await postEdi()).headers.get("x-switchyard-status")).toBe("duplicate");
    const viaEdi = (await (await call(`/v1/orders?channel=${channel}&externalId=${po}`, { headers: auth() })).json()) as { orderId: string };

    const booked = async (orderId: string) => waitForOrder(key, orderId, (o) => o.status === "erp_accepted" || o.status === "exception", 60_000);
    const [a, h, d] = await Promise.all([booked(api.orderId), booked(viaHook.orderId), booked(viaEdi.orderId)]);
    for (const o of [a, h, d]) expect(o.exception, JSON.stringify(o.exception)).toBeUndefined();

    // Tryton's process runs at confirm (shipment and invoice): a confirmed sale reads `processing`.
    expect(await saleOf(a.orderId)).toEqual({ id: a.erpOrderId, state: "processing", reference: a.orderId, party: "SYT-C-1", warehouse: "WH", currency: "USD", lines: [{ sku: "SYT-ITEM-1", quantity: 3, unitPrice: 11 }] });
    // Held at DC2 (the only location with SYT-ITEM-2): the sale ships from DC2's warehouse.
    expect(await saleOf(h.orderId)).toEqual({ id: h.erpOrderId, state: "processing", reference: h.orderId, party: "SYT-C-1", warehouse: "SYT-DC2", currency: "USD", lines: [{ sku: "SYT-ITEM-2", quantity: 2, unitPrice: 4.25 }] });
    expect(await saleOf(d.orderId)).toEqual({ id: d.erpOrderId, state: "processing", reference: d.orderId, party: "SYT-C-DEALER", warehouse: "WH", currency: "USD", lines: [{ sku: "SYT-ITEM-1", quantity: 5, unitPrice: 7.25 }] });

    // A booked order is not sent again.
    expect((await call(`/v1/orders/${a.orderId}/retry-erp`, { method: "POST", headers: auth() })).status).toBe(409);
  });

  it("a booking whose answer is lost (timeout), then fails twice more, is retried and leaves one sale", async () => {
    const lossy = "tryton-lossy";
    await putErp(lossy, { kind: "tryton", baseUrl: PROXY, credentials: { database: tryton.database, username: tryton.username, password: tryton.password }, settings: { locations: LOCATIONS, pollSeconds: 3600, timeoutMs: 4000 } });
    const channel = uid("lossy");
    expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1"], erpConnection: lossy })).status).toBe(200);
    const externalId = uid("LOST");
    const orderId = orderIdFor(channel, externalId);
    // Tryton creates the sale, the answer never arrives; the two look-ups after it get 503.
    const rule = await fetch(`${PROXY}/_proxy/rules`, {
      method: "POST",
      body: JSON.stringify({ match: ["model.sale.sale.create", orderId], action: "hold", then: { match: [orderId], action: "fail", times: 2, status: 503 } }),
    });
    expect(rule.status).toBe(201);
    const res = await postOrder(key, { channel, externalId, customer: { id: "SYT-C-1" }, currency: "USD", lines: [{ sku: "SYT-ITEM-1", quantity: 1, unitPrice: "10.00" }] });
    expect(((await res.json()) as { orderId: string }).orderId).toBe(orderId);
    const o = await waitForOrder(key, orderId, (x) => x.status === "erp_accepted" || x.status === "exception", 90_000);
    expect(o.exception).toBeUndefined();
    const attempts = o.timeline.filter((x) => x.type === "erp_attempt");
    expect(attempts.slice(0, -1).map((x) => String(x.detail.error))).toEqual([expect.stringContaining("timeout after 4000 ms"), expect.stringContaining("HTTP 503")]);
    expect(attempts.at(-1)!.detail).toMatchObject({ erpOrderId: o.erpOrderId, connection: lossy });
    expect((await (await fetch(`${PROXY}/_proxy/rules/${((await rule.json()) as { id: string }).id}`)).json()) as { fired: number }).toEqual({ fired: 1 });
    expect(await saleOf(orderId)).toMatchObject({ id: o.erpOrderId, state: "processing", lines: [{ sku: "SYT-ITEM-1", quantity: 1, unitPrice: 10 }] });
  });

  it("a cancel cancels a sale Tryton still allows to cancel, and records why it cannot once Tryton is processing it", async () => {
    // A product without accounting: Tryton confirms its sales but cannot process them, so they stay cancellable.
    const sku = `SYT-NOACC-${crypto.randomUUID().slice(0, 6)}`.toUpperCase();
    const [unit] = await t.call<number[]>("model.product.uom.search", [["symbol", "=", "u"]], 0, 1, null);
    await t.call("model.product.template.create", [{ name: "Unaccounted (Switchyard test)", code: sku, type: "goods", default_uom: unit, sale_uom: unit, salable: true, list_price: t.decimal("2"), products: [["create", [{}]]] }]);
    await t.receive(sku, "WH", 10);
    await vi.waitFor(async () => {
      await poll();
      expect(await available(sku, uid("any"))).toBe(10);
    }, { timeout: 30_000, interval: 500 });

    const cancelAfterBooking = async (lineSku: string): Promise<OrderDetail> => {
      const res = await postOrder(key, { channel: uid("cxl"), externalId: uid("CXL"), customer: { id: "SYT-C-1" }, currency: "USD", lines: [{ sku: lineSku, quantity: 1, unitPrice: "2.00" }] });
      const { orderId } = (await res.json()) as { orderId: string };
      await waitForOrder(key, orderId, (x) => x.status === "erp_accepted", 60_000);
      expect((await call(`/v1/orders/${orderId}/cancel`, { method: "POST", headers: auth() })).status).toBe(200);
      return waitForOrder(key, orderId, (x) => x.timeline.some((e) => e.type === "erp_cancel_sent" || e.type === "erp_cancel_refused"), 60_000);
    };

    const cancellable = await cancelAfterBooking(sku);
    expect(cancellable.timeline.find((e) => e.type === "erp_cancel_sent")!.detail.detail).toMatch(/is cancelled$/);
    expect((await saleOf(cancellable.orderId)).state).toBe("cancelled");

    const processing = await cancelAfterBooking("SYT-CXL-1");
    expect(processing.status).toBe("cancelled");
    expect(processing.timeline.find((e) => e.type === "erp_cancel_refused")!.detail.detail).toMatch(/^not_cancellable: .*processing/);
    expect((await saleOf(processing.orderId)).state).toBe("processing");
    const ex = ((await (await call(`/v1/ops/exceptions?filter=${ERP}`, { headers: auth() })).json()) as { items: { kind: string; orderId: string }[] }).items;
    expect(ex.filter((x) => x.kind === "erp.cancel_refused").map((x) => x.orderId)).toContain(processing.orderId);
  });

  it("stock received into a Tryton location shows in Switchyard's availability after a poll, without anyone pushing it", async () => {
    const dc2 = uid("dc2");
    await admin(`/v1/admin/channels/${dc2}/policy`, "PUT", { locations: ["DC2"] });
    const before = await available("SYT-STK-1", dc2);
    await t.receive("SYT-STK-1", "SYT-DC2", 25);
    await poll();
    await vi.waitFor(async () => expect(await available("SYT-STK-1", dc2)).toBe(before + 25), { timeout: 10_000, interval: 200 });
    // Stock at WH (DC1) is not DC2's to sell.
    await t.receive("SYT-STK-1", "WH", 7);
    await poll();
    await vi.waitFor(async () => expect(await available("SYT-STK-1", uid("all"))).toBe(before + 32), { timeout: 10_000, interval: 200 });
    expect(await available("SYT-STK-1", dc2)).toBe(before + 25);
  });

  it("a shipment done in Tryton makes the order shipped", async () => {
    const res = await postOrder(key, { channel: uid("shp"), externalId: uid("SHP"), customer: { id: "SYT-C-1" }, currency: "USD", lines: [{ sku: "SYT-SHP-1", quantity: 4, unitPrice: "3.00" }] });
    const { orderId } = (await res.json()) as { orderId: string };
    const booked = await waitForOrder(key, orderId, (x) => x.status === "erp_accepted", 60_000);
    await t.ship(Number(booked.erpOrderId));
    await poll();
    const o = await getOrder(key, orderId);
    expect(o.status).toBe("shipped");
    expect(o.timeline.find((e) => e.type === "shipment_shipped")).toMatchObject({ source: "erp:DC1", detail: { location: "DC1", lines: [{ sku: "SYT-SHP-1", quantity: 4 }] } });
    expect(o.timeline.filter((e) => e.type === "erp_status").map((e) => e.detail.state)).toContain("shipped");
    await poll();
    expect((await getOrder(key, orderId)).timeline.filter((e) => e.type === "shipment_shipped")).toHaveLength(1);
  });
});
