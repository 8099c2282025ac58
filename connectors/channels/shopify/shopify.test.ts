// Shopify-specific behaviour beyond the conformance suite, against scripts/stubs/shopify.mjs.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import inventoryLevelUpdate from "../../../test/fixtures/shopify/docs-sample_2025-04_inventory_levels_update.json";
import { SHOPIFY_LOCATION, shopifyConfig } from "../testing/harnesses/shopify";
import { memoryIdCache, StubTenant, testDeps } from "../testing/support";
import type { PublishItem } from "../types";
import { createShopifyPublisher } from "./index";

const stubUrl = (env as unknown as { SHOPIFY_STUB_URL: string }).SHOPIFY_STUB_URL;
type State = { items: Array<{ sku: string; levels: Record<string, number> }>; idempotency: Array<{ key: string; failed: boolean; replays: number }>; applied: unknown[] };

async function shop(settings: Record<string, unknown> = {}, stock: Record<string, number> = {}) {
  const tenant = new StubTenant(stubUrl);
  await tenant.control("seed", { items: Object.entries(stock).map(([sku, n]) => ({ sku, levels: { [SHOPIFY_LOCATION]: n } })) });
  const ids = memoryIdCache();
  const publisher = createShopifyPublisher(shopifyConfig(tenant, settings), testDeps(ids));
  const level = async (sku: string) => (await tenant.state<State>()).items.find((i) => i.sku === sku)?.levels[SHOPIFY_LOCATION];
  const mutations = async () => (await tenant.calls()).filter((c) => c.body.includes("inventorySetQuantities("));
  return { tenant, ids, publisher, level, mutations };
}

const at = (sku: string, available: number, lastAcknowledged: number | null, seq: number): PublishItem => ({ sku, available, lastAcknowledged, seq, channelLocation: "DC1" });
const keyOf = (query: string) => /@idempotent\(key: "([^"]+)"\)/.exec(query)?.[1];

describe("Shopify publisher", () => {
  it("sends an idempotency key, the same one for a retry of the same seq and a new one for a new seq", async () => {
    const s = await shop({}, { "SH-KEY": 1 });
    await s.tenant.control("faults", { kind: "status", status: 503, match: "graphql", times: 1 });
    await s.publisher.publish([at("SH-KEY", 4, 1, 7)]); // lookup answered 503
    const first = await s.publisher.publish([at("SH-KEY", 4, 1, 7)]);
    expect(first.items[0]).toMatchObject({ outcome: "ok", acknowledged: 4 });
    await s.tenant.control("faults", { kind: "status", status: 503, match: "graphql", times: 1 });
    await s.publisher.publish([at("SH-KEY", 3, 4, 8)]);
    await s.publisher.publish([at("SH-KEY", 3, 4, 8)]);
    const keys = (await s.mutations()).map((c) => keyOf(JSON.parse(c.body).query));
    expect(keys).toHaveLength(3);
    expect(keys.every((k) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(k ?? ""))).toBe(true);
    expect(keys[1]).toBe(keys[2]);
    expect(keys[0]).not.toBe(keys[1]);
    expect(await s.level("SH-KEY")).toBe(3);
  });

  it("a write whose answer was lost is replayed by its key on retry, applied once", async () => {
    const s = await shop({}, { "SH-LOST": 10 });
    expect((await s.publisher.publish([at("SH-LOST", 10, null, 1)])).items[0]?.outcome).toBe("ok");
    await s.tenant.control("faults", { kind: "applyThenFail" });
    const lost = await s.publisher.publish([at("SH-LOST", 6, 10, 2)]);
    expect(lost.items[0]?.outcome).toBe("retry");
    // Without the key, this retry would lose its compare-and-set against our own applied write.
    const again = await s.publisher.publish([at("SH-LOST", 6, 10, 2)]);
    expect(again.items[0]).toMatchObject({ outcome: "ok", acknowledged: 6 });
    const state = await s.tenant.state<State>();
    expect(state.applied).toHaveLength(2);
    expect(state.idempotency.some((k) => k.replays === 1)).toBe(true);
  });

  it("on a compare-and-set mismatch writes nothing and hands back the figure Shopify holds", async () => {
    const s = await shop({}, { "SH-CAS": 10 });
    await s.publisher.publish([at("SH-CAS", 10, null, 1)]);
    await s.tenant.control("sell", { sku: "SH-CAS", units: 3 });
    const r = await s.publisher.publish([at("SH-CAS", 6, 10, 2)]);
    expect(r.items[0]).toMatchObject({ outcome: "retry", channelAvailable: 7, channelLocation: "DC1" });
    expect(r.items[0]?.outcome === "retry" && r.items[0].reason).toMatch(/CHANGE_FROM_QUANTITY_STALE/);
    expect(await s.level("SH-CAS")).toBe(7);
    expect(r.calls).toBe(2); // the mutation, then the re-read
  });

  it("catches a sale landing between the SKU lookup and the write", async () => {
    const s = await shop({}, { "SH-GAP": 5 });
    await s.tenant.control("sell", { sku: "SH-GAP", units: 1, on: "next-write" });
    const r = await s.publisher.publish([at("SH-GAP", 2, 5, 2)]);
    expect(r.items[0]).toMatchObject({ outcome: "retry", channelAvailable: 4 });
    expect(await s.level("SH-GAP")).toBe(4);
  });

  it("a stale row in a batch does not hold back the others", async () => {
    const s = await shop({}, { "SH-B1": 5, "SH-B2": 5, "SH-B3": 5 });
    await s.publisher.publish(["SH-B1", "SH-B2", "SH-B3"].map((k, i) => at(k, 5, null, i)));
    await s.tenant.control("sell", { sku: "SH-B2", units: 2 });
    const r = await s.publisher.publish(["SH-B1", "SH-B2", "SH-B3"].map((k, i) => at(k, 1, 5, 10 + i)));
    expect(r.items.map((o) => o.outcome)).toEqual(["ok", "retry", "ok"]);
    expect(r.items[1]).toMatchObject({ channelAvailable: 3 });
    expect([await s.level("SH-B1"), await s.level("SH-B2"), await s.level("SH-B3")]).toEqual([1, 3, 1]);
  });

  it("asked for a new key after a failed attempt, resends once with one", async () => {
    const s = await shop({}, { "SH-PREV": 5 });
    await s.publisher.publish([at("SH-PREV", 5, null, 1)]);
    await s.tenant.control("sell", { sku: "SH-PREV", units: 1 });
    const first = await s.publisher.publish([at("SH-PREV", 3, 5, 2)]);
    expect(first.items[0]).toMatchObject({ outcome: "retry", channelAvailable: 4 });
    // A host that retries the very same figure reuses the failed key: Shopify wants a new one.
    const second = await s.publisher.publish([at("SH-PREV", 3, 5, 2)]);
    expect(second.items[0]).toMatchObject({ outcome: "retry", channelAvailable: 4 });
    const keys = (await s.mutations()).map((c) => keyOf(JSON.parse(c.body).query));
    expect(keys).toHaveLength(4);
    expect(keys[2]).toBe(keys[1]);
    expect(keys[3]).not.toBe(keys[2]);
  });

  it("speaks compareQuantity and no @idempotent on 2025-10, splitting compared and first-time rows", async () => {
    const s = await shop({ apiVersion: "2025-10" }, { "SH-OLD-1": 2, "SH-OLD-2": 2 });
    const r = await s.publisher.publish([at("SH-OLD-1", 4, 2, 1), at("SH-OLD-2", 6, null, 1)]);
    expect(r.items.map((o) => o.outcome)).toEqual(["ok", "ok"]);
    const bodies = (await s.mutations()).map((c) => JSON.parse(c.body));
    expect(bodies).toHaveLength(2);
    expect(bodies.every((b) => !b.query.includes("@idempotent"))).toBe(true);
    expect(bodies.map((b) => b.variables.input.ignoreCompareQuantity)).toEqual([false, true]);
    await s.tenant.control("sell", { sku: "SH-OLD-1", units: 1 });
    const stale = await s.publisher.publish([at("SH-OLD-1", 1, 4, 2)]);
    expect(stale.items[0]).toMatchObject({ outcome: "retry", channelAvailable: 3 });
  });

  it("reads the cost bucket from every answer and asks the host to wait when it runs low", async () => {
    const s = await shop({}, { "SH-BUCKET": 1 });
    await s.publisher.publish([at("SH-BUCKET", 1, null, 1)]);
    await s.tenant.control("faults", { kind: "lowBucket", currentlyAvailable: 4 });
    const r = await s.publisher.publish([at("SH-BUCKET", 2, 1, 2)]);
    expect(r.items[0]).toMatchObject({ outcome: "ok", acknowledged: 2 });
    expect(r.throttle).toMatchObject({ retryAfterSeconds: 1 });
    expect(r.throttle?.reason).toMatch(/4 of 2000/);
  });

  it("caches inventory item ids: the second publish is the mutation alone", async () => {
    const s = await shop({}, { "SH-CACHE": 1 });
    expect((await s.publisher.publish([at("SH-CACHE", 2, null, 1)])).calls).toBe(2);
    expect(s.ids.entries()["shopify:inventoryItem:SH-CACHE"]).toMatch(/^gid:\/\/shopify\/InventoryItem\//);
    expect((await s.publisher.publish([at("SH-CACHE", 3, 2, 2)])).calls).toBe(1);
  });

  it("matches SKUs exactly, refuses a SKU on two variants, an untracked item and an unstocked location", async () => {
    const tenant = new StubTenant(stubUrl);
    await tenant.control("seed", {
      locations: ["gid://shopify/Location/2"],
      items: [
        { sku: "SH-X-1", levels: { [SHOPIFY_LOCATION]: 1 } },
        { sku: "SH-X-10", levels: { [SHOPIFY_LOCATION]: 1 } },
        { sku: "SH-DUP", levels: { [SHOPIFY_LOCATION]: 1 } },
        { sku: "SH-DUP", levels: { [SHOPIFY_LOCATION]: 1 } },
        { sku: "SH-UNTRACKED", tracked: false, levels: { [SHOPIFY_LOCATION]: 1 } },
      ],
    });
    const p = createShopifyPublisher({ ...shopifyConfig(tenant), locations: { DC1: SHOPIFY_LOCATION, DC2: "gid://shopify/Location/2" } }, testDeps());
    const r = await p.publish([at("SH-X-1", 9, null, 1), at("SH-DUP", 9, null, 1), at("SH-UNTRACKED", 9, null, 1), { sku: "SH-X-10", available: 9, lastAcknowledged: null, seq: 1, channelLocation: "DC2" }]);
    expect(r.items.map((o) => o.outcome)).toEqual(["ok", "rejected", "rejected", "rejected"]);
    expect(r.items[1]?.outcome === "rejected" && r.items[1].reason).toMatch(/2 Shopify variants/);
    expect(r.items[2]?.outcome === "rejected" && r.items[2].reason).toMatch(/not tracked/);
    expect(r.items[3]?.outcome === "rejected" && r.items[3].reason).toMatch(/ITEM_NOT_STOCKED_AT_LOCATION/);
    const state = await tenant.state<State>();
    expect(state.items.find((i) => i.sku === "SH-X-10")?.levels[SHOPIFY_LOCATION]).toBe(1);
    expect(state.items.find((i) => i.sku === "SH-X-1")?.levels[SHOPIFY_LOCATION]).toBe(9);
  });

  it("an item with no mapped location, or missing credentials, is a config outcome", async () => {
    const tenant = new StubTenant(stubUrl);
    const p = createShopifyPublisher({ ...shopifyConfig(tenant), locations: { DC1: SHOPIFY_LOCATION, DC2: "gid://shopify/Location/2" } }, testDeps());
    expect((await p.publish([{ sku: "SH-NOWHERE", available: 1, lastAcknowledged: null, seq: 1 }])).items[0]?.outcome).toBe("config");
    const bare = createShopifyPublisher({ connectionId: "c", kind: "shopify", channel: "web", settings: {} }, testDeps());
    const r = await bare.publish([at("SH-NOWHERE", 1, null, 1)]);
    expect(r).toMatchObject({ calls: 0, items: [{ outcome: "config" }] });
  });

  it("recognises its own write echoed by inventory_levels/update, and nothing else", async () => {
    const p = createShopifyPublisher(shopifyConfig(new StubTenant(stubUrl)), testDeps());
    const body = inventoryLevelUpdate.response;
    const pushedAt = Date.parse(body.updated_at) + 800;
    const observed = { externalItemId: "271878346596884015", available: 7, observedAt: body.updated_at };
    expect(p.isEcho(observed, { available: 7, at: pushedAt })).toBe(true);
    expect(p.isEcho(observed, { available: 8, at: pushedAt })).toBe(false);
    expect(p.isEcho({ ...observed, available: body.available }, { available: 7, at: pushedAt })).toBe(false);
    expect(p.isEcho(observed, { available: 7, at: pushedAt - 3_600_000 })).toBe(false);
    expect(p.isEcho(observed, null)).toBe(false);
  });
});
