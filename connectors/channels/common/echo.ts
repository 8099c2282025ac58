/**
 * Echo recognition: a channel reports our own write back as an inventory change (Shopify
 * `inventory_levels/update`, Woo `product.updated`, BigCommerce `store/sku/inventory/updated`,
 * Amazon `LISTINGS_ITEM_MFN_QUANTITY_CHANGE`), and none of those payloads says who made the
 * change. So an observation is our echo when it shows exactly the figure we last published, within
 * the time the channel takes to apply and report a write. Treating an equal figure as an echo is
 * safe even when it is not one: the channel then holds what we told it, so there is nothing new.
 */
import type { Publisher } from "../types";

/** How far before our acknowledgment a channel's own timestamp of the change may lie (clock skew, request time). */
const SKEW_MS = 120_000;

/**
 * An `isEcho` for a provider that reports within `windowMs` after our write.
 * @example echoWithin(300_000)({ externalItemId: "1", available: 5, observedAt: iso }, { available: 5, at: Date.parse(iso) }) // true
 */
export function echoWithin(windowMs: number): Publisher["isEcho"] {
  return (observed, lastPublished) => {
    if (!lastPublished || observed.available === null || observed.available === undefined) return false;
    if (observed.available !== lastPublished.available) return false;
    const at = Date.parse(observed.observedAt);
    if (Number.isNaN(at)) return false;
    return at >= lastPublished.at - SKEW_MS && at <= lastPublished.at + windowMs;
  };
}
