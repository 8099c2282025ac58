// No secret leaves Switchyard: every secret this test sets (connection secrets, sealed settings,
// subscription and ERP secrets, API keys, the admin token) is absent from every answer, every
// page, every CLI output and every log line of a real `npm run dev` session that used them all.
// (The one answer that shows a new API key, its creation, is the documented exception.)
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { freePort, nodeBin, startSystem } from "../scripts/dev-system.mjs";
import { startHttpStub } from "../scripts/http-stub.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = promisify(execFile);
let sys;
let work;
let stub;
let logs = "";
const answers = [];

const rnd = (p) => `${p}${randomBytes(9).toString("hex")}`;
const secrets = {
  shopify: rnd("shpss_"),
  bigcommerceBearer: rnd("bc-bearer-"),
  bigcommerceApiToken: rnd("bc-apitoken-"),
  amazonClientSecret: rnd("amzn-secret-"),
  amazonRefresh: rnd("Atzr|"),
  subscription: `whsec_${randomBytes(24).toString("base64")}`,
  x12: rnd("edi-bearer-"),
  rotated: rnd("shpss_rotated_"),
};

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), "switchyard-secrets-"));
  stub = await startHttpStub({});
  sys = await startSystem({ root, port: await freePort(), erpPort: await freePort(), persistTo: path.join(work, "state"), quiet: true, log: () => {}, onOutput: (d) => (logs += d) });
});
after(async () => {
  await sys?.stop();
  await stub?.close();
  rmSync(work, { recursive: true, force: true });
});

async function call(method, p, body, headers = {}) {
  const res = await fetch(`${sys.url}${p}`, { method, headers: { authorization: `Bearer ${sys.vars.ADMIN_TOKEN}`, "content-type": "application/json", ...headers }, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  answers.push({ what: `${method} ${p}`, text, headers: [...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n") });
  return { status: res.status, text, json: () => JSON.parse(text) };
}

async function cli(...args) {
  const r = await run(nodeBin(root), [path.join(root, "cli", "bin.mjs"), "--url", sys.url, ...args], { cwd: root, env: { ...process.env, SWITCHYARD_ADMIN_TOKEN: sys.vars.ADMIN_TOKEN } }).catch((e) => e);
  answers.push({ what: `cli ${args.join(" ")}`, text: `${r.stdout ?? ""}${r.stderr ?? ""}` });
  return r;
}

test("no secret appears in any answer, page, CLI output or log line", { timeout: 240_000 }, async () => {
  // Connections and settings with secrets, a subscription, an EDI partner, an API key.
  await call("PUT", "/v1/admin/connections/sec-shop", { kind: "shopify", secret: secrets.shopify, settings: { channel: "sec" } });
  await call("PUT", "/v1/admin/connections/sec-bc", { kind: "bigcommerce", secret: secrets.bigcommerceBearer, settings: { channel: "sec", storeHash: "s1", apiToken: secrets.bigcommerceApiToken, apiBaseUrl: `${stub.url}/bc` } });
  await call("PUT", "/v1/admin/connections/sec-amzn", { kind: "amazon", secret: rnd("amzn-key-"), settings: { channel: "sec", lwaClientId: "client", lwaClientSecret: secrets.amazonClientSecret, refreshToken: secrets.amazonRefresh } });
  await call("PUT", "/v1/admin/connections/sec-edi", { kind: "x12", secret: secrets.x12, settings: { channel: "sec" } });
  await call("POST", "/v1/admin/connections/sec-shop/rotate", { secret: secrets.rotated });
  await call("PUT", "/v1/admin/subscriptions/sec-sub", { url: `${stub.url}/sub`, secret: secrets.subscription, events: ["*"] });
  const created = await call("POST", "/v1/admin/api-keys", { name: "sec", scopes: ["orders:write", "orders:read", "ops:read", "inventory:write"] });
  const apiKey = created.json().key;
  answers.pop(); // the creation answer shows the key once, by design
  await call("POST", "/v1/inventory/events", { events: [{ eventId: rnd("e"), source: "erp", type: "snapshot", sku: "SEC-1", location: "DC1", asOf: new Date().toISOString(), quantities: { onHand: 10 } }] }, { authorization: `Bearer ${apiKey}` });

  // Use them: signed and forged webhooks, an id-only BigCommerce hook whose hydration calls the stub with the API token, EDI, an order to the ERP.
  const body = JSON.stringify({ id: 4242, admin_graphql_api_id: "gid://shopify/Order/4242", created_at: "2026-11-30T10:00:00Z", updated_at: "2026-11-30T10:00:00Z", currency: "EUR", cancelled_at: null, customer: { id: 1 }, line_items: [{ id: 1, sku: "SEC-1", quantity: 1, price: "1.00" }], shipping_address: { address1: "1 St", city: "Berlin", zip: "10115", country_code: "DE", first_name: "A", last_name: "B" } });
  await call("POST", "/v1/webhooks/sec-shop", body, { "x-shopify-hmac-sha256": createHmac("sha256", secrets.rotated).update(body).digest("base64"), "x-shopify-topic": "orders/create" });
  await call("POST", "/v1/webhooks/sec-shop", body, { "x-shopify-hmac-sha256": createHmac("sha256", secrets.shopify).update(body).digest("base64"), "x-shopify-topic": "orders/create" });
  await call("POST", "/v1/webhooks/sec-bc", JSON.stringify({ scope: "store/order/created", store_id: "1", data: { type: "order", id: 77 }, hash: rnd("h"), created_at: 1764500000, producer: "stores/s1" }), { authorization: `Bearer ${secrets.bigcommerceBearer}` });
  await call("POST", "/v1/webhooks/sec-bc", "{}", { authorization: "Bearer wrong" });
  await call("POST", "/v1/edi/sec-edi", "ISA*garbage~", { authorization: `Bearer ${secrets.x12}`, "content-type": "application/edi-x12" });
  const order = await call("POST", "/v1/orders", { channel: "sec", externalId: rnd("PO"), customer: { id: "c" }, currency: "EUR", lines: [{ sku: "SEC-1", quantity: 1 }] }, { authorization: `Bearer ${apiKey}`, "idempotency-key": rnd("k") });
  const orderId = order.json().orderId;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && (await call("GET", `/v1/orders/${orderId}`)).json().dispatchState !== "confirmed") await new Promise((r) => setTimeout(r, 300));
  // Give the hydration and the subscriber deliveries a chance to run and log.
  while (Date.now() < deadline && !(await (await fetch(`${stub.url}/_stub/calls?prefix=/bc`)).json()).calls.length) await new Promise((r) => setTimeout(r, 300));

  // Read everything back, as people and scripts would.
  for (const p of ["/v1/admin/connections", "/v1/admin/connections/sec-bc", "/v1/admin/subscriptions", "/v1/admin/api-keys", "/v1/admin/audit?limit=500", "/v1/ops/exceptions", "/v1/ops/dead-letters", "/v1/ops/summary", "/metrics", "/ops", "/openapi.json", `/v1/orders/${orderId}`]) await call("GET", p);
  await cli("connections", "list");
  await cli("--json", "connections", "list");
  await cli("audit", "list", "--limit", "200");
  await cli("exceptions", "list");
  await cli("keys", "list");
  await cli("status");

  const haystacks = [...answers.map((a) => ({ where: a.what, text: `${a.headers ?? ""}\n${a.text}` })), { where: "the runtime's logs", text: logs }];
  const leaks = [];
  for (const [name, value] of Object.entries({ ...secrets, apiKey, adminToken: sys.vars.ADMIN_TOKEN, secretsKey: sys.vars.SECRETS_KEY, erpToken: sys.vars.ERP_TOKEN })) {
    for (const h of haystacks) if (h.text.includes(value)) leaks.push(`${name} in ${h.where}`);
  }
  assert.ok(logs.length > 1000, "the runtime's logs were captured");
  assert.ok((await (await fetch(`${stub.url}/_stub/calls?prefix=/bc`)).json()).calls.length > 0, "hydration used the sealed API token");
  assert.deepEqual(leaks, []);
});
