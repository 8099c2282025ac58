// The API document against the real answers. Every answer any test gets is already checked
// against the document (test/contract.ts); this file makes sure every declared route is called
// at least once with a request that succeeds, so no route escapes that check. A route added
// without an entry here fails the first test.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { declaredRoutes } from "../lib/api";
import { ADMIN, admin, call, createKey, postOrder, stockedOrder, uid, waitForOrder } from "./helpers";

type Ctx = { key: string; orderId: string; sku: string };
/** A Standard Webhooks WMS for a location of its own (a location has one fulfiller). */
const fulfillerBody = () => ({ kind: "standard", locations: [uid("LOC")], url: "https://wms.example.com/releases", secret: "whsec_ZnVsZmlsbGVyLWNvbnRyYWN0LXNlY3JldA==" });
/** A generic-HTTP ERP connection on the test ERP simulator (not the default: orders keep going to ERP_URL). */
const erpBody = () => ({ kind: "http", baseUrl: (env as unknown as { ERP_URL: string }).ERP_URL, credentials: { token: "test-erp-token" } });
const get = (path: string, key: string) => call(path, { headers: { authorization: `Bearer ${key}` } });
const post = (path: string, key: string, json?: unknown) => call(path, { method: "POST", headers: { authorization: `Bearer ${key}` }, ...(json !== undefined ? { json } : {}) });

const exercises: Record<string, (c: Ctx) => Promise<Response>> = {
  "GET /healthz": () => call("/healthz"),
  "GET /": () => call("/"),
  "GET /openapi.json": () => call("/openapi.json"),
  "GET /problems/{slug}": () => call("/problems/validation-failed"),
  "GET /ops": () => call("/ops"),
  "GET /metrics": (c) => get("/metrics", c.key),
  "GET /v1/ops/summary": (c) => get("/v1/ops/summary", c.key),
  "GET /v1/ops/backlog": (c) => get("/v1/ops/backlog", c.key),
  "GET /v1/ops/publishing": (c) => get("/v1/ops/publishing?limit=0", c.key),
  "GET /v1/ops/exceptions": (c) => get("/v1/ops/exceptions", c.key),
  "GET /v1/ops/dead-letters": (c) => get("/v1/ops/dead-letters?state=open", c.key),
  "POST /v1/ops/dead-letters/{id}/replay": async () => {
    // No dead letter exists in a fresh run: the documented 404 is the answer to check here.
    return admin("/v1/ops/dead-letters/dlq_none/replay?dryRun=true", "POST");
  },
  // Scoped to nothing of anybody's: an unscoped run would compare (and heal) other files' orders.
  "POST /v1/ops/reconcile": () => admin("/v1/ops/reconcile", "POST", { channels: ["openapi-nobody"], skus: ["openapi-nobody"], heal: false }),
  "POST /v1/orders": async (c) => postOrder(c.key, await stockedOrder()),
  "GET /v1/orders": async (c) => {
    const body = await stockedOrder();
    await postOrder(c.key, body);
    return get(`/v1/orders?channel=${body.channel}&externalId=${body.externalId}`, c.key);
  },
  "GET /v1/orders/{id}": (c) => get(`/v1/orders/${c.orderId}`, c.key),
  "GET /v1/channels/{channel}/orders/{externalId}": async (c) => {
    const body = await stockedOrder();
    await postOrder(c.key, body);
    return get(`/v1/channels/${body.channel}/orders/${encodeURIComponent(body.externalId)}`, c.key);
  },
  "POST /v1/orders/{id}/cancel": async (c) => {
    const r = (await (await postOrder(c.key, await stockedOrder())).json()) as { orderId: string };
    return post(`/v1/orders/${r.orderId}/cancel`, c.key, { reason: "contract test" });
  },
  "POST /v1/shipments": (c) => post("/v1/shipments", c.key, { eventId: uid("ev"), orderId: c.orderId, source: "wms", type: "acknowledged", location: "DC1", lines: [] }),
  "POST /v1/returns": (c) => post("/v1/returns", c.key, { eventId: uid("rt"), orderId: c.orderId, lines: [{ sku: c.sku, quantity: 1 }], reason: "not returnable yet" }),
  "POST /v1/inventory/events": (c) =>
    post("/v1/inventory/events", c.key, { events: [{ eventId: uid("e"), source: "erp", type: "snapshot", sku: uid("SKU"), location: "DC1", asOf: new Date().toISOString(), quantities: { onHand: 3 } }] }),
  "GET /v1/inventory/{sku}": (c) => get(`/v1/inventory/${c.sku}`, c.key),
  "GET /v1/availability/{sku}": (c) => get(`/v1/availability/${c.sku}?channel=b2b-portal`, c.key),
  "POST /v1/availability/query": (c) => post("/v1/availability/query", c.key, { channel: "b2b-portal", skus: [c.sku] }),
  "POST /v1/webhooks/{connectionId}": async () => {
    const id = uid("std");
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "standard", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" });
    return call(`/v1/webhooks/${id}`, { method: "POST", body: "{}" }); // unsigned: the documented 401
  },
  "POST /v1/edi/{connectionId}": async () => {
    const id = uid("edi");
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "x12", secret: "edi-contract-secret" });
    return call(`/v1/edi/${id}`, { method: "POST", headers: { authorization: "Bearer edi-contract-secret", "content-type": "application/edi-x12" }, body: "garbage" });
  },
  "PUT /v1/admin/connections/{id}": () => admin(`/v1/admin/connections/${uid("c")}`, "PUT", { kind: "shopify", secret: "shpss_contract" }),
  "POST /v1/admin/connections/{id}/rotate": async () => {
    const id = uid("c");
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "shopify", secret: "shpss_contract" });
    return admin(`/v1/admin/connections/${id}/rotate`, "POST", { secret: "shpss_contract_2" });
  },
  "GET /v1/admin/connections": () => admin("/v1/admin/connections", "GET"),
  "GET /v1/admin/connections/{id}": async () => {
    const id = uid("c");
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "woocommerce", secret: "woo-contract-secret" });
    return admin(`/v1/admin/connections/${id}`, "GET");
  },
  "POST /v1/admin/api-keys": () => admin("/v1/admin/api-keys", "POST", { name: uid("k"), scopes: ["orders:read"] }),
  "GET /v1/admin/api-keys": () => admin("/v1/admin/api-keys", "GET"),
  "DELETE /v1/admin/api-keys/{id}": async () => {
    const { id } = (await (await admin("/v1/admin/api-keys", "POST", { name: uid("k"), scopes: ["orders:read"] })).json()) as { id: string };
    return admin(`/v1/admin/api-keys/${id}`, "DELETE");
  },
  "PUT /v1/admin/channels/{channel}/policy": () => admin(`/v1/admin/channels/${uid("ch")}/policy`, "PUT", { locations: ["DC1"] }),
  "GET /v1/admin/channels/{channel}/policy": async () => {
    const ch = uid("ch");
    await admin(`/v1/admin/channels/${ch}/policy`, "PUT", { locations: ["DC1"], percent: 50 });
    return admin(`/v1/admin/channels/${ch}/policy`, "GET");
  },
  "GET /v1/admin/channels": () => admin("/v1/admin/channels", "GET"),
  "PUT /v1/admin/subscriptions/{id}": () => admin(`/v1/admin/subscriptions/${uid("s")}`, "PUT", { url: "https://hooks.example.com/x", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", events: ["nothing.happens"] }),
  "GET /v1/admin/subscriptions": () => admin("/v1/admin/subscriptions", "GET"),
  "PUT /v1/admin/erp-connections/{id}": () => admin(`/v1/admin/erp-connections/${uid("erp")}`, "PUT", erpBody()),
  "GET /v1/admin/erp-connections": () => admin("/v1/admin/erp-connections", "GET"),
  "GET /v1/admin/erp-connections/{id}": async () => {
    const id = uid("erp");
    await admin(`/v1/admin/erp-connections/${id}`, "PUT", erpBody());
    return admin(`/v1/admin/erp-connections/${id}`, "GET");
  },
  "DELETE /v1/admin/erp-connections/{id}": async () => {
    const id = uid("erp");
    await admin(`/v1/admin/erp-connections/${id}`, "PUT", erpBody());
    return admin(`/v1/admin/erp-connections/${id}`, "DELETE");
  },
  "POST /v1/admin/erp-connections/{id}/test": async () => {
    const id = uid("erp");
    await admin(`/v1/admin/erp-connections/${id}`, "PUT", erpBody());
    return admin(`/v1/admin/erp-connections/${id}/test`, "POST");
  },
  "POST /v1/admin/erp-connections/{id}/poll": async () => {
    const id = uid("erp");
    await admin(`/v1/admin/erp-connections/${id}`, "PUT", erpBody());
    return admin(`/v1/admin/erp-connections/${id}/poll`, "POST");
  },
  "GET /v1/admin/erp-connections/{id}/poll": async () => {
    const id = uid("erp");
    await admin(`/v1/admin/erp-connections/${id}`, "PUT", erpBody());
    return admin(`/v1/admin/erp-connections/${id}/poll`, "GET");
  },
  "POST /v1/orders/{id}/retry-erp": (c) => admin(`/v1/orders/${c.orderId}/retry-erp`, "POST"),
  "PUT /v1/admin/fulfillers/{id}": () => admin(`/v1/admin/fulfillers/${uid("f")}`, "PUT", fulfillerBody()),
  "GET /v1/admin/fulfillers": () => admin("/v1/admin/fulfillers", "GET"),
  "GET /v1/admin/fulfillers/{id}": async () => {
    const id = uid("f");
    await admin(`/v1/admin/fulfillers/${id}`, "PUT", fulfillerBody());
    return admin(`/v1/admin/fulfillers/${id}`, "GET");
  },
  "DELETE /v1/admin/fulfillers/{id}": async () => {
    const id = uid("f");
    await admin(`/v1/admin/fulfillers/${id}`, "PUT", fulfillerBody());
    return admin(`/v1/admin/fulfillers/${id}`, "DELETE");
  },
  "GET /v1/edi/{connectionId}/documents": async () => {
    const id = uid("edi");
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "x12", secret: "edi-documents-secret" });
    return call(`/v1/edi/${id}/documents`, { headers: { authorization: "Bearer edi-documents-secret" } });
  },
  "POST /v1/returns/{rmaId}/receipt": (c) => post(`/v1/returns/rma_${"0".repeat(64)}_1/receipt`, c.key, { lines: [{ sku: c.sku, quantity: 1, disposition: "restock" }] }),
  "PUT /v1/master/products/{sku}": () => admin(`/v1/master/products/${uid("MD")}`, "PUT", { status: "active", units: [{ code: "case", each: 12 }], version: 1 }),
  "GET /v1/master/products/{sku}": async (c) => {
    const sku = uid("MD");
    await admin(`/v1/master/products/${sku}`, "PUT", { status: "active", version: 1 });
    return get(`/v1/master/products/${sku}`, c.key);
  },
  "POST /v1/master/products": () => call("/v1/master/products", { method: "POST", headers: { ...ADMIN, "content-type": "application/x-ndjson" }, body: `{"sku":"${uid("MD")}","status":"active","version":1}\n` }),
  "PUT /v1/master/customers/{id}": () => admin(`/v1/master/customers/${uid("C")}`, "PUT", { name: "Contract Co", version: 1 }),
  "GET /v1/master/customers/{id}": async (c) => {
    const id = uid("C");
    await admin(`/v1/master/customers/${id}`, "PUT", { name: "Contract Co", version: 1 });
    return get(`/v1/master/customers/${id}`, c.key);
  },
  "POST /v1/master/customers": () => call("/v1/master/customers", { method: "POST", headers: { ...ADMIN, "content-type": "application/x-ndjson" }, body: `{"id":"${uid("C")}","name":"Bulk Co","version":1}\n` }),
  "PUT /v1/master/price-lists/{id}": () => admin(`/v1/master/price-lists/${uid("pl")}`, "PUT", { channel: uid("ch"), currency: "USD", validFrom: "2026-01-01T00:00:00Z", prices: [{ sku: uid("MD"), unitPrice: "1.00" }], version: 1 }),
  "GET /v1/master/price-lists/{id}": async (c) => {
    const id = uid("pl");
    await admin(`/v1/master/price-lists/${id}`, "PUT", { priceGroup: "contract", currency: "USD", validFrom: "2026-01-01T00:00:00Z", prices: [], version: 1 });
    return get(`/v1/master/price-lists/${id}`, c.key);
  },
  "POST /v1/inventory/snapshots": (c) =>
    call("/v1/inventory/snapshots", { method: "POST", headers: { authorization: `Bearer ${c.key}`, "content-type": "application/x-ndjson" }, body: `{"sku":"${uid("SNAP")}","location":"DC1","asOf":"2026-01-01T00:00:00Z","quantities":{"onHand":5}}\nnot json\n` }),
  "GET /v1/jobs/{jobId}": async (c) => {
    const r = await call("/v1/inventory/snapshots", { method: "POST", headers: { authorization: `Bearer ${c.key}`, "content-type": "application/x-ndjson" }, body: `{"sku":"${uid("SNAP")}","location":"DC1","asOf":"2026-01-01T00:00:00Z","quantities":{"onHand":5}}\n` });
    return get(`/v1/jobs/${((await r.json()) as { jobId: string }).jobId}`, c.key);
  },
  "GET /v1/admin/audit": () => admin("/v1/admin/audit?resource=channel_policy&limit=5", "GET"),
  "DELETE /v1/admin/subscriptions/{id}": async () => {
    const id = uid("s");
    await admin(`/v1/admin/subscriptions/${id}`, "PUT", { url: "https://hooks.example.com/x", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", events: ["nothing.happens"] });
    return admin(`/v1/admin/subscriptions/${id}`, "DELETE");
  },
};

describe("the API document", () => {
  it("has an exercise for every declared route (a new route needs one here)", () => {
    const declared = [...new Set(declaredRoutes.map((r) => `${r.method.toUpperCase()} ${r.path}`))].sort();
    expect(declared.filter((r) => !exercises[r])).toEqual([]);
    expect(Object.keys(exercises).filter((r) => !declared.includes(r))).toEqual([]);
  });

  it("matches the real answer of every route (status documented, body per its schema)", async () => {
    const key = await createKey(["orders:write", "orders:read", "ops:read", "inventory:write", "availability:read", "shipments:write", "returns:write"]);
    const body = await stockedOrder();
    const first = (await (await postOrder(key, body)).json()) as { orderId: string };
    await waitForOrder(key, first.orderId, (o) => o.status === "erp_accepted");
    const ctx: Ctx = { key, orderId: first.orderId, sku: (body.lines as { sku: string }[])[0]!.sku };
    const failures: string[] = [];
    for (const [route, run] of Object.entries(exercises)) {
      const res = await run(ctx);
      // test/contract.ts turns any answer the document does not describe into a 599.
      if (res.status === 599) failures.push(`${route}: ${((await res.json()) as { detail: string }).detail}`);
      else await res.body?.cancel();
    }
    expect(failures).toEqual([]);
  });

  it("serves a valid OpenAPI 3.1 document with its problem types", async () => {
    const doc = (await (await call("/openapi.json")).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toContain("/v1/orders/{id}");
    const problem = (await (await call("/problems/conflict")).json()) as { status: number; title: string };
    expect(problem).toMatchObject({ status: 409, title: "Conflict" });
    expect((await call("/problems/nope")).status).toBe(404);
  });
});
