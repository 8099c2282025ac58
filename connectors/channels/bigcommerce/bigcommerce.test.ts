// BigCommerce-specific behaviour beyond the conformance suite, against scripts/stubs/bigcommerce.mjs.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { bigcommerceConfig, type BigCommerceState } from "../testing/harnesses/bigcommerce";
import { StubTenant, testDeps } from "../testing/support";
import type { PublishItem } from "../types";
import { createBigCommercePublisher, namesSku } from "./index";

const stubUrl = (env as unknown as { BIGCOMMERCE_STUB_URL: string }).BIGCOMMERCE_STUB_URL;
const at = (sku: string, available: number, lastAcknowledged: number | null, channelLocation = "DC1"): PublishItem => ({ sku, available, lastAcknowledged, seq: 1, channelLocation });

async function store(items: Array<{ sku: string; levels: Record<string, number>; safetyStock?: number }>, locations?: Record<string, string>) {
  const tenant = new StubTenant(stubUrl);
  await tenant.control("seed", { items });
  const publisher = createBigCommercePublisher(bigcommerceConfig(tenant, {}, locations), testDeps());
  const level = async (sku: string, loc = "1") => (await tenant.state<BigCommerceState>()).items.find((i) => i.sku === sku)?.levels[loc];
  return { tenant, publisher, level };
}

describe("BigCommerce publisher", () => {
  it("reads X-Rate-Limit-Requests-Left: with none left after the read it does not write, and says when the window resets", async () => {
    const s = await store([{ sku: "BC-RL", levels: { 1: 3 } }]);
    await s.tenant.control("faults", { kind: "rateLimit", left: 0, resetMs: 12_000 });
    const r = await s.publisher.publish([at("BC-RL", 5, 3)]);
    expect(r.items[0]?.outcome).toBe("retry");
    expect(r.throttle).toMatchObject({ retryAfterSeconds: 12 });
    expect(r.calls).toBe(1);
    expect(await s.level("BC-RL")).toBe(3);
    const later = await s.publisher.publish([at("BC-RL", 5, 3)]);
    expect(later).toMatchObject({ calls: 2, items: [{ outcome: "ok", acknowledged: 5 }] });
    expect(later.throttle).toBeUndefined();
  });

  it("a 429 without rate-limit headers (platform load) waits longer than a window", async () => {
    const s = await store([{ sku: "BC-LOAD", levels: { 1: 3 } }]);
    await s.tenant.control("faults", { kind: "status", status: 429, body: { status: 429, title: "Too many requests" } });
    const r = await s.publisher.publish([at("BC-LOAD", 5, 3)]);
    expect(r.items[0]?.outcome).toBe("retry");
    expect(r.throttle?.retryAfterSeconds).toBe(60);
  });

  it("one write for many SKUs at several locations, each compared with its own on-hand figure", async () => {
    const s = await store([{ sku: "BC-M1", levels: { 1: 4, 2: 4 } }, { sku: "BC-M2", levels: { 1: 4, 2: 4 } }], { DC1: "1", DC2: "2" });
    await s.tenant.control("sell", { sku: "BC-M2", units: 1, location: 2 });
    const r = await s.publisher.publish([at("BC-M1", 6, 4), at("BC-M1", 7, 4, "DC2"), at("BC-M2", 6, 4), at("BC-M2", 6, 4, "DC2")]);
    expect(r.items.map((o) => o.outcome === "ok" && o.acknowledged)).toEqual([6, 7, 6, 5]);
    expect(r.items[1]?.channelLocation).toBe("DC2");
    expect(r.calls).toBe(2);
    const calls = await s.tenant.calls();
    expect(calls[0]?.query["location_id:in"]).toBe("1,2");
    expect([await s.level("BC-M1", "2"), await s.level("BC-M2", "2")]).toEqual([7, 5]);
  });

  it("compares with on-hand, not available-to-sell: the store's safety stock is not mistaken for a sale", async () => {
    const s = await store([{ sku: "BC-SAFE", levels: { 1: 10 }, safetyStock: 2 }]);
    expect((await s.publisher.publish([at("BC-SAFE", 9, 10)])).items[0]).toMatchObject({ outcome: "ok", acknowledged: 9 });
  });

  it("a 422 naming one SKU refuses that one and sends the rest again", async () => {
    const s = await store([{ sku: "BC-GOOD", levels: { 1: 1 } }, { sku: "BC-BAD", levels: { 1: 1 } }]);
    await s.tenant.control("faults", {
      kind: "status",
      status: 422,
      match: "adjustments",
      headers: { "content-type": "application/problem+json" },
      body: { status: 422, title: "[Item with sku BC-BAD is tracked by product, please update stock by product id]", type: "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes", errors: {} },
    });
    const r = await s.publisher.publish([at("BC-GOOD", 8, 1), at("BC-BAD", 8, 1)]);
    expect(r.items.map((o) => o.outcome)).toEqual(["ok", "rejected"]);
    expect(r.items[1]?.outcome === "rejected" && r.items[1].reason).toMatch(/tracked by product/);
    expect([await s.level("BC-GOOD"), await s.level("BC-BAD")]).toEqual([8, 1]);
  });

  it("a location id that is not an integer is a config outcome; an unknown store is config too", async () => {
    const s = await store([{ sku: "BC-LOC", levels: { 1: 1 } }], { DC1: "north-dc" });
    expect((await s.publisher.publish([at("BC-LOC", 2, 1)])).items[0]?.outcome).toBe("config");
    await s.tenant.control("faults", { kind: "status", status: 404, body: { status: 404, title: "Store not found" } });
    const ok = createBigCommercePublisher(bigcommerceConfig(s.tenant), testDeps());
    expect((await ok.publish([at("BC-LOC", 2, 1)])).items[0]?.outcome).toBe("config");
  });

  it("names a SKU only as a whole token", () => {
    expect(namesSku("[Item with sku A-1 does not exist]", "A-1")).toBe(true);
    expect(namesSku("[Item with sku A-10 does not exist]", "A-1")).toBe(false);
  });

  it("recognises the store/sku/inventory/updated echo of an asynchronous adjustment", () => {
    const p = createBigCommercePublisher(bigcommerceConfig(new StubTenant(stubUrl)), testDeps());
    const pushed = Date.parse("2026-03-02T10:00:00Z");
    expect(p.isEcho({ externalItemId: "77", available: 12, observedAt: "2026-03-02T10:04:00Z" }, { available: 12, at: pushed })).toBe(true);
    expect(p.isEcho({ externalItemId: "77", available: 11, observedAt: "2026-03-02T10:04:00Z" }, { available: 12, at: pushed })).toBe(false);
  });
});
