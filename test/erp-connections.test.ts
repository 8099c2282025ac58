// ERP connections end to end through Switchyard's HTTP API: configured as data, routed per
// channel, booked through each kind's connector against its far side (the ERP simulator for
// `http`, the loopback stubs that answer like Business Central and Odoo document), with rejections
// typed, configuration failures alerted, cancels and the read-back (stock, shipments) applied.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { admin, call, createKey, getOrder, postOrder, sampleOrder, stock, uid, waitForOrder } from "./helpers";

const e = env as unknown as { ERP_CONNECTOR_URL: string; ERP_CONNECTOR_TOKEN: string; BC_STUB_URL: string; ODOO19_STUB_URL: string; ERP_MAX_ATTEMPTS: string };
let key: string;
beforeAll(async () => {
  key = await createKey(["orders:write", "orders:read", "ops:read", "ops:write", "availability:read", "inventory:write"]);
});

async function control(base: string, path: string, body?: unknown, method = "POST") {
  const res = await fetch(`${base}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json() as Promise<Record<string, unknown>>;
}

async function putErp(id: string, body: Record<string, unknown>, status = 201) {
  const res = await admin(`/v1/admin/erp-connections/${id}`, "PUT", body);
  expect(res.status, await res.clone().text()).toBe(status);
  return res.json() as Promise<Record<string, unknown>>;
}

/** A channel whose orders go to `erpConnection`, selling from DC1. */
async function channelOn(erpConnection: string) {
  const channel = uid("ch");
  expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1"], erpConnection })).status).toBe(200);
  return channel;
}

async function order(channel: string, customer: string, lines: { sku: string; quantity: number; unitPrice?: string }[]) {
  for (const l of lines) await stock(l.sku, 100);
  const res = await postOrder(key, sampleOrder({ channel, customer: { id: customer, name: "Test customer" }, lines }));
  expect(res.status).toBe(201);
  return ((await res.json()) as { orderId: string }).orderId;
}

const exceptions = async (filter: string) =>
  ((await (await call(`/v1/ops/exceptions?filter=${encodeURIComponent(filter)}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { items: { id: string; kind: string; orderId: string | null; reason: string }[] }).items;

describe("the ERP connections admin API", () => {
  it("validates per kind, seals credentials, and moves the default flag", async () => {
    const a = uid("erp");
    const b = uid("erp");
    const bad = await admin(`/v1/admin/erp-connections/${a}`, "PUT", { kind: "tryton", baseUrl: "http://127.0.0.1:8000", credentials: { database: "db", username: "u" }, settings: { pollSecs: 5 } });
    expect(bad.status).toBe(400);
    const problem = (await bad.json()) as { errors: { path: string }[] };
    expect(problem.errors.map((x) => x.path).sort()).toEqual(["credentials.password", "settings"]);
    const linkLocal = await admin(`/v1/admin/erp-connections/${a}`, "PUT", { kind: "http", baseUrl: "http://169.254.169.254/latest", credentials: {} });
    expect(linkLocal.status).toBe(400);

    const saved = await putErp(a, { kind: "tryton", baseUrl: "http://127.0.0.1:8000", credentials: { database: "db", username: "switchyard", password: "s3cret-pass" }, settings: { locations: { DC1: "WH" } }, default: true });
    expect(saved).toMatchObject({ id: a, kind: "tryton", default: true, credentials: { database: "(set)", username: "(set)", password: "(set)" } });
    expect(JSON.stringify(saved)).not.toContain("s3cret-pass");
    await putErp(b, { kind: "http", baseUrl: e.ERP_CONNECTOR_URL, credentials: { token: e.ERP_CONNECTOR_TOKEN }, default: true });
    const list = (await (await admin("/v1/admin/erp-connections", "GET")).json()) as { items: { id: string; default: boolean }[] };
    expect(list.items.filter((i) => i.default).map((i) => i.id)).toEqual([b]);
    expect(JSON.stringify(list)).not.toContain(e.ERP_CONNECTOR_TOKEN);
    // Saving without `default` keeps the flag; the row in D1 holds only the sealed blob.
    await putErp(b, { kind: "http", baseUrl: e.ERP_CONNECTOR_URL, credentials: { token: e.ERP_CONNECTOR_TOKEN } }, 200);
    expect((await (await admin(`/v1/admin/erp-connections/${b}`, "GET")).json()) as { default: boolean }).toMatchObject({ default: true });
    const row = await env.DB.prepare("SELECT * FROM erp_connections WHERE id = ?").bind(b).first();
    expect(JSON.stringify(row)).not.toContain(e.ERP_CONNECTOR_TOKEN);

    for (const id of [a, b]) expect((await admin(`/v1/admin/erp-connections/${id}`, "DELETE")).status).toBe(200);
    expect((await admin(`/v1/admin/erp-connections/${a}`, "GET")).status).toBe(404);
  });

  it("is in the API document, with one body schema per kind", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { oneOf?: { properties: { kind: { const?: string; enum?: string[] } } }[] } }> } }>> };
    for (const p of ["/v1/admin/erp-connections", "/v1/admin/erp-connections/{id}", "/v1/admin/erp-connections/{id}/test", "/v1/admin/erp-connections/{id}/poll", "/v1/orders/{id}/retry-erp"]) expect(Object.keys(doc.paths)).toContain(p);
    const body = doc.paths["/v1/admin/erp-connections/{id}"]!.put!.requestBody!.content["application/json"]!.schema;
    expect(body.oneOf!.map((m) => m.properties.kind.const ?? m.properties.kind.enum?.[0]).sort()).toEqual(["business-central", "http", "odoo", "tryton"]);
  });

  it("test calls the ERP's health check and names what is wrong", async () => {
    const good = uid("erp");
    const wrong = uid("erp");
    await putErp(good, { kind: "http", baseUrl: e.ERP_CONNECTOR_URL, credentials: { token: e.ERP_CONNECTOR_TOKEN } });
    await putErp(wrong, { kind: "http", baseUrl: e.ERP_CONNECTOR_URL, credentials: { token: "not-the-token" } });
    const ok = await admin(`/v1/admin/erp-connections/${good}/test`, "POST");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ ok: true, id: good, kind: "http" });
    const refused = await admin(`/v1/admin/erp-connections/${wrong}/test`, "POST");
    expect(refused.status).toBe(502);
    const p = (await refused.json()) as { type: string; detail: string };
    expect(p.type).toMatch(/\/problems\/erp-check-failed$/);
    expect(p.detail).toContain("refused the token");
    expect(p.detail).not.toContain("not-the-token");
    expect((await admin(`/v1/admin/erp-connections/${uid("none")}/test`, "POST")).status).toBe(404);
  });
});

describe("Business Central through Switchyard (loopback stub)", () => {
  const BC = e.BC_STUB_URL;
  async function tenant() {
    const t = { tenantId: crypto.randomUUID(), clientId: crypto.randomUUID(), clientSecret: `bc-secret-${crypto.randomUUID()}`, environment: "sandbox", companyId: crypto.randomUUID() };
    await control(BC, "/_stub/tenants", t);
    await control(BC, `/_stub/companies/${t.companyId}/seed`, { customers: [{ number: "10000", displayName: "Adatum Corporation" }], items: [{ number: "BIKE-100", unitPrice: 12.5 }], locations: [{ code: "MAIN" }] });
    // The connection's poller reads BC's stock from its first tick on: BC must have some.
    await control(BC, `/_stub/companies/${t.companyId}/stock`, { itemNumber: "BIKE-100", locationCode: "MAIN", quantity: 100 });
    const id = uid("bc");
    await putErp(id, {
      kind: "business-central",
      baseUrl: BC,
      credentials: { tenantId: t.tenantId, clientId: t.clientId, clientSecret: t.clientSecret, tokenUrl: `${BC}/${t.tenantId}/oauth2/v2.0/token` },
      settings: { environment: t.environment, companyId: t.companyId, locations: { DC1: "MAIN" } },
    });
    return { ...t, id, count: async (reference: string) => (await control(BC, `/_stub/companies/${t.companyId}/orders?externalDocumentNumber=${reference}`, undefined, "GET")).count as number };
  }

  it("books an order once (externalDocumentNumber: a digest of the order id that fits Code[35]) and ships it when BC posts the shipment", async () => {
    const bc = await tenant();
    const channel = await channelOn(bc.id);
    const orderId = await order(channel, "10000", [{ sku: "BIKE-100", quantity: 3, unitPrice: "11.00" }]);
    const o = await waitForOrder(key, orderId, (x) => x.status === "erp_accepted" || x.status === "exception");
    expect(o.exception).toBeUndefined();
    expect(o.erpOrderId).toBeTruthy();
    // An order id (68 characters) does not fit BC's Code[35] externalDocumentNumber: a digest of it does.
    const booked = o.timeline.find((t) => t.type === "erp_attempt" && t.detail.erpOrderId)!.detail;
    expect(booked).toMatchObject({ connection: bc.id, reference: expect.stringMatching(/^SY[A-Z2-7]{33}$/) });
    expect(await bc.count(booked.reference as string)).toBe(1);
    // BC posts the shipment; the poller finds the order behind the digest and ships it here.
    await control(BC, `/_stub/companies/${bc.companyId}/ship`, { orderNumber: o.erpOrderId });
    const polled = (await (await admin(`/v1/admin/erp-connections/${bc.id}/poll`, "POST")).json()) as { outcome: string };
    expect(polled.outcome).toBe("ok");
    const shipped = await getOrder(key, orderId);
    expect(shipped.status).toBe("shipped");
    expect(shipped.timeline.find((t) => t.type === "shipment_shipped")!.detail).toMatchObject({ location: "DC1", lines: [{ sku: "BIKE-100", quantity: 3 }] });
  });

  it("types an unknown customer, shows it in ops, and books once the customer exists and the hand-off is retried", async () => {
    const bc = await tenant();
    const channel = await channelOn(bc.id);
    const orderId = await order(channel, "77777", [{ sku: "BIKE-100", quantity: 1 }]);
    const o = await waitForOrder(key, orderId, (x) => x.status === "exception");
    expect(o.exception?.reason).toBe("unknown_customer");
    expect(o.exception?.detail).toContain("77777");
    // Ops lists it by its typed reason (from the D1 projection, written moments after the order changed).
    await vi.waitFor(async () => expect((await exceptions("unknown_customer")).map((x) => [x.orderId, x.kind])).toContainEqual([orderId, "order.unknown_customer"]), { timeout: 10_000, interval: 200 });
    // Still rejected: nothing was fixed, so a retry ends the same way (and books nothing).
    const early = await call(`/v1/orders/${orderId}/retry-erp`, { method: "POST", headers: { authorization: `Bearer ${key}` } });
    expect(early.status).toBe(202);
    await waitForOrder(key, orderId, (x) => x.dispatchState === "rejected" && x.timeline.filter((t) => t.type === "erp_attempt").length === 2);

    await control(BC, `/_stub/companies/${bc.companyId}/seed`, { customers: [{ number: "77777", displayName: "New Customer Ltd" }] });
    expect((await call(`/v1/orders/${orderId}/retry-erp`, { method: "POST", headers: { authorization: `Bearer ${key}` } })).status).toBe(202);
    const done = await waitForOrder(key, orderId, (x) => x.status === "erp_accepted");
    expect(done.exception).toBeUndefined();
    expect(await bc.count(done.timeline.find((t) => t.type === "erp_attempt" && t.detail.erpOrderId)!.detail.reference as string)).toBe(1);
    // Once booked, there is nothing to retry.
    expect((await call(`/v1/orders/${orderId}/retry-erp`, { method: "POST", headers: { authorization: `Bearer ${key}` } })).status).toBe(409);
  });
});

describe("Odoo 19 through Switchyard (loopback stub)", () => {
  const ODOO = e.ODOO19_STUB_URL;
  async function database() {
    const db = { name: `acme_${crypto.randomUUID().slice(0, 8)}`, apiKey: `odoo-key-${crypto.randomUUID()}` };
    await control(ODOO, "/_stub/databases", { ...db, login: "bot@acme.example", partners: [{ ref: "C-1001", name: "Deco Addict" }], products: [{ default_code: "FURN_0001", name: "Office Chair" }] });
    const id = uid("odoo");
    await control(ODOO, `/_stub/db/${db.name}/quants`, { default_code: "FURN_0001", warehouse: "WH", quantity: 100 });
    await putErp(id, { kind: "odoo", baseUrl: ODOO, credentials: { apiKey: db.apiKey, database: db.name }, settings: { version: 19, callsPerSecond: 50, locations: { DC1: "WH" } } });
    return { ...db, id, orders: async (orderId: string) => (await control(ODOO, `/_stub/db/${db.name}/orders?client_order_ref=${orderId}`, undefined, "GET")).orders as { state: string }[] };
  }

  it("books and confirms an order once, with the order id as client_order_ref", async () => {
    const odoo = await database();
    const channel = await channelOn(odoo.id);
    const orderId = await order(channel, "C-1001", [{ sku: "FURN_0001", quantity: 2 }]);
    await waitForOrder(key, orderId, (x) => x.status === "erp_accepted");
    expect((await odoo.orders(orderId)).map((o) => o.state)).toEqual(["sale"]);
  });

  it("types an unknown item", async () => {
    const odoo = await database();
    const channel = await channelOn(odoo.id);
    const orderId = await order(channel, "C-1001", [{ sku: "FURN_0001", quantity: 1 }, { sku: "FURN_9999", quantity: 1 }]);
    const o = await waitForOrder(key, orderId, (x) => x.status === "exception");
    expect(o.exception).toMatchObject({ reason: "unknown_item", detail: expect.stringContaining("FURN_9999") });
    expect(await odoo.orders(orderId)).toEqual([]);
  });
});

describe("an ERP that refuses the configuration", () => {
  it("alerts, retries slowly and not forever (dead letter), and books once the connection is fixed and the dead letter replayed", async () => {
    const id = uid("erp");
    await putErp(id, { kind: "http", baseUrl: e.ERP_CONNECTOR_URL, credentials: { token: "expired-token" } });
    const channel = await channelOn(id);
    const orderId = await order(channel, "CUST-1", [{ sku: uid("SKU"), quantity: 1 }]);
    const o = await waitForOrder(key, orderId, (x) => x.status === "exception", 40_000);
    expect(o.exception?.reason).toBe("dead_letter");
    const attempts = o.timeline.filter((t) => t.type === "erp_attempt");
    expect(attempts).toHaveLength(Number(e.ERP_MAX_ATTEMPTS));
    expect(attempts.every((t) => String(t.detail.error).startsWith("config: "))).toBe(true);
    const alert = (await exceptions(id)).find((x) => x.kind === "erp.config" && x.orderId === orderId);
    expect(alert).toMatchObject({ orderId, reason: expect.stringContaining("refused the token") });
    expect(JSON.stringify(o)).not.toContain("expired-token");

    await putErp(id, { kind: "http", baseUrl: e.ERP_CONNECTOR_URL, credentials: { token: e.ERP_CONNECTOR_TOKEN } }, 200);
    const dl = ((await (await call(`/v1/ops/dead-letters?filter=${orderId}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { items: { id: string }[] }).items;
    expect((await admin(`/v1/ops/dead-letters/${dl[0]!.id}/replay`, "POST")).status).toBe(202);
    await waitForOrder(key, orderId, (x) => x.status === "erp_accepted");
    // The order's alert is resolved; the poller's own alert about this connection stays until its next poll works.
    expect((await exceptions(id)).filter((x) => x.kind === "erp.config").map((x) => x.orderId)).not.toContain(orderId);
  });
});

describe("reading back from an ERP (the generic http connector's read endpoints)", () => {
  let conn: string;
  let channel: string;
  const SIM = () => e.ERP_CONNECTOR_URL;
  beforeAll(async () => {
    conn = uid("erp");
    await putErp(conn, { kind: "http", baseUrl: SIM(), credentials: { token: e.ERP_CONNECTOR_TOKEN }, settings: { locations: { DC1: "MAIN", DC2: "EAST" }, pollSeconds: 3600 } });
    channel = await channelOn(conn);
  });
  const poll = async () => {
    const res = await admin(`/v1/admin/erp-connections/${conn}/poll`, "POST");
    expect(res.status).toBe(200);
    const r = (await res.json()) as { outcome: string };
    expect(r.outcome).toBe("ok");
    return r;
  };

  it("stock put into the ERP shows in availability after a poll, per mapped location, with the ERP's committed units", async () => {
    const sku = uid("SKU");
    await control(SIM(), "/_sim/stock", { rows: [{ sku, location: "MAIN", onHand: 40, committed: 5 }, { sku, location: "EAST", onHand: 7, committed: 0 }, { sku, location: "UNMAPPED", onHand: 999, committed: 0 }] });
    await poll();
    const avail = async (ch: string) => ((await (await call(`/v1/availability/${sku}?channel=${ch}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { available: number }).available;
    await vi.waitFor(async () => expect(await avail(channel)).toBe(35), { timeout: 10_000, interval: 200 });
    const both = uid("ch");
    await admin(`/v1/admin/channels/${both}/policy`, "PUT", { locations: ["DC1", "DC2"] });
    await vi.waitFor(async () => expect(await avail(both)).toBe(42), { timeout: 10_000, interval: 200 });
    // The ERP counts again: the newer snapshot replaces the older one.
    await control(SIM(), "/_sim/stock", { rows: [{ sku, location: "MAIN", onHand: 12, committed: 0 }] });
    await poll();
    await vi.waitFor(async () => expect(await avail(channel)).toBe(12), { timeout: 10_000, interval: 200 });
  });

  it("a shipment done in the ERP makes the order shipped, once; its status changes land on the timeline", async () => {
    const sku = uid("SKU");
    const orderId = await order(channel, "CUST-1", [{ sku, quantity: 2 }]);
    await waitForOrder(key, orderId, (x) => x.status === "erp_accepted");
    await control(SIM(), "/_sim/shipments", { orderId, location: "MAIN", carrier: "UPS", tracking: "1Z999" });
    await poll();
    await poll();
    const o = await getOrder(key, orderId);
    expect(o.status).toBe("shipped");
    expect(o.timeline.filter((t) => t.type === "shipment_shipped")).toHaveLength(1);
    expect(o.timeline.find((t) => t.type === "shipment_shipped")!).toMatchObject({ source: "erp:DC1", detail: { location: "DC1", carrier: "UPS", tracking: "1Z999" } });
    const states = o.timeline.filter((t) => t.type === "erp_status").map((t) => t.detail.state);
    expect(states).toContain("shipped");
    expect(new Set(states).size).toBe(states.length);
  });

  it("a cancel the ERP refuses is on the timeline and in front of a person", async () => {
    const sku = uid("SKU");
    const orderId = await order(channel, "CUST-1", [{ sku, quantity: 1 }]);
    const booked = await waitForOrder(key, orderId, (x) => x.status === "erp_accepted");
    await control(SIM(), "/_sim/shipments", { erpOrderId: booked.erpOrderId, location: "MAIN" });
    expect((await call(`/v1/orders/${orderId}/cancel`, { method: "POST", headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    const o = await waitForOrder(key, orderId, (x) => x.timeline.some((t) => t.type === "erp_cancel_refused"));
    expect(o.timeline.find((t) => t.type === "erp_cancel_refused")!.detail.detail).toMatch(/^not_cancellable: .*has shipped/);
    expect((await exceptions(conn)).filter((x) => x.kind === "erp.cancel_refused").map((x) => x.orderId)).toEqual([orderId]);
  });
});
