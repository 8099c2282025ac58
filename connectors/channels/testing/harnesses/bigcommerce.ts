/** The conformance harness for the BigCommerce publisher against scripts/stubs/bigcommerce.mjs. */
import { createBigCommercePublisher } from "../../bigcommerce";
import type { PublisherConfig } from "../../types";
import type { PublisherHarness } from "../conformance";
import { StubTenant, testDeps } from "../support";

export const BIGCOMMERCE_TOKEN = "bc_stub_token_0123456789";

export function bigcommerceConfig(tenant: StubTenant, settings: Record<string, unknown> = {}, locations: Record<string, string> = { DC1: "1" }): PublisherConfig {
  return { connectionId: `bc-${tenant.id}`, kind: "bigcommerce", channel: "b2b", settings: { storeHash: "stub123", apiToken: BIGCOMMERCE_TOKEN, apiBaseUrl: tenant.base, ...settings }, locations };
}

export type BigCommerceState = { items: Array<{ sku: string; levels: Record<string, number> }>; adjustments: Array<{ items: unknown[] }> };

/** @example runPublisherConformance("bigcommerce", () => bigcommerceHarness(env.BIGCOMMERCE_STUB_URL)) */
export async function bigcommerceHarness(stubUrl: string): Promise<PublisherHarness> {
  const tenant = new StubTenant(stubUrl);
  return {
    publisher: createBigCommercePublisher(bigcommerceConfig(tenant), testDeps()),
    withBadCredentials: createBigCommercePublisher(bigcommerceConfig(tenant, { apiToken: "bc_wrong_token_999" }), testDeps()),
    secrets: [BIGCOMMERCE_TOKEN, "bc_wrong_token_999"],
    channelLocation: "DC1",
    seed: async (stock) => void (await tenant.control("seed", { items: Object.entries(stock).map(([sku, n]) => ({ sku, levels: { 1: n } })) })),
    level: async (sku) => (await tenant.state<BigCommerceState>()).items.find((i) => i.sku === sku)?.levels["1"] ?? null,
    sellBeforeNextCall: async (sku, units) => void (await tenant.control("sell", { sku, units, on: "next-call" })),
    throttleNextCall: async () => {
      await tenant.control("faults", {
        kind: "status",
        status: 429,
        headers: { "content-type": "application/problem+json", "x-rate-limit-requests-left": "0", "x-rate-limit-requests-quota": "150", "x-rate-limit-time-window-ms": "30000", "x-rate-limit-time-reset-ms": "4500" },
        body: { status: 429, title: "Too many requests", type: "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes", errors: {} },
      });
      return 5;
    },
    failNextCall: async (status, body, contentType = "application/json") => void (await tenant.control("faults", { kind: "status", status, body, headers: { "content-type": contentType } })),
    callCount: async () => (await tenant.calls()).length,
    // One read of the levels (100 SKUs per read) and one absolute adjustment.
    minimumCalls: (n) => Math.ceil(n / 100) + 1,
  };
}
