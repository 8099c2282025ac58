// WooCommerce-specific behaviour beyond the conformance suite, against scripts/stubs/woocommerce.mjs.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { WOO_KEY, WOO_SECRET, wooConfig, type WooState } from "../testing/harnesses/woocommerce";
import { assertNoSecrets, memoryIdCache, StubTenant, testDeps } from "../testing/support";
import type { PublishItem } from "../types";
import { createWooCommercePublisher } from "./index";

const stubUrl = (env as unknown as { WOO_STUB_URL: string }).WOO_STUB_URL;
const it1 = (sku: string, available: number, lastAcknowledged: number | null = null, seq = 1): PublishItem => ({ sku, available, lastAcknowledged, seq });

async function store(seed: Record<string, unknown>, settings: Record<string, unknown> = {}) {
  const tenant = new StubTenant(stubUrl);
  await tenant.control("seed", seed);
  const ids = memoryIdCache();
  const publisher = createWooCommercePublisher(wooConfig(tenant, settings), testDeps(ids));
  const stock = async (sku: string) => (await tenant.state<WooState>()).products.find((p) => p.sku === sku)?.stock_quantity;
  const paths = async () => (await tenant.calls()).map((c) => `${c.method} ${c.path}`);
  return { tenant, ids, publisher, stock, paths };
}

const shirts = { type: "variable", sku: "WOO-SHIRT", variations: [{ sku: "WOO-SHIRT-S", stock: 1 }, { sku: "WOO-SHIRT-M", stock: 1 }] };

describe("WooCommerce publisher", () => {
  it("publishes variations through their parent's variations batch, simple products through products/batch", async () => {
    const s = await store({ products: [shirts, { sku: "WOO-MUG", stock: 1 }] });
    const r = await s.publisher.publish([it1("WOO-SHIRT-S", 4), it1("WOO-MUG", 6), it1("WOO-SHIRT-M", 5)]);
    expect(r.items.map((o) => o.outcome === "ok" && o.acknowledged)).toEqual([4, 6, 5]);
    expect([await s.stock("WOO-SHIRT-S"), await s.stock("WOO-MUG"), await s.stock("WOO-SHIRT-M")]).toEqual([4, 6, 5]);
    const paths = await s.paths();
    expect(paths.filter((p) => p.startsWith("POST"))).toEqual(expect.arrayContaining(["POST /wp-json/wc/v3/products/batch", expect.stringMatching(/^POST \/wp-json\/wc\/v3\/products\/\d+\/variations\/batch$/)]));
    expect(r.calls).toBe(3);
  });

  it("finds variations on a store whose SKU search does not return them, then reads them under their parent", async () => {
    const s = await store({ variationsInSkuSearch: false, products: [{ sku: "WOO-OTHER-PARENT", type: "variable", variations: [] }, shirts] });
    const first = await s.publisher.publish([it1("WOO-SHIRT-M", 3)]);
    expect(first.items[0]).toMatchObject({ outcome: "ok", acknowledged: 3 });
    expect(s.ids.entries()["woocommerce:ref:WOO-SHIRT-M"]).toMatch(/^variation:\d+:\d+$/);
    const before = (await s.paths()).length;
    const next = await s.publisher.publish([it1("WOO-SHIRT-M", 2, 3, 2)]);
    expect(next.items[0]).toMatchObject({ outcome: "ok", acknowledged: 2 });
    const after = (await s.paths()).slice(before);
    expect(after).toHaveLength(3); // SKU search, the parent's variations, the variations batch
    expect(after.some((p) => p.includes("type=variable"))).toBe(false);
    expect(await s.stock("WOO-SHIRT-M")).toBe(2);
  });

  it("subtracts a sale the store made itself since its last acknowledgment", async () => {
    const s = await store({ products: [{ sku: "WOO-RACE", stock: 10 }] });
    await s.tenant.control("sell", { sku: "WOO-RACE", units: 3 });
    const r = await s.publisher.publish([it1("WOO-RACE", 9, 10, 2)]);
    expect(r.items[0]).toMatchObject({ outcome: "ok", acknowledged: 6 });
    expect(await s.stock("WOO-RACE")).toBe(6);
    // A store-side restock is overwritten: Switchyard owns the figure.
    await s.tenant.control("sell", { sku: "WOO-RACE", units: -5 });
    expect((await s.publisher.publish([it1("WOO-RACE", 6, 6, 3)])).items[0]).toMatchObject({ outcome: "ok", acknowledged: 6 });
  });

  it("turns stock management on for a product that had it off", async () => {
    const s = await store({ products: [{ sku: "WOO-UNMANAGED", stock: 0, manageStock: false }] });
    expect((await s.publisher.publish([it1("WOO-UNMANAGED", 8, 3)])).items[0]).toMatchObject({ outcome: "ok", acknowledged: 8 });
    expect((await s.tenant.state<WooState>()).products[0]).toMatchObject({ manage_stock: true, stock_quantity: 8 });
  });

  it("signs with OAuth 1.0a over plain HTTP, and speaks Basic or query-string keys where the store is on HTTPS", async () => {
    const plain = await store({ products: [{ sku: "WOO-AUTH", stock: 1 }] });
    expect((await plain.publisher.publish([it1("WOO-AUTH", 2)])).items[0]?.outcome).toBe("ok");
    const signed = (await plain.tenant.calls())[0]!;
    expect(signed.query.oauth_signature_method).toBe("HMAC-SHA256");
    expect(signed.headers.authorization).toBeUndefined();
    const refused = await createWooCommercePublisher(wooConfig(plain.tenant, { authMode: "basic" }), testDeps()).publish([it1("WOO-AUTH", 3)]);
    expect(refused.items[0]?.outcome).toBe("config");
    assertNoSecrets(refused, [WOO_KEY, WOO_SECRET]);

    for (const authMode of ["basic", "query"]) {
      const tls = await store({ tls: true, products: [{ sku: "WOO-AUTH", stock: 1 }] }, { authMode });
      expect((await tls.publisher.publish([it1("WOO-AUTH", 4)])).items[0]).toMatchObject({ outcome: "ok", acknowledged: 4 });
      const call = (await tls.tenant.calls())[0]!;
      expect(authMode === "basic" ? String(call.headers.authorization).startsWith("Basic ") : call.query.consumer_key === WOO_KEY).toBe(true);
    }
  });

  it("splits batches at the store's limit, and a store with a lower one is a config outcome until it is set", async () => {
    const skus = Array.from({ length: 120 }, (_, i) => `WOO-MANY-${i}`);
    const s = await store({ products: skus.map((sku) => ({ sku, stock: 0 })) });
    const r = await s.publisher.publish(skus.map((sku) => it1(sku, 3)));
    expect(r.items.every((o) => o.outcome === "ok")).toBe(true);
    expect((await s.paths()).filter((p) => p === "POST /wp-json/wc/v3/products/batch")).toHaveLength(2);

    const low = await store({ batchLimit: 10, products: skus.slice(0, 20).map((sku) => ({ sku, stock: 0 })) });
    const refused = await low.publisher.publish(skus.slice(0, 20).map((sku) => it1(sku, 3)));
    expect(refused.items[0]).toMatchObject({ outcome: "config", reason: expect.stringMatching(/batchLimit/) });
    const tuned = createWooCommercePublisher(wooConfig(low.tenant, { batchLimit: 10 }), testDeps());
    expect((await tuned.publish(skus.slice(0, 20).map((sku) => it1(sku, 3)))).items.every((o) => o.outcome === "ok")).toBe(true);
  });

  it("a store that is down is a retry, a missing store URL is config", async () => {
    const s = await store({ products: [{ sku: "WOO-DOWN", stock: 1 }] });
    await s.tenant.control("faults", { kind: "status", status: 503, body: "<html>maintenance</html>" });
    const r = await s.publisher.publish([it1("WOO-DOWN", 2)]);
    expect(r.items[0]?.outcome).toBe("retry");
    expect(r.throttle?.retryAfterSeconds).toBeGreaterThan(0);
    const bare = createWooCommercePublisher({ connectionId: "c", kind: "woocommerce", channel: "shop", settings: { consumerKey: "k", consumerSecret: "s" } }, testDeps());
    expect((await bare.publish([it1("WOO-DOWN", 2)])).items[0]?.outcome).toBe("config");
  });

  it("recognises the product.updated echo of its own write within minutes", () => {
    const p = createWooCommercePublisher(wooConfig(new StubTenant(stubUrl)), testDeps());
    const at = Date.parse("2026-03-02T10:00:00Z");
    expect(p.isEcho({ externalItemId: "812", available: 4, observedAt: "2026-03-02T10:02:00Z" }, { available: 4, at })).toBe(true);
    expect(p.isEcho({ externalItemId: "812", available: 3, observedAt: "2026-03-02T10:02:00Z" }, { available: 4, at })).toBe(false);
    expect(p.isEcho({ externalItemId: "812", available: 4, observedAt: "2026-03-02T11:00:00Z" }, { available: 4, at })).toBe(false);
  });
});
