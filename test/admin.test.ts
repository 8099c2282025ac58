import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { signStandard } from "../core/channels/standard/signature";
import { admin, call, createKey, postOrder, sampleOrder, stockedOrder, uid } from "./helpers";

describe("admin API", () => {
  it("stores connection secrets sealed and never returns them", async () => {
    const id = uid("conn");
    const res = await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "bigcommerce", secret: "super-secret-value", name: "BC store", settings: { storeHash: "abc123", apiToken: "bc-api-token-xyz" } });
    expect(res.status).toBe(201);
    const view = await res.text();
    expect(view).not.toContain("super-secret-value");
    expect(view).not.toContain("bc-api-token-xyz");
    expect(JSON.parse(view)).toMatchObject({ id, kind: "bigcommerce", channel: id, settings: { storeHash: "abc123", apiToken: "(set)" } });
    const row = await env.DB.prepare("SELECT secret_enc, settings FROM connections WHERE id = ?").bind(id).first<{ secret_enc: string; settings: string }>();
    expect(row!.secret_enc).not.toContain("super-secret");
    expect(row!.settings).not.toContain("bc-api-token-xyz");
    const list = await (await admin("/v1/admin/connections", "GET")).text();
    expect(list).toContain(id);
    expect(list).not.toContain("super-secret-value");
    expect((await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "bigcommerce", secret: "rotated-secret-1" })).status).toBe(200);
    expect((await admin(`/v1/admin/connections/${id}/rotate`, "POST", { secret: "rotated-secret-2" })).status).toBe(200);
  });

  it("refuses a wrong admin token and bad connection input", async () => {
    const res = await call("/v1/admin/connections", { headers: { authorization: "Bearer nope" } });
    expect(res.status).toBe(401);
    const bad = await admin(`/v1/admin/connections/${uid()}`, "PUT", { kind: "fax", secret: "x" });
    expect(bad.status).toBe(400);
    const paths = ((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["kind", "secret"]));
  });

  it("shows an API key once, stores only its hash, and revokes it", async () => {
    const res = await admin("/v1/admin/api-keys", "POST", { name: "portal", scopes: ["orders:write", "orders:read"] });
    const created = (await res.json()) as { id: string; key: string };
    const rows = await env.DB.prepare("SELECT key_hash FROM api_keys WHERE id = ?").bind(created.id).first<{ key_hash: string }>();
    expect(rows!.key_hash).not.toContain(created.key);
    const list = await (await admin("/v1/admin/api-keys", "GET")).text();
    expect(list).toContain(created.id);
    expect(list).not.toContain(created.key);
    expect((await postOrder(created.key, await stockedOrder())).status).toBe(201);
    expect((await admin(`/v1/admin/api-keys/${created.id}`, "DELETE")).status).toBe(200);
    expect((await postOrder(created.key, sampleOrder())).status).toBe(401);
    const badScope = await admin("/v1/admin/api-keys", "POST", { name: "x", scopes: ["everything"] });
    expect(badScope.status).toBe(400);
  });

  it("rate-limits a key over its rate with 429 and Retry-After", async () => {
    const res = await admin("/v1/admin/api-keys", "POST", { name: "tiny", scopes: ["orders:read"], ratePerMinute: 2 });
    const { key } = (await res.json()) as { key: string };
    const get = () => call("/v1/orders/ord_x", { headers: { authorization: `Bearer ${key}` } });
    expect((await get()).status).toBe(404);
    expect((await get()).status).toBe(404);
    const limited = await get();
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("rate-limits a connection's deliveries by its settings.ratePerMinute, counting only signed ones", async () => {
    const id = uid("std");
    const secret = "whsec_cmF0ZS1saW1pdGVkLWNvbm5lY3Rpb24tc2VjcmV0";
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "standard", secret, settings: { ratePerMinute: 2 } });
    const send = async (signed: boolean) => {
      const msg = uid("msg");
      const ts = Math.floor(Date.now() / 1000);
      const body = JSON.stringify({ type: "ping.test", timestamp: new Date().toISOString(), data: {} });
      const sig = signed ? await signStandard(secret, msg, ts, body) : "v1,AAAA";
      return call(`/v1/webhooks/${id}`, { method: "POST", headers: { "webhook-id": msg, "webhook-timestamp": String(ts), "webhook-signature": sig }, body });
    };
    // Forged deliveries are refused and spend nothing of the allowance.
    for (let i = 0; i < 5; i++) expect((await send(false)).status).toBe(401);
    expect((await send(true)).status).toBe(200);
    expect((await send(true)).status).toBe(200);
    const limited = await send(true);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("stores channel policies and subscriptions", async () => {
    const channel = uid("ch");
    const p = await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1", "DC2"], percent: 80, max: 100, backorder: false });
    expect(p.status).toBe(200);
    expect(((await (await admin(`/v1/admin/channels/${channel}/policy`, "GET")).json()) as { policy: { percent: number } }).policy.percent).toBe(80);
    expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: [], percent: 150 })).status).toBe(400);
    const sub = await admin(`/v1/admin/subscriptions/${uid("sub")}`, "PUT", { url: "https://erp.example.test/hooks", secret: "whsec_c2VjcmV0c2VjcmV0", events: ["order.*"] });
    expect(sub.status).toBe(200);
    expect(await sub.text()).not.toContain("whsec_");
  });

  it("serves ops summary, metrics and the dashboard", async () => {
    const key = await createKey(["ops:read"]);
    const s = await call("/v1/ops/summary", { headers: { authorization: `Bearer ${key}` } });
    expect(s.status).toBe(200);
    expect(await s.json()).toMatchObject({ orders: { total: expect.any(Number) }, deadLetters: { open: expect.any(Number) } });
    const m = await call("/metrics", { headers: { authorization: `Bearer ${key}` } });
    const metrics = await m.text();
    expect(metrics).toContain("switchyard_dead_letters_open");
    // Base units (the _ms gauge was renamed in issue 13).
    expect(metrics).toMatch(/switchyard_availability_sync_lag_seconds\{stat="max"\} [\d.]+/);
    expect(metrics).not.toContain("switchyard_availability_sync_lag_ms");
    expect((await call("/ops")).headers.get("content-type")).toContain("text/html");
  });
});
