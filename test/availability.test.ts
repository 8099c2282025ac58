// The availability Worker, black-box: KV when comfortable, the InventoryDO when low or missing,
// ETag / 304, short caching, validation and auth.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import type { InventoryEvent } from "../core/canonical";
import { admin, call, createKey, uid } from "./helpers";

const stub = (sku: string) => env.INVENTORY.getByName(sku);
let key: string;
beforeAll(async () => {
  key = await createKey(["availability:read"]);
});
const get = (path: string, headers: Record<string, string> = {}) => call(path, { headers: { authorization: `Bearer ${key}`, ...headers } });
const snapshot = (sku: string, onHand: number): InventoryEvent => ({
  eventId: uid("snap"), source: "erp", type: "snapshot", sku, location: "DC1", asOf: new Date().toISOString(), quantities: { onHand, committed: 0 },
});
type Item = { sku: string; channel: string; available: number; asOf: string; source: string };

async function stocked(_channel: string, onHand: number) {
  const sku = uid("SKU");
  await stub(sku).applyEvents([snapshot(sku, onHand)]);
  await stub(sku).flush();
  return sku;
}
const take = (sku: string, channel: string, quantity: number) =>
  stub(sku).reserve({ orderId: uid("o"), lineNo: 1, sku, quantity, channel, policy: null, at: Date.now() });

describe("GET /v1/availability/{sku}", () => {
  it("answers from KV while stock is comfortable, with an ETag that revalidates to 304", async () => {
    const channel = uid("web");
    expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1"], buffer: 2 })).status).toBe(200);
    const sku = await stocked(channel, 40);
    const cached = await env.AVAILABILITY_KV.get<Item>(`avail:${channel}:${sku}`, "json");
    expect(cached).toMatchObject({ available: 38 });

    const res = await get(`/v1/availability/${sku}?channel=${channel}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("private, max-age=5");
    const etag = res.headers.get("etag")!;
    expect(etag).toMatch(/^W\/".+"$/);
    expect(await res.json()).toEqual({ ...cached, source: "cache" });

    const again = await get(`/v1/availability/${sku}?channel=${channel}`, { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.headers.get("etag")).toBe(etag);
    expect(await again.text()).toBe("");
  });

  it("asks the InventoryDO when the cached figure is at or below LOW_STOCK_THRESHOLD, so a stale low figure cannot oversell", async () => {
    const channel = uid("web");
    const sku = await stocked(channel, 10);
    await take(sku, channel, 7);
    await stub(sku).flush();
    expect((await env.AVAILABILITY_KV.get<Item>(`avail:${channel}:${sku}`, "json"))!.available).toBe(3);

    await take(sku, channel, 1); // not necessarily projected yet: only the DO knows for sure
    const res = await get(`/v1/availability/${sku}?channel=${channel}`);
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    expect(await res.json()).toMatchObject({ sku, channel, available: 2, source: "authoritative" });
  });

  it("asks the InventoryDO when nothing is cached", async () => {
    const sku = uid("SKU-unknown");
    const res = await get(`/v1/availability/${sku}?channel=${uid("ch")}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Item;
    expect(body).toMatchObject({ sku, available: 0, source: "authoritative" });
    expect(Number.isNaN(Date.parse(body.asOf))).toBe(false);
  });

  it("requires the channel, a key, and the availability:read scope", async () => {
    const noChannel = await get(`/v1/availability/ABC`);
    expect(noChannel.status).toBe(400);
    expect(noChannel.headers.get("content-type")).toContain("application/problem+json");
    expect(((await noChannel.json()) as { errors: { path: string }[] }).errors).toEqual([expect.objectContaining({ path: "channel" })]);
    expect((await call(`/v1/availability/ABC?channel=web`)).status).toBe(401);
    const other = await createKey(["orders:read"]);
    expect((await call(`/v1/availability/ABC?channel=web`, { headers: { authorization: `Bearer ${other}` } })).status).toBe(403);
  });
});

describe("POST /v1/availability/query", () => {
  it("answers many SKUs at once, each from the right source", async () => {
    const channel = uid("web");
    expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1"] })).status).toBe(200);
    const plenty = await stocked(channel, 30);
    const scarce = await stocked(channel, 4);
    const res = await call("/v1/availability/query", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { channel, skus: [plenty, scarce, plenty] } });
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: Item[] };
    expect(items).toEqual([
      expect.objectContaining({ sku: plenty, available: 30, source: "cache" }),
      expect.objectContaining({ sku: scarce, available: 4, source: "authoritative" }),
    ]);
    expect(res.headers.get("cache-control")).toBe("private, no-cache");
    const etag = res.headers.get("etag")!;
    const again = await call("/v1/availability/query", { method: "POST", headers: { authorization: `Bearer ${key}`, "if-none-match": etag }, json: { channel, skus: [plenty, scarce, plenty] } });
    expect(again.status).toBe(304);
  });

  it("refuses more than 100 SKUs and a missing channel", async () => {
    const skus = Array.from({ length: 101 }, (_, i) => `S${i}`);
    const tooMany = await call("/v1/availability/query", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { channel: "web", skus } });
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { errors: { path: string }[] }).errors[0]!.path).toBe("skus");
    const noChannel = await call("/v1/availability/query", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { skus: ["A"] } });
    expect(noChannel.status).toBe(400);
  });
});
