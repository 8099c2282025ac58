// Master data through HTTP: versioned upserts (stale refused, equal repeated), reads, audit and
// subscriber events, and bad input.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, call, createKey, uid } from "./helpers";

let key: string;
let reader: string;
beforeAll(async () => {
  key = await createKey(["master:write", "orders:read"]);
  reader = await createKey(["orders:read"]);
});
const put = (path: string, json: unknown, k = key) => call(path, { method: "PUT", headers: { authorization: `Bearer ${k}` }, json });
const get = (path: string, k = key) => call(path, { headers: { authorization: `Bearer ${k}` } });

describe("PUT /v1/master/products/{sku}", () => {
  it("creates, updates by version, repeats an equal version and refuses an older one as stale", async () => {
    const sku = uid("SKU");
    const v1 = { status: "active", name: "Widget", units: [{ code: "case", each: 12 }], aliases: [{ channel: "web", sku: `web-${sku}` }], version: 1, owner: "erp:tryton" };
    const created = await put(`/v1/master/products/${sku}`, v1);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ outcome: "created", record: { sku, status: "active", version: 1, owner: "erp:tryton", units: [{ code: "case", each: 12 }] } });
    const again = await put(`/v1/master/products/${sku}`, v1);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { outcome: string }).outcome).toBe("unchanged");
    const v3 = await put(`/v1/master/products/${sku}`, { ...v1, status: "blocked", version: 3 });
    expect(v3.status).toBe(200);
    expect(await v3.json()).toMatchObject({ outcome: "updated", record: { status: "blocked", version: 3 } });
    const stale = await put(`/v1/master/products/${sku}`, { ...v1, status: "active", version: 2 });
    expect(stale.status).toBe(409);
    expect(stale.headers.get("content-type")).toContain("application/problem+json");
    expect(await stale.json()).toMatchObject({ type: "/problems/stale", status: 409, errors: [{ path: "version" }] });
    const read = await get(`/v1/master/products/${sku}`, reader);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ sku, status: "blocked", version: 3 });
    expect((await get(`/v1/master/products/${uid("none")}`, reader)).status).toBe(404);
  });

  it("tells subscribers about each applied version once, and audits the change", async () => {
    const sku = uid("SKU");
    for (const version of [1, 2, 2, 1]) await put(`/v1/master/products/${sku}`, { status: "active", version });
    const events = await env.DB.prepare("SELECT type, seq, json_extract(data, '$.version') AS version FROM outbound_events WHERE stream = ? ORDER BY seq").bind(`md:product:${sku}`).all();
    expect(events.results).toEqual([
      { type: "master.product_changed", seq: 1, version: 1 },
      { type: "master.product_changed", seq: 2, version: 2 },
    ]);
    const audit = (await (await admin(`/v1/admin/audit?resource=master_product&resourceId=${sku}`, "GET")).json()) as { items: { action: string }[] };
    expect(audit.items.map((a) => a.action)).toEqual(["master_product.put", "master_product.put"]);
  });

  it("refuses bad input with the field at fault and stores nothing", async () => {
    const sku = uid("SKU");
    const cases: [unknown, string][] = [
      [{ status: "gone", version: 1 }, "status"],
      [{ status: "active", version: "1" }, "version"],
      [{ status: "active", version: -1 }, "version"],
      [{ status: "active", version: 1, units: [{ code: "case", each: 0 }] }, "units.0.each"],
      [{ status: "active", version: 1, units: [{ code: "case", each: 12 }, { code: "CASE", each: 6 }] }, "units.1.code"],
      [{ status: "active", version: 1, components: [{ sku, quantity: 1 }] }, "components"],
      [{ status: "active", version: 1, extra: true }, "(body)"],
    ];
    for (const [body, path] of cases) {
      const res = await put(`/v1/master/products/${sku}`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toContain(path);
    }
    let deep: unknown = { status: "active", version: 1 };
    for (let i = 0; i < 100; i++) deep = { nested: deep };
    expect((await put(`/v1/master/products/${sku}`, deep)).status).toBe(400);
    expect((await put(`/v1/master/products/${"x".repeat(121)}`, { status: "active", version: 1 })).status).toBe(400);
    expect((await get(`/v1/master/products/${sku}`, reader)).status).toBe(404);
  });

  it("needs master:write to write and orders:read to read", async () => {
    expect((await put(`/v1/master/products/${uid("SKU")}`, { status: "active", version: 1 }, reader)).status).toBe(403);
    expect((await call(`/v1/master/products/${uid("SKU")}`)).status).toBe(401);
  });
});

describe("customers and price lists", () => {
  it("upserts a customer with ship-tos, channel accounts, credit hold and price group", async () => {
    const id = uid("CUST");
    const body = {
      name: "Acme Hardware", creditHold: false, priceGroup: "dealers", version: 5,
      shipTos: [{ id: "main", name: "Acme DC", line1: "1 Main St", city: "Springfield", postalCode: "62701", country: "US" }],
      channelAccounts: [{ channel: "web", accountId: "shopify-77" }],
    };
    expect((await put(`/v1/master/customers/${id}`, body)).status).toBe(201);
    expect((await put(`/v1/master/customers/${id}`, { ...body, version: 4 })).status).toBe(409);
    expect(await (await get(`/v1/master/customers/${id}`, reader)).json()).toMatchObject({ id, priceGroup: "dealers", version: 5, channelAccounts: [{ channel: "web", accountId: "shopify-77" }] });
    expect((await put(`/v1/master/customers/${id}`, { ...body, shipTos: [{ name: "x" }] })).status).toBe(400);
  });

  it("replaces a price list's prices by version and validates its scope and dates", async () => {
    const id = uid("pl");
    const [a, b] = [uid("SKU"), uid("SKU")];
    const list = { channel: "web", currency: "USD", validFrom: "2026-01-01T00:00:00Z", prices: [{ sku: a, unitPrice: "10.00" }, { sku: b, unitPrice: "4.50" }], version: 1 };
    expect((await put(`/v1/master/price-lists/${id}`, list)).status).toBe(201);
    expect((await put(`/v1/master/price-lists/${id}`, { ...list, prices: [{ sku: a, unitPrice: "11.00" }], version: 2 })).status).toBe(200);
    expect((await put(`/v1/master/price-lists/${id}`, { ...list, version: 1 })).status).toBe(409);
    expect(await (await get(`/v1/master/price-lists/${id}`, reader)).json()).toMatchObject({ id, version: 2, prices: [{ sku: a, unitPrice: "11.00" }] });
    const bad = await put(`/v1/master/price-lists/${id}`, { ...list, priceGroup: "dealers", validTo: "2025-01-01T00:00:00Z", prices: [{ sku: a, unitPrice: "1e3" }], version: 9 });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path).sort()).toEqual(["channel", "prices.0.unitPrice", "validTo"]);
    expect((await put(`/v1/master/price-lists/${id}`, { ...list, prices: [{ sku: "'; DROP TABLE master_prices; --", unitPrice: "1.00" }], version: 3 })).status).toBe(200);
    expect(await (await get(`/v1/master/price-lists/${id}`, reader)).json()).toMatchObject({ version: 3, prices: [{ sku: "'; DROP TABLE master_prices; --", unitPrice: "1.00" }] });
  });
});
