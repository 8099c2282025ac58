// Business Central connector against the loopback BC stub (scripts/stubs/business-central.mjs),
// which answers in the shapes of Microsoft's documented examples (test/fixtures/erp/business-central).
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import batchWithError from "../../../test/fixtures/erp/business-central/docs_batch_response_with_error.jsonc?raw";
import orderFixture from "../../../test/fixtures/erp/business-central/docs_v2.0_salesOrder_get_response.json";
import lineFixture from "../../../test/fixtures/erp/business-central/docs_v2.0_salesOrderLine_create_response.json";
import { newOrderId, okValue, runConnectorConformance } from "../testing/conformance";
import type { ConformanceHarness } from "../testing/harness";
import type { ErpConnectionConfig, ErpOrder } from "../types";
import { bcFailure } from "./client";
import { createBusinessCentralConnector } from "./index";
import { toOrderStatus } from "./orders";

const BC = (env as unknown as { BC_STUB_URL: string }).BC_STUB_URL;
const STOCK_PAGE = "api/switchyard/stock/v1.0/companies({companyId})/itemStockByLocation";

async function control(path: string, body?: unknown, method = "POST") {
  const res = await fetch(`${BC}${path}`, { method, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json() as Promise<Record<string, unknown>>;
}

type Tenant = { tenantId: string; clientId: string; clientSecret: string; environment: string; companyId: string };
async function tenant(over: Partial<Tenant> & { tokenTtlSeconds?: number } = {}): Promise<Tenant> {
  const t = { tenantId: crypto.randomUUID(), clientId: crypto.randomUUID(), clientSecret: `bc-secret-${crypto.randomUUID()}`, environment: "sandbox", companyId: crypto.randomUUID(), ...over };
  await control("/_stub/tenants", t);
  await control(`/_stub/companies/${t.companyId}/seed`, {
    customers: [{ number: "10000", displayName: "Adatum Corporation" }, { number: "O'NEIL", displayName: "O'Neil Supplies" }],
    items: [{ number: "BIKE-100", unitPrice: 12.5 }, { number: "BIKE-200", unitPrice: 4 }],
    locations: [{ code: "MAIN" }, { code: "OVERFLOW" }],
  });
  return t;
}

const bcConfig = (t: Tenant, settings: Record<string, unknown> = {}, secret = t.clientSecret): ErpConnectionConfig => ({
  id: `bc-${crypto.randomUUID()}`,
  kind: "business-central",
  baseUrl: BC,
  credentials: { tenantId: t.tenantId, clientId: t.clientId, clientSecret: secret, tokenUrl: `${BC}/${t.tenantId}/oauth2/v2.0/token` },
  settings: { environment: t.environment, companyId: t.companyId, locations: { DC1: "MAIN" }, pageSize: 2, ...settings },
});

function harness(settings: Record<string, unknown>, stockModel: "total" | "per-location") {
  return async (): Promise<ConformanceHarness> => {
    const t = await tenant();
    const fault = (f: Record<string, unknown>) => control("/_stub/faults", { method: "POST", path: "salesOrders", ...f }).then(() => undefined);
    return {
      factory: createBusinessCentralConnector,
      config: bcConfig(t, settings),
      badCredentials: bcConfig(t, settings, "not-the-client-secret"),
      customer: "10000",
      unknownCustomer: "99999",
      skus: ["bike-100", "BIKE-200"],
      unknownSku: "NO-SUCH-BIKE",
      location: { switchyard: "DC1", erp: "MAIN" },
      unmappedErpLocation: "OVERFLOW",
      stockModel,
      secrets: async () => [t.clientSecret, ...((await control(`/_stub/tokens?tenantId=${t.tenantId}`, undefined, "GET")).tokens as string[])],
      injectTimeoutOnNextCreate: (orderId) => fault({ bodyIncludes: orderId, delayMs: 4000, afterCommit: true }),
      injectRejectionOnNextCreate: async (orderId) => {
        await fault({ bodyIncludes: orderId, status: 400, code: "Application_DialogException", message: "You cannot create this type of document when Customer 10000 is blocked with type All" });
        return "blocked with type All";
      },
      injectThrottleOnNextCreate: (orderId, seconds) => fault({ bodyIncludes: orderId, status: 429, code: "Application_TooManyRequests", message: "Too many requests reached.", retryAfter: seconds }),
      countOrders: async (orderId) => (await control(`/_stub/companies/${t.companyId}/orders?externalDocumentNumber=${orderId}`, undefined, "GET")).count as number,
      setStock: async (rows) => {
        for (const r of rows) await control(`/_stub/companies/${t.companyId}/stock`, { itemNumber: r.sku, locationCode: r.erpLocation, quantity: r.onHand, reserved: r.committed });
      },
      ship: (ref) => control(`/_stub/companies/${t.companyId}/ship`, { orderNumber: ref.erpOrderId }).then(() => undefined),
      makeUncancellable: (ref) => control(`/_stub/companies/${t.companyId}/ship`, { orderNumber: ref.erpOrderId }).then(() => undefined),
    };
  };
}

runConnectorConformance("business-central (all-locations totals)", harness({ totalsLocation: "DC1" }, "total"));
runConnectorConformance("business-central (per-location stock page)", harness({ stockEndpoint: STOCK_PAGE }, "per-location"));

const order = (over: Partial<ErpOrder> = {}): ErpOrder => {
  const orderId = newOrderId();
  return { orderId, orchestrationId: "orc-1", version: 1, channel: "web", externalId: orderId, customer: { id: "10000" }, currency: "EUR", lines: [{ lineNo: 1, sku: "BIKE-100", quantity: 2, location: "DC1" }], ...over };
};
const calls = async (since: number, match: string) => ((await control(`/_stub/calls?since=${since}`, undefined, "GET")).calls as { method: string; path: string; status: number }[]).filter((c) => c.path.includes(match));

describe("business-central: tokens", () => {
  it("N calls take one token; a token about to expire is refreshed", async () => {
    const t = await tenant();
    let clock = Date.now();
    const erp = createBusinessCentralConnector(bcConfig(t), { fetch: (...a) => fetch(...a), now: () => clock });
    const since = Date.now();
    for (let i = 0; i < 5; i++) okValue(await erp.health());
    expect(await calls(since, `/${t.tenantId}/oauth2/v2.0/token`)).toHaveLength(1);
    clock += 3599_000 - 60_000; // inside the last two minutes of the token's hour
    okValue(await erp.health());
    expect(await calls(since, `/${t.tenantId}/oauth2/v2.0/token`)).toHaveLength(2);
  });

  it("concurrent first calls share one token request", async () => {
    const t = await tenant();
    const erp = createBusinessCentralConnector(bcConfig(t), { fetch: (...a) => fetch(...a), now: Date.now });
    const since = Date.now();
    await Promise.all([erp.health(), erp.health(), erp.health()]);
    expect(await calls(since, `/${t.tenantId}/oauth2/v2.0/token`)).toHaveLength(1);
  });

  it("a 401 with a cached token refreshes once; a secret BC's tenant no longer accepts is config", async () => {
    const t = await tenant();
    const erp = createBusinessCentralConnector(bcConfig(t), { fetch: (...a) => fetch(...a), now: Date.now });
    okValue(await erp.health());
    await control("/_stub/tokens/revoke", { tenantId: t.tenantId });
    // By position in this tenant's call log, not by clock: the Worker's Date.now() stands still
    // between I/O, so the health call above can be logged after a `since` taken here.
    const apiCalls = async () => (await calls(0, `/v2.0/${t.tenantId}/`)).filter((c) => c.path.includes("/api/v2.0/"));
    const before = (await apiCalls()).length;
    okValue(await erp.health());
    expect((await apiCalls()).slice(before).map((c) => c.status)).toEqual([401, 200]);
    await control("/_stub/tokens/revoke", { tenantId: t.tenantId });
    await control("/_stub/tenants", { ...t, clientSecret: "rotated-in-entra" });
    const r = await erp.health();
    expect(r).toMatchObject({ kind: "config", httpStatus: 401 });
    expect(r.kind === "config" && r.reason).toContain("AADSTS7000215");
  });

  it("an unknown tenant is config, with Entra's own words and no secret", async () => {
    const t = await tenant();
    const erp = createBusinessCentralConnector(bcConfig({ ...t, tenantId: "contoso-typo" }), { fetch: (...a) => fetch(...a), now: Date.now });
    const r = await erp.health();
    expect(r).toMatchObject({ kind: "config" });
    expect(JSON.stringify(r)).toContain("AADSTS90002");
    expect(JSON.stringify(r)).not.toContain(t.clientSecret);
  });
});

describe("business-central: orders", () => {
  const setup = async (settings: Record<string, unknown> = {}) => {
    const t = await tenant();
    return { t, erp: createBusinessCentralConnector(bcConfig(t, settings), { fetch: (...a) => fetch(...a), now: Date.now, timeoutMs: 1500 }) };
  };

  it("books header and lines in one deep insert, after one lookup by externalDocumentNumber", async () => {
    const { erp } = await setup();
    const o = order({ lines: [{ lineNo: 1, sku: "BIKE-100", quantity: 2, location: "DC1" }, { lineNo: 2, sku: "BIKE-200", quantity: 1 }] });
    const since = Date.now();
    okValue(await erp.createOrder(o));
    const api = await calls(since, "/salesOrders");
    expect(api.map((c) => c.method)).toEqual(["GET", "POST"]);
    expect(decodeURIComponent(api[0]?.path ?? "")).toContain(`externalDocumentNumber eq '${o.orderId.toUpperCase()}'`);
    expect(await calls(since, "salesOrderLines?")).toEqual([]);
  });

  it("the booked order in BC has the documented salesOrder and salesOrderLine shape", async () => {
    const { t, erp } = await setup();
    const o = order();
    const booked = okValue(await erp.createOrder(o));
    const tok = ((await control(`/_stub/tokens?tenantId=${t.tenantId}`, undefined, "GET")).tokens as string[])[0];
    const res = await fetch(`${BC}/v2.0/${t.tenantId}/${t.environment}/api/v2.0/companies(${t.companyId})/salesOrders?$filter=number eq '${booked.erpOrderId}'&$expand=salesOrderLines`, { headers: { authorization: `Bearer ${tok}` } });
    const row = ((await res.json()) as { value: Record<string, unknown>[] }).value[0] ?? {};
    expect(Object.keys(row)).toEqual(expect.arrayContaining(Object.keys(orderFixture)));
    const line = (row.salesOrderLines as Record<string, unknown>[])[0] ?? {};
    expect(Object.keys(line)).toEqual(expect.arrayContaining(Object.keys(lineFixture)));
    expect(row).toMatchObject({ externalDocumentNumber: o.orderId.toUpperCase(), customerNumber: "10000", status: "Draft" });
  });

  it("escapes quotes in OData filters: customer O'NEIL is found", async () => {
    const { erp } = await setup();
    expect(okValue(await erp.createOrder(order({ customer: { id: "o'neil" } }))).created).toBe(true);
  });

  it("a stale etag on DELETE (409 Request_EntityChanged) re-reads and deletes with the new etag", async () => {
    const { erp } = await setup();
    const o = order();
    const booked = okValue(await erp.createOrder(o));
    await control("/_stub/faults", { method: "DELETE", path: "salesOrders(", touch: true });
    const since = Date.now();
    expect(okValue(await erp.cancelOrder({ erpOrderId: booked.erpOrderId, orderId: o.orderId }))).toEqual({ state: "cancelled" });
    expect((await calls(since, "/salesOrders(")).filter((c) => c.method === "DELETE").map((c) => c.status)).toEqual([409, 204]);
  });

  it("the same with BC answering 412 Precondition Failed", async () => {
    const { t, erp } = await setup();
    await control(`/_stub/companies/${t.companyId}/settings`, { staleEtagStatus: 412 }, "PUT");
    const o = order();
    const booked = okValue(await erp.createOrder(o));
    await control("/_stub/faults", { method: "DELETE", path: "salesOrders(", touch: true });
    const since = Date.now();
    expect(okValue(await erp.cancelOrder({ erpOrderId: booked.erpOrderId, orderId: o.orderId }))).toEqual({ state: "cancelled" });
    expect((await calls(since, "/salesOrders(")).filter((c) => c.method === "DELETE").map((c) => c.status)).toEqual([412, 204]);
  });

  it("an order that keeps changing is a retry after the second conflict, not a loop", async () => {
    const { erp } = await setup();
    const o = order();
    const booked = okValue(await erp.createOrder(o));
    await control("/_stub/faults", { method: "DELETE", path: "salesOrders(", touch: true, times: 2 });
    expect(await erp.cancelOrder({ erpOrderId: booked.erpOrderId, orderId: o.orderId })).toMatchObject({ kind: "retry", httpStatus: 409 });
    expect(okValue(await erp.getOrder({ erpOrderId: booked.erpOrderId, orderId: o.orderId }))?.state).toBe("open");
  });

  it("a shipped order cannot be deleted: not_cancellable with BC's TestField message", async () => {
    const { t, erp } = await setup();
    const o = order();
    const booked = okValue(await erp.createOrder(o));
    await control(`/_stub/companies/${t.companyId}/ship`, { orderNumber: booked.erpOrderId });
    const r = await erp.cancelOrder({ erpOrderId: booked.erpOrderId, orderId: o.orderId });
    expect(r).toMatchObject({ kind: "rejected", code: "not_cancellable", httpStatus: 400 });
    expect(r.kind === "rejected" && r.reason).toContain("Qty. Shipped Not Invoiced must be equal to '0'");
  });

  it("throttling and transient answers are retries with BC's delay; Internal_ServerError too", async () => {
    const { erp } = await setup();
    for (const [status, code] of [[503, "Unknown"], [504, "Unknown"], [500, "Internal_ServerError"]] as const) {
      const o = order();
      await control("/_stub/faults", { method: "POST", path: "salesOrders", bodyIncludes: o.orderId, status, code, message: "try later", retryAfter: 11 });
      expect(await erp.createOrder(o)).toMatchObject({ kind: "retry", httpStatus: status, retryAfterSeconds: 11 });
    }
  });

  it("a 403 (app without BC permission sets) is config after one fresh token", async () => {
    const { t, erp } = await setup();
    await control("/_stub/faults", { method: "GET", path: "companies(", status: 403, code: "Authorization_InsufficientPermissions", message: "You do not have the following permissions on TableData Sales Header: Read", times: 2 });
    const since = Date.now();
    expect(await erp.health()).toMatchObject({ kind: "config", httpStatus: 403 });
    expect(await calls(since, `/${t.tenantId}/oauth2/v2.0/token`)).toHaveLength(2);
    expect(okValue(await erp.health()).detail).toContain("company");
  });

  it("a customer BC lacks is created with settings.customers: create", async () => {
    const { erp } = await setup({ customers: "create" });
    const o = order({ customer: { id: "C-NEW-7", name: "New Customer Ltd", email: "ap@new.example" } });
    expect(okValue(await erp.createOrder(o)).created).toBe(true);
  });

  it("a line at a Switchyard location with no BC mapping is config, before anything is booked", async () => {
    const { erp } = await setup();
    const o = order({ lines: [{ lineNo: 1, sku: "BIKE-100", quantity: 1, location: "DC9" }] });
    expect(await erp.createOrder(o)).toMatchObject({ kind: "config" });
  });

  it("a connection without companyId is config without calling BC", async () => {
    const t = await tenant();
    const cfg = bcConfig(t);
    delete cfg.settings.companyId;
    const since = Date.now();
    const erp = createBusinessCentralConnector(cfg, { fetch: (...a) => fetch(...a), now: Date.now });
    expect(await erp.health()).toMatchObject({ kind: "config", reason: expect.stringContaining("settings.companyId") });
    expect(await calls(since, t.tenantId)).toEqual([]);
  });
});

describe("business-central: documented shapes", () => {
  it("reads Microsoft's salesOrder example as a status", () => {
    expect(toOrderStatus(orderFixture)).toEqual({ erpOrderId: "101005", reference: null, state: "open", erpState: "Draft", updatedAt: "2023-09-02T17:49:38.5Z" });
  });

  it("classifies the 400 part of Microsoft's $batch example as a business rejection with its message", () => {
    const parsed = JSON.parse(batchWithError.replace(/^\s*\/\/.*$/gm, "").replace(/,(\s*[}\]])/g, "$1")) as { responses: { status: number; body?: unknown }[] };
    const part = parsed.responses.find((p) => p.status === 400);
    const r = bcFailure({ ok: true, status: 400, headers: new Headers(), text: "", json: part?.body, retryAfter: null }, "PATCH items", "invalid_order");
    expect(r).toMatchObject({ kind: "rejected", code: "invalid_order", httpStatus: 400 });
    expect(r.kind === "rejected" && r.reason).toContain("'Invalid Type' is not an option");
  });
});
