/** Shared steps of the publishing tests: a channel connection on a stub tenant, stock, and polling for what the stub holds. */
import { env } from "cloudflare:test";
import { expect, vi } from "vitest";
import { StubTenant } from "../../connectors/channels/testing/support";
import { admin, call, createKey, uid } from "../helpers";

export const SHOPIFY_LOCATION = "gid://shopify/Location/1";
export const AMAZON = { clientId: "amzn1.application-oa2-client.stub0123", clientSecret: "amzn1.oa2-cs.v1.stubsecret0123456789", refreshToken: "Atzr|IwEBIstubrefreshtoken0123456789", sellerId: "A1STUBSELLER01", marketplaceId: "ATVPDKIKX0DER" };

export type Provider = "shopify" | "woocommerce" | "bigcommerce" | "amazon";

/** The connection settings that point a provider's publisher at its stub tenant. */
export function providerSettings(kind: Provider, tenant: StubTenant): Record<string, unknown> {
  switch (kind) {
    case "shopify":
      return { shopDomain: "switchyard-test.myshopify.com", accessToken: "shpat_stub_token", apiBaseUrl: tenant.base, publish: { enabled: true, locations: { DC1: SHOPIFY_LOCATION } } };
    case "woocommerce":
      return { consumerKey: "ck_stub_0123456789abcdef", consumerSecret: "cs_stub_fedcba9876543210", apiBaseUrl: tenant.base, publish: { enabled: true } };
    case "bigcommerce":
      return { storeHash: "stub123", apiToken: "bc_stub_token_0123456789", apiBaseUrl: tenant.base, publish: { enabled: true, locations: { DC1: "1" } } };
    case "amazon":
      return {
        lwaClientId: AMAZON.clientId,
        lwaClientSecret: AMAZON.clientSecret,
        refreshToken: AMAZON.refreshToken,
        sellerId: AMAZON.sellerId,
        marketplaceIds: [AMAZON.marketplaceId],
        apiBaseUrl: tenant.base,
        lwaTokenUrl: `${tenant.base}/auth/o2/token`,
        publish: { enabled: true },
      };
  }
}

const stubs = env as unknown as { SHOPIFY_STUB_URL: string; WOO_STUB_URL: string; BIGCOMMERCE_STUB_URL: string; AMAZON_STUB_URL: string };
export const STUB_URL: Record<Provider, () => string> = {
  shopify: () => stubs.SHOPIFY_STUB_URL,
  woocommerce: () => stubs.WOO_STUB_URL,
  bigcommerce: () => stubs.BIGCOMMERCE_STUB_URL,
  amazon: () => stubs.AMAZON_STUB_URL,
};

/** Seeds the stub with these SKUs at `n` units. */
export async function seed(kind: Provider, tenant: StubTenant, skus: string[], n = 0): Promise<void> {
  const body =
    kind === "shopify"
      ? { items: skus.map((sku) => ({ sku, levels: { [SHOPIFY_LOCATION]: n } })) }
      : kind === "woocommerce"
        ? { products: skus.map((sku) => ({ sku, stock: n })) }
        : kind === "bigcommerce"
          ? { items: skus.map((sku) => ({ sku, levels: { 1: n } })) }
          : { listings: skus.map((sku) => ({ sku, quantity: n })) };
  await tenant.control("seed", body);
}

/** What the stub holds for each SKU now. */
export async function levels(kind: Provider, tenant: StubTenant): Promise<Record<string, number | null>> {
  const s = await tenant.state<Record<string, unknown>>();
  const out: Record<string, number | null> = {};
  if (kind === "shopify") for (const i of s.items as { sku: string; levels: Record<string, number> }[]) out[i.sku] = i.levels[SHOPIFY_LOCATION] ?? null;
  if (kind === "woocommerce") for (const p of s.products as { sku: string; stock_quantity: number | null }[]) out[p.sku] = p.stock_quantity;
  if (kind === "bigcommerce") for (const i of s.items as { sku: string; levels: Record<string, number> }[]) out[i.sku] = i.levels["1"] ?? null;
  if (kind === "amazon") for (const l of s.listings as { sku: string; quantity: number }[]) out[l.sku] = l.quantity;
  return out;
}

/** A channel with its own policy and one publishing connection on a fresh stub tenant. */
export async function publishingChannel(kind: Provider, opts: { policy?: Record<string, unknown>; settings?: Record<string, unknown> } = {}) {
  const tenant = new StubTenant(STUB_URL[kind]());
  const channel = uid(`ch-${kind}`);
  const connectionId = uid(`pub-${kind}`);
  const policy = await admin(`/v1/admin/channels/${channel}/policy`, "PUT", opts.policy ?? { locations: ["DC1"] });
  expect(policy.status).toBe(200);
  const res = await admin(`/v1/admin/connections/${connectionId}`, "PUT", { kind, secret: "webhook-secret-123", settings: { channel, ...providerSettings(kind, tenant), ...opts.settings } });
  expect(res.status).toBe(201);
  return { tenant, channel, connectionId };
}

/** Sets a SKU's on-hand at DC1 (an ERP snapshot as of now). */
export async function setStock(sku: string, onHand: number, location = "DC1") {
  const res = await admin("/v1/inventory/events", "POST", {
    events: [{ eventId: uid("snap"), source: "erp", type: "snapshot", sku, location, asOf: new Date().toISOString(), quantities: { onHand, committed: 0 } }],
  });
  expect(res.status).toBe(202);
}

/** Waits until the stub holds exactly `expected` for each SKU named. */
export async function waitForLevels(kind: Provider, tenant: StubTenant, expected: Record<string, number>, timeout = 20_000) {
  await vi.waitFor(
    async () => {
      const now = await levels(kind, tenant);
      const wrong = Object.entries(expected).filter(([sku, n]) => now[sku] !== n);
      if (wrong.length) throw new Error(`stub holds ${JSON.stringify(Object.fromEntries(wrong.slice(0, 5).map(([sku]) => [sku, now[sku]])))}, want ${JSON.stringify(Object.fromEntries(wrong.slice(0, 5)))}`);
    },
    { timeout, interval: 150 },
  );
}

let opsKey: string | null = null;
/** `GET /v1/ops/publishing` with an ops:read key. */
export async function publishing(limit = 50) {
  opsKey ??= await createKey(["ops:read", "ops:write", "availability:read"]);
  const res = await call(`/v1/ops/publishing?limit=${limit}`, { headers: { authorization: `Bearer ${opsKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as {
    totals: { connections: number; pending: number; failed: number; deadLettersOpen: number; lagP50Ms: number | null; lagP99Ms: number | null };
    connections: { connectionId: string; channel: string; kind: string; items: { pending: number; rejected: number; dead: number }; lagMs: { p50: number | null; p99: number | null }; calls: number; folded: number; lastOkAt: string | null; throttledUntil?: string; pausedUntil?: string; lastError?: string; skus?: { sku: string; published: number; acknowledged: number | null; state: string }[] }[];
  };
}

export async function connectionStatus(connectionId: string, limit = 50) {
  const s = await publishing(limit);
  const c = s.connections.find((x) => x.connectionId === connectionId);
  if (!c) throw new Error(`no ${connectionId} in /v1/ops/publishing`);
  return c;
}

export async function opsKeyValue() {
  opsKey ??= await createKey(["ops:read", "ops:write", "availability:read"]);
  return opsKey;
}

/** The figure Switchyard serves for the channel. */
export async function served(sku: string, channel: string): Promise<number> {
  const key = await opsKeyValue();
  const res = await call(`/v1/availability/${encodeURIComponent(sku)}?channel=${channel}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { available: number }).available;
}
