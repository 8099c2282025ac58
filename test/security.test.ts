// The governed edge against an attacker who holds valid credentials for something (issue 12):
// signatures forged, truncated, re-encoded or computed over a re-serialised body; replayed and
// out-of-window timestamps; duplicated and oddly-cased headers; one connection's secret on
// another; keys without the scope or revoked; admin routes without the admin token.
import { describe, expect, it } from "vitest";
import { signStandard } from "../core/channels/standard/signature";
import { hmacSha256, toBase64 } from "../core/crypto";
import { admin, call, createKey, stock, uid } from "./helpers";

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, "0")).join("");

async function shopify(secret = "shpss_security_one") {
  const id = uid("shop");
  await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "shopify", secret, settings: { channel: id } });
  return id;
}

function shopifyBody(n = Math.floor(Math.random() * 1e9)) {
  return JSON.stringify({ id: n, admin_graphql_api_id: `gid://shopify/Order/${n}`, created_at: "2026-11-30T10:00:00Z", updated_at: "2026-11-30T10:00:00Z", currency: "EUR", cancelled_at: null, customer: { id: 1 }, line_items: [{ id: 1, sku: "SEC-SKU", quantity: 1, price: "1.00" }] });
}

const send = (conn: string, body: string, headers: HeadersInit) => call(`/v1/webhooks/${conn}`, { method: "POST", headers, body });

describe("signatures", () => {
  it("refuses forged, truncated and re-encoded Shopify signatures, and one over a re-serialised body", async () => {
    await stock("SEC-SKU", 100);
    const conn = await shopify();
    const body = shopifyBody();
    const mac = await hmacSha256("shpss_security_one", body);
    const good = toBase64(mac);
    const topic = { "x-shopify-topic": "orders/create" };
    const forged = [
      toBase64(crypto.getRandomValues(new Uint8Array(32))), // random
      good.slice(0, 20), // truncated
      hex(mac), // hex instead of base64
      good.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") + "x", // base64url, mangled
      toBase64(await hmacSha256("shpss_security_one", JSON.stringify(JSON.parse(body), null, 1))), // over a re-serialised body
      ` ${good.slice(1)}`,
      "",
    ];
    for (const sig of forged) expect((await send(conn, body, { ...topic, "x-shopify-hmac-sha256": sig })).status).toBe(401);
    // Two signature headers (a proxy joining them): not a signature.
    const h = new Headers(topic);
    h.append("x-shopify-hmac-sha256", good);
    h.append("x-shopify-hmac-sha256", good);
    expect((await send(conn, body, h)).status).toBe(401);
    // Header names are case-insensitive; the genuine one passes.
    expect((await send(conn, body, { "X-SHOPIFY-TOPIC": "orders/create", "X-Shopify-HMAC-SHA256": good })).status).toBe(200);
  });

  it("one connection's secret does not open another", async () => {
    const a = await shopify("shpss_secret_of_a");
    const b = await shopify("shpss_secret_of_b");
    const body = shopifyBody();
    const signedForA = toBase64(await hmacSha256("shpss_secret_of_a", body));
    expect((await send(a, body, { "x-shopify-topic": "orders/create", "x-shopify-hmac-sha256": signedForA })).status).toBe(200);
    expect((await send(b, body, { "x-shopify-topic": "orders/create", "x-shopify-hmac-sha256": signedForA })).status).toBe(401);
    const edi = uid("edi");
    await admin(`/v1/admin/connections/${edi}`, "PUT", { kind: "x12", secret: "edi-secret-of-c" });
    expect((await call(`/v1/edi/${edi}`, { method: "POST", headers: { authorization: "Bearer shpss_secret_of_a", "content-type": "application/edi-x12" }, body: "ISA" })).status).toBe(401);
  });

  it("Standard Webhooks: timestamps outside ±5 minutes, other versions and wrong keys are refused; a rotated key list passes", async () => {
    const id = uid("std");
    const secret = "whsec_c2VjdXJpdHktc3RhbmRhcmQtd2ViaG9va3Mta2V5";
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "standard", secret });
    const body = JSON.stringify({ type: "ping.test", timestamp: new Date().toISOString(), data: {} });
    const at = async (offsetSeconds: number, sig?: (s: string) => string) => {
      const msg = uid("msg");
      const ts = Math.floor(Date.now() / 1000) + offsetSeconds;
      const signature = await signStandard(secret, msg, ts, body);
      return send(id, body, { "webhook-id": msg, "webhook-timestamp": String(ts), "webhook-signature": sig ? sig(signature) : signature });
    };
    expect((await at(-301)).status).toBe(401);
    expect((await at(+301)).status).toBe(401);
    expect((await at(-299)).status).toBe(200);
    expect((await at(0, (s) => s.replace("v1,", "v1a,"))).status).toBe(401);
    expect((await at(0, (s) => `v1,${toBase64(crypto.getRandomValues(new Uint8Array(32)))} ${s}`)).status).toBe(200); // the key being rotated in
    const other = await signStandard("whsec_YW5vdGhlci1jb25uZWN0aW9ucy1rZXk=", "m", Math.floor(Date.now() / 1000), body);
    expect((await send(id, body, { "webhook-id": "m", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": other })).status).toBe(401);
  });

  it("shared-secret providers (BigCommerce bearer, Amazon x-api-key) refuse a wrong, empty or partial secret", async () => {
    const bc = uid("bc");
    await admin(`/v1/admin/connections/${bc}`, "PUT", { kind: "bigcommerce", secret: "bc-bearer-correct-horse" });
    for (const auth of ["Bearer bc-bearer-correct", "Bearer ", "bc-bearer-correct-horse", "Basic YmM6Yw=="]) expect((await send(bc, "{}", { authorization: auth })).status).toBe(401);
    const amzn = uid("amzn");
    await admin(`/v1/admin/connections/${amzn}`, "PUT", { kind: "amazon", secret: "amazon-api-key-correct" });
    for (const key of ["amazon-api-key-correc", "AMAZON-API-KEY-CORRECT", ""]) expect((await send(amzn, "{}", { "x-api-key": key })).status).toBe(401);
  });
});

describe("keys and tokens", () => {
  it("admin routes need the admin token: no token, a wrong one, or a partner key with every scope get 401", async () => {
    const everything = await createKey(["orders:write", "orders:read", "inventory:write", "availability:read", "shipments:write", "returns:write", "ops:read", "ops:write", "master:write"]);
    for (const auth of [undefined, "Bearer test-admin-tokeN", `Bearer ${everything}`, "test-admin-token"]) {
      for (const [method, path] of [["GET", "/v1/admin/connections"], ["POST", "/v1/admin/api-keys"], ["GET", "/v1/admin/audit"], ["PUT", "/v1/admin/channels/x/policy"]] as const) {
        const res = await call(path, { method, headers: auth ? { authorization: auth } : {}, ...(method !== "GET" ? { json: {} } : {}) });
        expect(res.status, `${method} ${path} with ${auth}`).toBe(401);
      }
    }
  });

  it("a key without the scope gets 403 everywhere that scope guards; a revoked or unknown key 401", async () => {
    const readOnly = await createKey(["orders:read"]);
    for (const [method, path] of [["POST", "/v1/orders"], ["POST", "/v1/inventory/events"], ["POST", "/v1/shipments"], ["GET", "/v1/ops/summary"], ["GET", "/v1/availability/X?channel=y"]] as const) {
      const res = await call(path, { method, headers: { authorization: `Bearer ${readOnly}`, "idempotency-key": uid() }, ...(method === "POST" ? { json: {} } : {}) });
      expect(res.status, `${method} ${path}`).toBe(403);
    }
    expect((await call("/v1/ops/summary", { headers: { authorization: "Bearer sy_not_a_key_of_ours_at_all" } })).status).toBe(401);
  });
});
