/**
 * BigCommerce V2 REST order → canonical order. Webhooks carry only ids, so whoever fetches
 * `GET /v2/orders/{id}`, `/products` and `/shipping_addresses` hands the three bodies here.
 */
import { z } from "zod";
import type { CanonicalOrder, Result } from "../../canonical";
import { compact, externalIdSchema, fullName, invalidPayload, present, toDecimal, validOrder } from "../payload";
import type { ParseFailure } from "../types";

/** The store's built-in statuses by `status_id` (names can be relabelled per store; ids cannot). */
export const BIGCOMMERCE_STATUSES: Record<number, string> = {
  0: "Incomplete",
  1: "Pending",
  2: "Shipped",
  3: "Partially Shipped",
  4: "Refunded",
  5: "Cancelled",
  6: "Declined",
  7: "Awaiting Payment",
  8: "Awaiting Pickup",
  9: "Awaiting Shipment",
  10: "Completed",
  11: "Awaiting Fulfillment",
  12: "Manual Verification Required",
  13: "Disputed",
  14: "Partially Refunded",
};

const text = z.string().nullish();
const amount = z.union([z.string(), z.number()]).nullish();
/** V2 dates are RFC 2822: "Tue, 20 Nov 2012 00:00:00 +0000". */
const rfcDate = z.string().refine((s) => Number.isFinite(Date.parse(s)), "must be a date");

const bcAddress = z.looseObject({
  first_name: text,
  last_name: text,
  company: text,
  street_1: text,
  street_2: text,
  city: text,
  state: text,
  zip: text,
  country: text,
  country_iso2: text,
  email: text,
});

const bcOrderSchema = z.looseObject({
  id: externalIdSchema,
  customer_id: externalIdSchema.nullish(),
  date_created: rfcDate,
  date_modified: rfcDate,
  status_id: z.number().int().nullish(),
  status: text,
  currency_code: z.string(),
  total_inc_tax: amount,
  customer_message: text,
  billing_address: bcAddress.nullish(),
});

const bcProductsSchema = z.array(
  z.looseObject({
    id: externalIdSchema,
    product_id: externalIdSchema.nullish(),
    variant_id: externalIdSchema.nullish(),
    name: text,
    sku: text,
    quantity: z.number().int(),
    price_ex_tax: amount,
  }),
);

const bcShippingAddressesSchema = z.array(bcAddress.extend({ id: externalIdSchema.nullish() }));

function mapAddress(a: z.infer<typeof bcAddress> | undefined) {
  if (!a) return undefined;
  return compact({
    name: fullName(a.first_name, a.last_name) ?? present(a.company),
    line1: present(a.street_1),
    line2: present(a.street_2),
    city: present(a.city),
    region: present(a.state),
    postalCode: present(a.zip),
    country: present(a.country_iso2) ?? present(a.country),
  });
}

/**
 * Maps the three V2 bodies to a validated CanonicalOrder. Issues are prefixed with the body they
 * came from (`order.`, `products.`, `shipping_addresses.`), or carry canonical paths.
 * Orders shipping to several addresses keep the first: the canonical order has one `shipTo`.
 *
 * @example bigcommerceOrderToCanonical(await get(`/v2/orders/250`), await get(`/v2/orders/250/products`), await get(`/v2/orders/250/shipping_addresses`), "bc-store")
 */
export function bigcommerceOrderToCanonical(
  order: unknown,
  products: unknown,
  shippingAddresses: unknown,
  channel: string,
): Result<CanonicalOrder, ParseFailure> {
  const o = bcOrderSchema.safeParse(order);
  if (!o.success) return invalidPayload(o.error, "order");
  const p = bcProductsSchema.safeParse(products);
  if (!p.success) return invalidPayload(p.error, "products");
  const s = bcShippingAddressesSchema.safeParse(shippingAddresses ?? []);
  if (!s.success) return invalidPayload(s.error, "shipping_addresses");

  const email = present(o.data.billing_address?.email);
  // customer_id 0 is a guest order.
  const customerId = o.data.customer_id && o.data.customer_id !== "0" ? o.data.customer_id : (email ?? "guest");
  const billTo = mapAddress(o.data.billing_address ?? undefined);
  return validOrder(
    compact({
      channel,
      externalId: o.data.id,
      version: Date.parse(o.data.date_modified),
      customer: compact({ id: customerId, name: fullName(o.data.billing_address?.first_name, o.data.billing_address?.last_name), email }),
      shipTo: mapAddress(s.data[0]),
      billTo: billTo && Object.keys(billTo).length ? billTo : undefined,
      currency: o.data.currency_code,
      lines: p.data.map((l) =>
        compact({
          // Custom products have no catalog SKU; the order product row id keeps them addressable.
          sku: present(l.sku) ?? (l.product_id && l.product_id !== "0" ? `bc-product-${l.product_id}` : `bc-line-${l.id}`),
          quantity: l.quantity,
          unitPrice: toDecimal(l.price_ex_tax),
          externalLineId: l.id,
          name: present(l.name),
        }),
      ),
      placedAt: new Date(Date.parse(o.data.date_created)).toISOString(),
      channelStatus: present(o.data.status) ?? (o.data.status_id != null ? BIGCOMMERCE_STATUSES[o.data.status_id] : undefined),
      notes: present(o.data.customer_message),
      total: toDecimal(o.data.total_inc_tax),
    }),
  );
}
