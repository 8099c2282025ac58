// Orders checked against master data, through HTTP: unknown and blocked SKUs, units converted,
// kits exploded (and a kit's availability), prices against the channel's list, customers on credit
// hold held away from the ERP until the hold lifts; each outcome per the channel's policy.
import { beforeAll, describe, expect, it } from "vitest";
import { signStandard } from "../core/channels/standard/signature";
import { buildInterchange } from "../core/x12/testing";
import { admin, call, createKey, erpBookings, getOrder, postOrder, sampleOrder, stock, uid, waitForOrder } from "./helpers";

let key: string;
beforeAll(async () => {
  key = await createKey(["orders:write", "orders:read", "ops:read", "inventory:write", "availability:read", "master:write"]);
});
const product = async (sku: string, body: Record<string, unknown>) => expect((await admin(`/v1/master/products/${sku}`, "PUT", { status: "active", version: 1, ...body })).status).toBeLessThan(300);
const customer = async (id: string, body: Record<string, unknown>) => expect((await admin(`/v1/master/customers/${id}`, "PUT", { name: id, version: 1, ...body })).status).toBeLessThan(300);
const policy = async (channel: string, masterData: Record<string, unknown>) => expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1"], masterData })).status).toBe(200);
const held = async (sku: string) => ((await (await call(`/v1/inventory/${sku}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { reservations: { held: number } }).reservations.held;
const available = async (sku: string, channel: string) => ((await (await call(`/v1/availability/${sku}?channel=${channel}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { available: number }).available;
type Answer = { orderId: string; status: string; lines: { sku: string; quantity: number; reserved: number }[] };

describe("unknown and blocked SKUs", () => {
  it("rejects, holds as an exception, or accepts an unknown SKU as the channel's policy says", async () => {
    const [reject, except, open] = [uid("ch"), uid("ch"), uid("ch")];
    await policy(reject, { unknownSku: "reject" });
    await policy(except, { unknownSku: "exception" });
    const sku = uid("NOPE");
    await stock(sku, 10);
    await product(uid("KNOWN"), {});

    const refused = await postOrder(key, sampleOrder({ channel: reject, lines: [{ sku, quantity: 1 }] }));
    expect(refused.status).toBe(422);
    expect(refused.headers.get("content-type")).toContain("application/problem+json");
    expect(await refused.json()).toMatchObject({ type: "/problems/master-data-rejected", errors: [{ path: "lines.0.sku", message: expect.stringContaining("unknown_sku") }] });
    const none = await call(`/v1/channels/${reject}/orders/x`, { headers: { authorization: `Bearer ${key}` } });
    expect(none.status).toBe(404);

    const kept = (await (await postOrder(key, sampleOrder({ channel: except, lines: [{ sku, quantity: 1 }] }))).json()) as Answer;
    expect(kept.status).toBe("exception");
    const o = await getOrder(key, kept.orderId);
    expect(o).toMatchObject({ status: "exception", dispatchState: "skipped", exception: { reason: "unknown_sku" } });
    expect(o.timeline.find((t) => t.type === "master_data")?.detail).toMatchObject({ decision: "exception", findings: expect.arrayContaining([expect.objectContaining({ type: "unknown_sku", path: "lines.0.sku" })]) });
    expect(await held(sku)).toBe(0);

    // The default policy takes an unknown SKU as before master data existed: nothing recorded about it.
    const plain = (await (await postOrder(key, sampleOrder({ channel: open, lines: [{ sku, quantity: 1 }] }))).json()) as Answer;
    expect(plain.status).toBe("reserved");
    expect((await getOrder(key, plain.orderId)).timeline.map((t) => t.type)).not.toContain("master_data");
  });

  it("refuses a blocked SKU by default and resolves a channel's alias to our SKU", async () => {
    const [blocked, real] = [uid("BLK"), uid("SKU")];
    const channel = uid("ch");
    await product(blocked, { status: "blocked" });
    await product(real, { aliases: [{ channel, sku: `their-${real}` }] });
    await stock(real, 5);
    const res = await postOrder(key, sampleOrder({ channel, lines: [{ sku: blocked, quantity: 1 }] }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0]!.message).toContain("blocked_sku");
    const viaAlias = (await (await postOrder(key, sampleOrder({ channel, lines: [{ sku: `their-${real}`, quantity: 2 }] }))).json()) as Answer;
    expect(viaAlias.lines).toEqual([{ sku: real, quantity: 2, reserved: 2, backordered: 0 }]);
    expect(await held(real)).toBe(2);
  });
});

describe("units of measure and kits", () => {
  it("reserves a case of 12 as 12 each, and refuses a unit the product does not have", async () => {
    const sku = uid("SKU");
    await product(sku, { units: [{ code: "case", each: 12 }, { code: "pallet", each: 480 }] });
    await stock(sku, 100);
    const before = await available(sku, "web");
    const r = (await (await postOrder(key, sampleOrder({ lines: [{ sku, quantity: 2, unit: "case", unitPrice: "120.00" }] }))).json()) as Answer;
    expect(r.lines).toEqual([{ sku, quantity: 24, reserved: 24, backordered: 0 }]);
    expect(await held(sku)).toBe(24);
    await expect.poll(() => available(sku, "web"), { timeout: 10_000 }).toBe(before - 24);
    const unit = await postOrder(key, sampleOrder({ lines: [{ sku, quantity: 1, unit: "crate" }] }));
    expect(unit.status).toBe(422);
    expect(((await unit.json()) as { errors: { path: string }[] }).errors).toEqual([expect.objectContaining({ path: "lines.0.unit" })]);
  });

  it("explodes a kit into its components, and a kit's availability is what its scarcest component allows", async () => {
    const [kit, a, b] = [uid("KIT"), uid("A"), uid("B")];
    await product(a, {});
    await product(b, {});
    await product(kit, { components: [{ sku: a, quantity: 2 }, { sku: b, quantity: 1 }] });
    await stock(a, 10);
    await stock(b, 3);
    expect(await available(kit, "web")).toBe(3);
    const r = (await (await postOrder(key, sampleOrder({ lines: [{ sku: kit, quantity: 2, unitPrice: "30.00" }] }))).json()) as Answer;
    expect(r.status).toBe("reserved");
    expect(r.lines).toEqual([
      { sku: a, quantity: 4, reserved: 4, backordered: 0 },
      { sku: b, quantity: 2, reserved: 2, backordered: 0 },
    ]);
    expect([await held(a), await held(b)]).toEqual([4, 2]);
    await expect.poll(() => available(kit, "web"), { timeout: 10_000 }).toBe(1);
  });
});

describe("prices", () => {
  it("puts an order whose price is outside the channel's list by more than the tolerance in exception", async () => {
    const channel = uid("ch");
    const sku = uid("SKU");
    await product(sku, { units: [{ code: "case", each: 10 }] });
    await stock(sku, 100);
    await policy(channel, { priceTolerancePercent: 5 });
    expect((await admin(`/v1/master/price-lists/${uid("pl")}`, "PUT", { channel, currency: "USD", validFrom: "2026-01-01T00:00:00Z", prices: [{ sku, unitPrice: "10.00" }], version: 1 })).status).toBe(201);
    const within = (await (await postOrder(key, sampleOrder({ channel, lines: [{ sku, quantity: 1, unitPrice: "10.40" }] }))).json()) as Answer;
    expect(within.status).toBe("reserved");
    const perCase = (await (await postOrder(key, sampleOrder({ channel, lines: [{ sku, quantity: 1, unit: "case", unitPrice: "100.00" }] }))).json()) as Answer;
    expect(perCase.status).toBe("reserved");
    const off = (await (await postOrder(key, sampleOrder({ channel, lines: [{ sku, quantity: 1, unitPrice: "12.00" }] }))).json()) as Answer;
    expect(off.status).toBe("exception");
    const o = await getOrder(key, off.orderId);
    expect(o.exception?.reason).toBe("price_mismatch");
    expect(o.timeline.find((t) => t.type === "master_data")?.detail).toMatchObject({ findings: expect.arrayContaining([expect.objectContaining({ type: "price_mismatch", path: "lines.0.unitPrice", detail: expect.objectContaining({ listPrice: "10.00", unitPrice: "12.00" }) })]) });
    // Another currency has no list price: nothing to compare with.
    const eur = (await (await postOrder(key, sampleOrder({ channel, currency: "EUR", lines: [{ sku, quantity: 1, unitPrice: "99.00" }] }))).json()) as Answer;
    expect(eur.status).toBe("reserved");
  });
});

describe("credit hold", () => {
  it("holds an order of a customer on credit hold away from the ERP, and releases it when the hold lifts", async () => {
    const cust = uid("CUST");
    const sku = uid("SKU");
    await customer(cust, { creditHold: true });
    await stock(sku, 10);
    const body = sampleOrder({ customer: { id: cust }, lines: [{ sku, quantity: 3 }] });
    const r = (await (await postOrder(key, body)).json()) as Answer;
    const heldOrder = await waitForOrder(key, r.orderId, (o) => o.status === "exception");
    expect(heldOrder).toMatchObject({ exception: { reason: "credit_hold" }, dispatchState: "pending" });
    expect(await held(sku)).toBe(3);
    expect(await erpBookings(body.externalId)).toEqual([]);

    expect((await admin(`/v1/master/customers/${cust}`, "PUT", { name: cust, creditHold: false, version: 2 })).status).toBe(200);
    const released = await waitForOrder(key, r.orderId, (o) => o.status === "erp_accepted");
    expect(released.timeline.map((t) => t.type)).toContain("credit_hold_released");
    expect(await erpBookings(body.externalId)).toHaveLength(1);
  });

  it("finds the customer by the channel's account id, and rejects when the policy says so", async () => {
    const channel = uid("ch");
    const cust = uid("CUST");
    await customer(cust, { creditHold: true, channelAccounts: [{ channel, accountId: "shop-77" }] });
    await policy(channel, { creditHold: "reject" });
    const res = await postOrder(key, sampleOrder({ channel, customer: { id: "shop-77" }, lines: [{ sku: uid("SKU"), quantity: 1 }] }));
    expect(res.status).toBe(422);
    expect(((await res.json()) as { errors: { path: string; message: string }[] }).errors).toEqual([{ path: "customer.id", message: expect.stringContaining(`customer ${cust} is on credit hold`) }]);
  });
});

describe("webhooks", () => {
  it("quarantines a verified delivery whose order the channel's policy refuses, and books the rest as checked", async () => {
    const channel = uid("ch");
    const conn = uid("std");
    const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    await admin(`/v1/admin/connections/${conn}`, "PUT", { kind: "standard", secret, settings: { channel } });
    const [blocked, cased] = [uid("BLK"), uid("SKU")];
    await product(blocked, { status: "blocked" });
    await product(cased, { units: [{ code: "CA", each: 6 }] });
    await stock(cased, 20);
    const send = async (externalId: string, lines: unknown[]) => {
      const payload = JSON.stringify({ type: "order.created", timestamp: new Date().toISOString(), data: { channel, externalId, customer: { id: "C1" }, currency: "USD", lines } });
      const id = `msg_${uid()}`;
      const ts = Math.floor(Date.now() / 1000);
      const res = await call(`/v1/webhooks/${conn}`, { method: "POST", headers: { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": await signStandard(secret, id, ts, payload) }, body: payload });
      expect(res.status).toBe(200);
      return (await res.json()) as { status: string; orderId?: string };
    };
    const bad = uid("PO");
    expect((await send(bad, [{ sku: blocked, quantity: 1 }])).status).toBe("quarantined");
    const ex = (await (await call(`/v1/ops/exceptions?filter=${bad}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { items: { reason: string }[] };
    expect(ex.items[0]?.reason).toContain("blocked_sku");
    const good = await send(uid("PO"), [{ sku: cased, quantity: 2, unit: "CA" }]);
    expect(good.status).toBe("accepted");
    expect((await getOrder(key, good.orderId!)).lines).toEqual([expect.objectContaining({ sku: cased, quantity: 12, reserved: 12 })]);
  });
});

describe("EDI", () => {
  it("reads an 850 line's unit (PO103) and converts a case (X12 CA) to the product's eaches", async () => {
    const channel = uid("dealer");
    const id = uid("edi");
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "x12", secret: "edi-secret-123", settings: { channel } });
    const [cased, single] = [uid("SKU"), uid("SKU")];
    await product(cased, { units: [{ code: "case", each: 12 }] });
    await product(single, {});
    await stock(cased, 100);
    await stock(single, 100);
    const po = uid("PO");
    const x850 = buildInterchange([{ functionalId: "PO", control: "41", sets: [{ id: "850", control: "0001", body: [`BEG*00*SA*${po}**20261201`, "N1*BY*ACME*92*ACME-1", `PO1*1*2*CA*120*PE*VP*${cased}`, `PO1*2*3*EA*5*PE*VP*${single}`, "CTT*2"] }] }], { sender: "DEALER1", control: "000000041" });
    const res = await call(`/v1/edi/${id}`, { method: "POST", headers: { authorization: "Bearer edi-secret-123", "content-type": "application/edi-x12" }, body: x850 });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/AK5\*A/);
    const found = (await (await call(`/v1/orders?channel=${channel}&externalId=${po}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { orderId: string };
    const o = await getOrder(key, found.orderId);
    expect(o.lines).toEqual([expect.objectContaining({ sku: cased, quantity: 24, reserved: 24 }), expect.objectContaining({ sku: single, quantity: 3, reserved: 3 })]);
    expect(await held(cased)).toBe(24);
  });
});
