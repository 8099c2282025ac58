/**
 * The channel publisher contract: one module per provider (Shopify, WooCommerce, BigCommerce,
 * Amazon, X12 846) behind this interface, telling a channel what it may sell. Publishers do
 * network I/O with the `fetch` they are given and nothing else (no bindings, no storage): the
 * host (a per-connection publisher object) owns coalescing, ordering, retries and dead letters,
 * and passes in what it last had acknowledged so a publisher can avoid racing the channel's own
 * sales. The same conformance suite runs against every publisher and its loopback stub.
 *
 * Rules every publisher keeps:
 * - **Never throws.** Each item comes back classified: `ok` (with the figure the channel now
 *   holds), `retry` (transient, throttled: with the provider's own delay), `rejected` (the
 *   channel refused this item: unknown SKU, not managed, FBA offer) or `config` (credentials).
 * - **One call per batch where the provider allows it** (Woo batch, BigCommerce adjustments by
 *   SKU list, Shopify `inventorySetQuantities` with many quantities, Amazon JSON_LISTINGS_FEED for
 *   many SKUs); the host sends only the newest figure per SKU.
 * - **No race with the channel's own sale:** compare-and-set where the provider has it (Shopify
 *   `compareQuantity` / `changeFromQuantity`), otherwise a delta from `lastAcknowledged` or a
 *   refresh-then-set; each module says in its header which guarantee holds.
 * - Provider ids (Shopify inventory item ids, Woo product/variation ids, BigCommerce variant ids)
 *   are looked up by SKU and cached (the `IdCache` the host passes in).
 * - Rate limits are read from every answer (Shopify `extensions.cost.throttleStatus`, BigCommerce
 *   `X-Rate-Limit-*`, 429 + `Retry-After`, Amazon rate/burst) and reported in `throttle`.
 * - No credential appears in a reason or result; provider bodies are cut to 500 characters.
 */

export const PUBLISHER_KINDS = ["shopify", "woocommerce", "bigcommerce", "amazon", "x12"] as const;
export type PublisherKind = (typeof PUBLISHER_KINDS)[number];

/** A channel connection's settings relevant to publishing (CONTRACT.md), secrets unsealed. */
export interface PublisherConfig {
  connectionId: string;
  kind: PublisherKind;
  channel: string;
  /** Default: the provider's production endpoint. Tests and sandboxes point it at a stub. */
  apiBaseUrl?: string;
  /** Provider credentials and ids from the connection's settings (shopDomain, accessToken, consumerKey, consumerSecret, storeHash, apiToken, lwaClientId, lwaClientSecret, refreshToken, sellerId, marketplaceIds, outboundUrl, …). */
  settings: Record<string, unknown>;
  /** Switchyard location → channel location id (Shopify location GID, BigCommerce location id). */
  locations?: Record<string, string>;
}

export interface PublisherDeps {
  fetch: typeof fetch;
  now(): number;
  timeoutMs?: number;
  /** Provider ids by SKU, cached by the host across calls. */
  ids: IdCache;
}

export interface IdCache {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** The newest figure for one SKU (at one channel location, when the provider is per-location). */
export interface PublishItem {
  sku: string;
  /** The channel's figure: what it may sell. Never raw on-hand. */
  available: number;
  /** Channel location id, for per-location providers. */
  channelLocation?: string;
  /** The figure the channel last acknowledged from us (null: never published), for CAS or deltas. */
  lastAcknowledged: number | null;
  /** Monotonic per (connection, SKU, location): a figure is never sent after a newer one. */
  seq: number;
}

export type ItemOutcome =
  | { sku: string; channelLocation?: string; outcome: "ok"; acknowledged: number }
  | {
      sku: string;
      channelLocation?: string;
      outcome: "retry";
      reason: string;
      /**
       * What the channel holds now, when the publisher re-read it because the channel changed the
       * figure itself since `lastAcknowledged` (a compare-and-set lost to the channel's own sale).
       * The host folds `lastAcknowledged − channelAvailable` into its figure if it has not counted
       * that sale yet, stores `channelAvailable` as the new `lastAcknowledged`, and sends again.
       */
      channelAvailable?: number;
    }
  | { sku: string; channelLocation?: string; outcome: "rejected"; reason: string }
  | { sku: string; channelLocation?: string; outcome: "config"; reason: string };

export interface PublishResult {
  items: ItemOutcome[];
  /** Calls made to the provider for this batch (the coalescing ratio counts these). */
  calls: number;
  /** The provider asked us to slow down: wait at least this long before the next call. */
  throttle?: { retryAfterSeconds: number; reason: string };
}

export interface Publisher {
  readonly kind: PublisherKind;
  /** The most items one `publish` call should carry for this provider. */
  readonly maxBatch: number;
  publish(items: PublishItem[]): Promise<PublishResult>;
  /**
   * Whether a channel inventory webhook (say Shopify `inventory_levels/update`) is only the echo
   * of our own push: same figure as the last acknowledged one, within a short window.
   */
  isEcho(observed: { sku?: string; externalItemId: string; available: number | null; observedAt: string }, lastPublished: { available: number; at: number } | null): boolean;
}

export type PublisherFactory = (config: PublisherConfig, deps: PublisherDeps) => Publisher;
