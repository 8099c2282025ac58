/** The conformance harness for the Amazon publisher against scripts/stubs/amazon.mjs. */
import { AMAZON_DEFAULT_FEED_THRESHOLD, createAmazonPublisher } from "../../amazon";
import type { PublisherConfig } from "../../types";
import type { PublisherHarness } from "../conformance";
import { StubTenant, testDeps } from "../support";

export const AMAZON = {
  clientId: "amzn1.application-oa2-client.stub0123",
  clientSecret: "amzn1.oa2-cs.v1.stubsecret0123456789",
  refreshToken: "Atzr|IwEBIstubrefreshtoken0123456789",
  sellerId: "A1STUBSELLER01",
  marketplaceId: "ATVPDKIKX0DER",
};

export function amazonConfig(tenant: StubTenant, settings: Record<string, unknown> = {}): PublisherConfig {
  return {
    connectionId: `amazon-${tenant.id}`,
    kind: "amazon",
    channel: "amazon-us",
    settings: {
      lwaClientId: AMAZON.clientId,
      lwaClientSecret: AMAZON.clientSecret,
      refreshToken: AMAZON.refreshToken,
      sellerId: AMAZON.sellerId,
      marketplaceIds: [AMAZON.marketplaceId],
      apiBaseUrl: tenant.base,
      lwaTokenUrl: `${tenant.base}/auth/o2/token`,
      ...settings,
    },
  };
}

export type AmazonState = {
  listings: Array<{ sku: string; fulfillment: string; quantity: number }>;
  patches: Array<{ sku: string; via: "api" | "feed"; body: { productType: string; patches: unknown[] } }>;
  fbaPatched: string[];
  feeds: Array<{ feedId: string; messages: Array<{ sku: string; operationType: string; patches: unknown[] }> }>;
};

/** @example runPublisherConformance("amazon", () => amazonHarness(env.AMAZON_STUB_URL)) */
export async function amazonHarness(stubUrl: string): Promise<PublisherHarness> {
  const tenant = new StubTenant(stubUrl);
  return {
    publisher: createAmazonPublisher(amazonConfig(tenant), testDeps()),
    withBadCredentials: createAmazonPublisher(amazonConfig(tenant, { refreshToken: "Atzr|revoked-refresh-token" }), testDeps()),
    secrets: [AMAZON.clientSecret, AMAZON.refreshToken, "Atzr|revoked-refresh-token"],
    seed: async (stock) => void (await tenant.control("seed", { listings: Object.entries(stock).map(([sku, quantity]) => ({ sku, quantity })) })),
    level: async (sku) => (await tenant.state<AmazonState>()).listings.find((l) => l.sku === sku)?.quantity ?? null,
    sellBeforeNextCall: async (sku, units) => void (await tenant.control("sell", { sku, units, on: "next-call" })),
    throttleNextCall: async () => {
      // A 429 carries no delay; the listings read was last seen at 5 requests/s: one token is 1 s.
      await tenant.control("faults", { kind: "status", status: 429, body: { errors: [{ code: "QuotaExceeded", message: "You exceeded your quota for the requested resource.", details: "" }] } });
      return 1;
    },
    failNextCall: async (status, body, contentType = "application/json") => void (await tenant.control("faults", { kind: "status", status, body, headers: { "content-type": contentType } })),
    callCount: async () => (await tenant.calls()).length,
    // Token cached: one search per 20 SKUs, then a PATCH each, or above the threshold one feed
    // (createFeedDocument, the upload, createFeed).
    minimumCalls: (n) => Math.ceil(n / 20) + (n > AMAZON_DEFAULT_FEED_THRESHOLD ? 3 : n),
  };
}
