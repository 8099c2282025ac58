/** The conformance harness for the WooCommerce publisher against scripts/stubs/woocommerce.mjs. */
import { createWooCommercePublisher } from "../../woocommerce";
import type { PublisherConfig } from "../../types";
import type { PublisherHarness } from "../conformance";
import { StubTenant, testDeps } from "../support";

export const WOO_KEY = "ck_stub_0123456789abcdef";
export const WOO_SECRET = "cs_stub_fedcba9876543210";

export function wooConfig(tenant: StubTenant, settings: Record<string, unknown> = {}): PublisherConfig {
  return { connectionId: `woo-${tenant.id}`, kind: "woocommerce", channel: "shop", settings: { apiBaseUrl: tenant.base, consumerKey: WOO_KEY, consumerSecret: WOO_SECRET, ...settings } };
}

export type WooState = { products: Array<{ id: number; sku: string; type: string; parent_id: number; stock_quantity: number | null; manage_stock: boolean }> };

/** @example runPublisherConformance("woocommerce", () => wooHarness(env.WOO_STUB_URL)) */
export async function wooHarness(stubUrl: string): Promise<PublisherHarness> {
  const tenant = new StubTenant(stubUrl);
  return {
    publisher: createWooCommercePublisher(wooConfig(tenant), testDeps()),
    withBadCredentials: createWooCommercePublisher(wooConfig(tenant, { consumerSecret: "cs_wrong_secret_000" }), testDeps()),
    secrets: [WOO_KEY, WOO_SECRET, "cs_wrong_secret_000"],
    seed: async (stock) => void (await tenant.control("seed", { products: Object.entries(stock).map(([sku, n]) => ({ sku, stock: n })) })),
    level: async (sku) => (await tenant.state<WooState>()).products.find((p) => p.sku === sku)?.stock_quantity ?? null,
    sellBeforeNextCall: async (sku, units) => void (await tenant.control("sell", { sku, units, on: "next-call" })),
    throttleNextCall: async () => {
      // WooCommerce itself has no REST limit; the host in front of it answers 429 with Retry-After.
      await tenant.control("faults", { kind: "status", status: 429, headers: { "retry-after": "7" }, body: { code: "too_many_requests", message: "Too many requests", data: { status: 429 } } });
      return 7;
    },
    failNextCall: async (status, body, contentType = "application/json") => void (await tenant.control("faults", { kind: "status", status, body, headers: { "content-type": contentType } })),
    callCount: async () => (await tenant.calls()).length,
    // One read by SKU list and one batch write per 100 simple products.
    minimumCalls: (n) => 2 * Math.ceil(n / 100),
  };
}
