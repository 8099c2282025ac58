/** The conformance harness for the Shopify publisher against scripts/stubs/shopify.mjs. */
import { createShopifyPublisher } from "../../shopify";
import type { PublisherConfig } from "../../types";
import type { PublisherHarness } from "../conformance";
import { StubTenant, testDeps } from "../support";

export const SHOPIFY_TOKEN = "shpat_stub_token";
export const SHOPIFY_LOCATION = "gid://shopify/Location/1";

export function shopifyConfig(tenant: StubTenant, settings: Record<string, unknown> = {}): PublisherConfig {
  return {
    connectionId: `shopify-${tenant.id}`,
    kind: "shopify",
    channel: "web",
    settings: { shopDomain: "conformance.myshopify.com", accessToken: SHOPIFY_TOKEN, apiBaseUrl: tenant.base, ...settings },
    locations: { DC1: SHOPIFY_LOCATION },
  };
}

type ShopifyState = { items: Array<{ sku: string; levels: Record<string, number> }> };

/** @example runPublisherConformance("shopify", () => shopifyHarness(env.SHOPIFY_STUB_URL)) */
export async function shopifyHarness(stubUrl: string): Promise<PublisherHarness> {
  const tenant = new StubTenant(stubUrl);
  return {
    publisher: createShopifyPublisher(shopifyConfig(tenant), testDeps()),
    withBadCredentials: createShopifyPublisher(shopifyConfig(tenant, { accessToken: "shpat_wrong_token" }), testDeps()),
    secrets: [SHOPIFY_TOKEN, "shpat_wrong_token"],
    channelLocation: "DC1",
    seed: async (stock) => void (await tenant.control("seed", { items: Object.entries(stock).map(([sku, n]) => ({ sku, levels: { [SHOPIFY_LOCATION]: n } })) })),
    level: async (sku) => (await tenant.state<ShopifyState>()).items.find((i) => i.sku === sku)?.levels[SHOPIFY_LOCATION] ?? null,
    sellBeforeNextCall: async (sku, units) => void (await tenant.control("sell", { sku, units, on: "next-call" })),
    throttleNextCall: async () => {
      // A mutation asks for 10 points; an empty bucket refilling at 2/s is ready in 5 s.
      await tenant.control("faults", { kind: "throttle", currentlyAvailable: 0, restoreRate: 2 });
      return 5;
    },
    failNextCall: async (status, body, contentType = "application/json") => void (await tenant.control("faults", { kind: "status", status, body, headers: { "content-type": contentType } })),
    callCount: async () => (await tenant.calls()).length,
    // Ids cached: one inventorySetQuantities for up to 250 rows.
    minimumCalls: (n) => Math.ceil(n / 250),
  };
}
