// Odoo connector against two loopback Odoo stubs (scripts/stubs/odoo.mjs): a 19 server for JSON-2
// and a 17 server (no /json/2) for JSON-RPC. One conformance run per transport.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { newOrderId, okValue, runConnectorConformance } from "../testing/conformance";
import type { ConformanceHarness } from "../testing/harness";
import type { ErpConnectionConfig, ErpOrder } from "../types";
import { createOdooConnector } from "./index";

const { ODOO19_STUB_URL: ODOO19, ODOO17_STUB_URL: ODOO17 } = env as unknown as { ODOO19_STUB_URL: string; ODOO17_STUB_URL: string };
const versionOf = (url: string) => (url === ODOO19 ? 19 : 17);

async function control(url: string, path: string, body?: unknown, method = "POST") {
  const res = await fetch(`${url}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json() as Promise<Record<string, unknown>>;
}

type Db = { url: string; name: string; apiKey: string };
async function database(url: string, extra: Record<string, unknown> = {}): Promise<Db> {
  const db = { url, name: `acme_${crypto.randomUUID().slice(0, 8)}`, apiKey: `odoo-key-${crypto.randomUUID()}` };
  await control(url, "/_stub/databases", {
    name: db.name,
    apiKey: db.apiKey,
    login: "bot@acme.example",
    warehouses: [{ code: "WH2", name: "Overflow" }],
    partners: [{ ref: "C-1001", name: "Deco Addict" }],
    products: [{ default_code: "FURN_0001", name: "Office Chair" }, { default_code: "FURN_0002", name: "Desk Lamp" }],
    ...extra,
  });
  return db;
}

const odooConfig = (db: Db, settings: Record<string, unknown> = {}, apiKey = db.apiKey): ErpConnectionConfig => ({
  id: `odoo-${crypto.randomUUID()}`,
  kind: "odoo",
  baseUrl: db.url,
  credentials: { apiKey, database: db.name, username: "bot@acme.example" },
  settings: { version: versionOf(db.url), callsPerSecond: 50, pageSize: 2, locations: { DC1: "WH" }, ...settings },
});

function harness(url: string) {
  return async (): Promise<ConformanceHarness> => {
    const db = await database(url);
    const fault = (f: Record<string, unknown>) => control(url, "/_stub/faults", { db: db.name, model: "sale.order", method: "create", ...f }).then(() => undefined);
    const dbPath = `/_stub/db/${db.name}`;
    return {
      factory: createOdooConnector,
      config: odooConfig(db),
      badCredentials: odooConfig(db, {}, "not-the-api-key"),
      customer: "C-1001",
      unknownCustomer: "C-NOBODY",
      skus: ["FURN_0001", "FURN_0002"],
      unknownSku: "FURN_9999",
      location: { switchyard: "DC1", erp: "WH" },
      unmappedErpLocation: "WH2",
      stockModel: "per-location",
      secrets: () => [db.apiKey],
      injectTimeoutOnNextCreate: () => fault({ delayMs: 4000, afterCommit: true }),
      injectRejectionOnNextCreate: async () => {
        await fault({ name: "odoo.exceptions.ValidationError", status: 422, message: "Deco Addict is over its credit limit" });
        return "over its credit limit";
      },
      injectThrottleOnNextCreate: (_orderId, seconds) => fault({ status: 429, retryAfter: seconds }),
      countOrders: async (orderId) => (await control(url, `${dbPath}/orders?client_order_ref=${orderId}`, undefined, "GET")).count as number,
      setStock: async (rows) => {
        for (const r of rows) await control(url, `${dbPath}/quants`, { default_code: r.sku, warehouse: r.erpLocation, quantity: r.onHand, reserved: r.committed });
      },
      ship: (ref) => control(url, `${dbPath}/deliver`, { saleId: ref.erpOrderId }).then(() => undefined),
      makeUncancellable: (ref) => control(url, `${dbPath}/lock`, { saleId: ref.erpOrderId }).then(() => undefined),
    };
  };
}

runConnectorConformance("odoo 19 (JSON-2)", harness(ODOO19));
runConnectorConformance("odoo 17 (JSON-RPC)", harness(ODOO17));

const order = (over: Partial<ErpOrder> = {}): ErpOrder => {
  const orderId = newOrderId();
  return { orderId, orchestrationId: "orc-1", version: 1, channel: "web", externalId: orderId, customer: { id: "C-1001" }, currency: "EUR", lines: [{ lineNo: 1, sku: "FURN_0001", quantity: 2, location: "DC1" }], ...over };
};
type Call = { at: number; transport: string; model: string; method: string; db?: string; status: number };
const calls = async (url: string, since: number, db: string) => ((await control(url, `/_stub/calls?since=${since}`, undefined, "GET")).calls as Call[]).filter((c) => c.db === db);
const deps = { fetch: (...a: Parameters<typeof fetch>) => fetch(...a), now: Date.now, timeoutMs: 1500 };

for (const url of [ODOO19, ODOO17]) {
  const wire = url === ODOO19 ? "JSON-2" : "JSON-RPC";
  describe(`odoo over ${wire}`, () => {
    it("cancels through the sale.order.cancel wizard when action_cancel answers with it", async () => {
      const db = await database(url);
      const erp = createOdooConnector(odooConfig(db), deps);
      const o = order();
      const booked = okValue(await erp.createOrder(o));
      await control(url, "/_stub/faults", { db: db.name, model: "sale.order", method: "action_cancel", wizard: true });
      const since = Date.now();
      expect(okValue(await erp.cancelOrder({ erpOrderId: booked.erpOrderId, orderId: o.orderId }))).toEqual({ state: "cancelled" });
      const seen = (await calls(url, since, db.name)).map((c) => `${c.model}/${c.method}`);
      expect(seen).toEqual(expect.arrayContaining(["sale.order/action_cancel", "sale.order.cancel/create", "sale.order.cancel/action_cancel"]));
      expect((await control(url, `/_stub/db/${db.name}/orders?client_order_ref=${o.orderId}`, undefined, "GET")).orders).toMatchObject([{ state: "cancel" }]);
    });

    it("a locked order's UserError is not_cancellable, in Odoo's words, without its traceback", async () => {
      const db = await database(url);
      const erp = createOdooConnector(odooConfig(db), deps);
      const o = order();
      const booked = okValue(await erp.createOrder(o));
      await control(url, `/_stub/db/${db.name}/lock`, { saleId: booked.erpOrderId });
      const r = await erp.cancelOrder({ erpOrderId: booked.erpOrderId, orderId: o.orderId });
      expect(r).toMatchObject({ kind: "rejected", code: "not_cancellable" });
      expect(r.kind === "rejected" && r.reason).toContain("You cannot cancel a locked order");
      expect(JSON.stringify(r)).not.toContain("Traceback");
    });

    it("spaces calls by settings.callsPerSecond, measured from the stub's arrival times", async () => {
      const db = await database(url);
      const erp = createOdooConnector(odooConfig(db, { callsPerSecond: 5 }), deps);
      const since = Date.now();
      okValue(await erp.createOrder(order()));
      const at = (await calls(url, since, db.name)).map((c) => c.at);
      expect(at.length).toBeGreaterThanOrEqual(5);
      // Arrival times carry loopback and scheduling jitter (the stubs share one busy Node process
      // with the test runner): no burst (unthrottled calls arrive a few ms apart) and the whole run
      // no faster than 5 calls a second.
      const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
      expect(Math.min(...gaps)).toBeGreaterThanOrEqual(100);
      expect((at.at(-1) as number) - (at[0] as number)).toBeGreaterThanOrEqual((at.length - 1) * 200 - 20);
    });

    it("a confirm lost after the create committed: the next attempt confirms the draft, never a second order", async () => {
      const db = await database(url);
      const erp = createOdooConnector(odooConfig(db), deps);
      const o = order();
      await control(url, "/_stub/faults", { db: db.name, model: "sale.order", method: "action_confirm", delayMs: 4000 });
      expect(await erp.createOrder(o)).toMatchObject({ kind: "retry" });
      const path = `/_stub/db/${db.name}/orders?client_order_ref=${o.orderId}`;
      expect((await control(url, path, undefined, "GET")).orders).toMatchObject([{ state: "draft" }]);
      await new Promise((r) => setTimeout(r, 2600)); // the stub's delayed confirm lands; a real Odoo would have rolled it back or committed it
      const again = okValue(await erp.createOrder(o));
      expect(again).toMatchObject({ created: false, state: "confirmed" });
      expect((await control(url, path, undefined, "GET")).count).toBe(1);
    });

    it("stock in a child location of the warehouse counts for it (child_of)", async () => {
      const db = await database(url);
      const erp = createOdooConnector(odooConfig(db), deps);
      await control(url, `/_stub/db/${db.name}/quants`, { default_code: "FURN_0002", warehouse: "WH", sublocation: "Shelf 1", quantity: 4, reserved: 1 });
      await control(url, `/_stub/db/${db.name}/quants`, { default_code: "FURN_0002", warehouse: "WH", quantity: 6 });
      const page = okValue(await erp.stockByLocation({ skus: ["FURN_0002", "NOT-IN-ODOO"] }));
      expect(page.items).toEqual([{ sku: "FURN_0002", location: "DC1", onHand: 10, committed: 1 }]);
    });

    it("creates the partner with settings.customers: create", async () => {
      const db = await database(url);
      const erp = createOdooConnector(odooConfig(db, { customers: "create" }), deps);
      const o = order({ customer: { id: "C-NEW-9", name: "Gemini Furniture", email: "ap@gemini.example" }, billTo: { name: "Gemini Furniture", line1: "1 Quay St", city: "Leeds", postalCode: "LS1 1AA", country: "GB" } });
      expect(okValue(await erp.createOrder(o)).created).toBe(true);
      expect(okValue(await erp.createOrder({ ...order(), customer: { id: "C-NEW-9" } })).created).toBe(true);
    });
  });
}

describe("odoo: transports and credentials", () => {
  it("JSON-2 sends the API key as bearer and the database header", async () => {
    const db = await database(ODOO19);
    const erp = createOdooConnector(odooConfig(db), deps);
    expect(okValue(await erp.health())).toMatchObject({ version: "19.0", detail: expect.stringContaining("JSON-2") });
    const wrongDb = createOdooConnector({ ...odooConfig(db), credentials: { apiKey: db.apiKey, database: "someone_else" } }, deps);
    expect(await wrongDb.health()).toMatchObject({ kind: "config", httpStatus: 401 });
  });

  it("version 19 settings against an Odoo 17 (no /json/2) is config, not a retry storm", async () => {
    const db = await database(ODOO17);
    const erp = createOdooConnector({ ...odooConfig(db), settings: { version: 19 } }, deps);
    expect((await erp.health()).kind).toBe("config");
  });

  it("JSON-RPC: a revoked key logs in once more, then is config", async () => {
    const db = await database(ODOO17);
    const erp = createOdooConnector(odooConfig(db), deps);
    okValue(await erp.health());
    okValue(await erp.getOrder({ orderId: newOrderId() }));
    await control(ODOO17, `/_stub/db/${db.name}/revoke`, { apiKey: db.apiKey });
    const since = Date.now();
    const r = await erp.getOrder({ orderId: newOrderId() });
    expect(r).toMatchObject({ kind: "config", reason: expect.stringContaining("refused the login") });
    expect((await calls(ODOO17, since, db.name)).map((c) => `${c.model}.${c.method}`)).toEqual(["sale.order.search_read", "common.authenticate"]);
  });

  it("JSON-RPC: an unknown database is config", async () => {
    const db = await database(ODOO17);
    const erp = createOdooConnector({ ...odooConfig(db), credentials: { apiKey: db.apiKey, database: "nope", username: "bot@acme.example" } }, deps);
    expect(await erp.health()).toMatchObject({ kind: "config", reason: expect.stringContaining("does not exist") });
  });

  it("a 503 from the proxy in front of Odoo is a retry with its Retry-After", async () => {
    const db = await database(ODOO19);
    const erp = createOdooConnector(odooConfig(db), deps);
    await control(ODOO19, "/_stub/faults", { db: db.name, model: "sale.order", method: "search_read", status: 503, retryAfter: 20 });
    expect(await erp.getOrder({ orderId: newOrderId() })).toMatchObject({ kind: "retry", retryAfterSeconds: 20, httpStatus: 503 });
  });
});
