/**
 * The channel publishers by connection kind (x12 is built separately and joins this table).
 * @example const publisher = PUBLISHER_FACTORIES[conn.kind]?.(config, deps);
 */
import { createAmazonPublisher } from "./amazon";
import { createBigCommercePublisher } from "./bigcommerce";
import { createShopifyPublisher } from "./shopify";
import type { PublisherFactory, PublisherKind } from "./types";
import { createWooCommercePublisher } from "./woocommerce";

export const PUBLISHER_FACTORIES: Partial<Record<PublisherKind, PublisherFactory>> = {
  shopify: createShopifyPublisher,
  woocommerce: createWooCommercePublisher,
  bigcommerce: createBigCommercePublisher,
  amazon: createAmazonPublisher,
};

export { createAmazonPublisher, createBigCommercePublisher, createShopifyPublisher, createWooCommercePublisher };
