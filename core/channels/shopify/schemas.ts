/**
 * The parts of Shopify's REST webhook payloads we read. Loose objects: Shopify adds fields with
 * every API version, and an unknown field must never quarantine an order.
 */
import { z } from "zod";
import { externalIdSchema } from "../payload";

const text = z.string().nullish();
const amount = z.union([z.string(), z.number()]).nullish();
const timestamp = z.string().refine((s) => Number.isFinite(Date.parse(s)), "must be an ISO 8601 timestamp");

export const shopifyAddressSchema = z.looseObject({
  name: text,
  first_name: text,
  last_name: text,
  company: text,
  address1: text,
  address2: text,
  city: text,
  province: text,
  province_code: text,
  zip: text,
  country: text,
  country_code: text,
});
export type ShopifyAddress = z.infer<typeof shopifyAddressSchema>;

/** A line as it appears in orders, refunds (`line_item`) and fulfillments. */
export const shopifyLineSchema = z.looseObject({
  id: externalIdSchema,
  admin_graphql_api_id: text,
  sku: text,
  variant_id: externalIdSchema.nullish(),
  name: text,
  title: text,
});
export type ShopifyLine = z.infer<typeof shopifyLineSchema>;

export const shopifyOrderSchema = z.looseObject({
  id: externalIdSchema,
  admin_graphql_api_id: text,
  email: text,
  contact_email: text,
  created_at: timestamp,
  updated_at: timestamp,
  currency: z.string(),
  total_price: amount,
  financial_status: text,
  fulfillment_status: text,
  cancel_reason: text,
  /** Set once Shopify cancelled the order: the signed body, not the unsigned topic header, says so. */
  cancelled_at: text,
  note: text,
  customer: z
    .looseObject({
      id: externalIdSchema,
      admin_graphql_api_id: text,
      email: text,
      first_name: text,
      last_name: text,
    })
    .nullish(),
  shipping_address: shopifyAddressSchema.nullish(),
  billing_address: shopifyAddressSchema.nullish(),
  line_items: z.array(shopifyLineSchema.extend({ quantity: z.number().int(), price: amount })),
});
export type ShopifyOrder = z.infer<typeof shopifyOrderSchema>;

export const shopifyRefundSchema = z.looseObject({
  id: externalIdSchema,
  admin_graphql_api_id: text,
  order_id: externalIdSchema,
  refund_line_items: z.array(
    z.looseObject({
      line_item_id: externalIdSchema,
      quantity: z.number().int().nonnegative(),
      restock_type: text,
      subtotal_set: z.looseObject({ shop_money: z.looseObject({ currency_code: text }).nullish() }).nullish(),
      line_item: shopifyLineSchema.nullish(),
    }),
  ),
  transactions: z
    .array(z.looseObject({ kind: text, status: text, amount, currency: text }))
    .nullish(),
});
export type ShopifyRefund = z.infer<typeof shopifyRefundSchema>;

export const shopifyFulfillmentSchema = z.looseObject({
  id: externalIdSchema,
  admin_graphql_api_id: text,
  order_id: externalIdSchema,
  status: text,
  tracking_company: text,
  tracking_number: text,
  line_items: z.array(shopifyLineSchema.extend({ quantity: z.number().int().nonnegative() })),
});
export type ShopifyFulfillment = z.infer<typeof shopifyFulfillmentSchema>;

export const shopifyInventoryLevelSchema = z.looseObject({
  inventory_item_id: externalIdSchema,
  location_id: externalIdSchema,
  available: z.number().int().nullable(),
  updated_at: timestamp,
  admin_graphql_api_id: text,
});
export type ShopifyInventoryLevel = z.infer<typeof shopifyInventoryLevelSchema>;
