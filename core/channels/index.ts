/**
 * Channel webhook adapters, one per provider, looked up by the connection's kind.
 *
 * @example
 * const adapter = adapterFor(conn.kind);            // undefined for x12 (own endpoint)
 * const delivery = await adapter.verify(req, info); // 401 unless ok
 * const events = adapter.parse(req, info, delivery.value);
 */
import { amazonAdapter } from "./amazon";
import { bigcommerceAdapter } from "./bigcommerce";
import { shopifyAdapter } from "./shopify";
import { standardAdapter } from "./standard";
import type { ChannelAdapter, WebhookConnectionKind } from "./types";
import { woocommerceAdapter } from "./woocommerce";

export const adapters: Record<WebhookConnectionKind, ChannelAdapter> = {
  shopify: shopifyAdapter,
  woocommerce: woocommerceAdapter,
  amazon: amazonAdapter,
  bigcommerce: bigcommerceAdapter,
  standard: standardAdapter,
};

/** The adapter for a connection kind, or undefined for kinds that do not arrive as webhooks. */
export function adapterFor(kind: string): ChannelAdapter | undefined {
  return Object.hasOwn(adapters, kind) ? adapters[kind as WebhookConnectionKind] : undefined;
}

export { bigcommerceOrderToCanonical, BIGCOMMERCE_STATUSES } from "./bigcommerce";
export type * from "./types";
