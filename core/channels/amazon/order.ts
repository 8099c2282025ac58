/**
 * SP-API Orders v0 → canonical order. Amazon's notifications carry no prices, buyer or address,
 * so whoever fetches `GET /orders/v0/orders/{id}` and `/orderItems` hands both payloads here.
 * `ItemPrice` is the price of the whole line (unit price × quantity); the unit price is derived.
 * Without a restricted-data token the shipping address is partial (no name or street): it is
 * then left out rather than invented.
 */
import { z } from "zod";
import type { CanonicalOrder, Result } from "../../canonical";
import { compact, invalidPayload, present, toDecimal, validOrder } from "../payload";
import type { ParseFailure } from "../types";

const text = z.string().nullish();
const money = z.looseObject({ CurrencyCode: z.string().min(3), Amount: z.string() }).nullish();

const spOrderSchema = z.looseObject({
  AmazonOrderId: z.string().min(1),
  PurchaseDate: z.string().min(1),
  LastUpdateDate: z.string().min(1),
  OrderStatus: z.string().min(1),
  FulfillmentChannel: text,
  OrderTotal: money,
  ShippingAddress: z
    .looseObject({ Name: text, AddressLine1: text, AddressLine2: text, City: text, StateOrRegion: text, PostalCode: text, CountryCode: text })
    .nullish(),
  BuyerInfo: z.looseObject({ BuyerEmail: text, BuyerName: text }).nullish(),
});

const spItemsSchema = z.array(
  z.looseObject({
    OrderItemId: z.string().min(1),
    SellerSKU: text,
    ASIN: text,
    Title: text,
    QuantityOrdered: z.number().int().nonnegative(),
    ItemPrice: money,
  }),
);

export type AmazonOrder = z.infer<typeof spOrderSchema>;

/** Whether Amazon fulfils the order from its own network (FBA): nothing of ours to reserve or ship. */
export function isFulfilledByAmazon(order: unknown): boolean {
  return spOrderSchema.safeParse(order).data?.FulfillmentChannel === "AFN";
}

/**
 * @example amazonOrderToCanonical((await getOrder(id)).payload, (await getOrderItems(id)).payload.OrderItems, "amazon-us")
 */
export function amazonOrderToCanonical(order: unknown, items: unknown, channel: string): Result<CanonicalOrder, ParseFailure> {
  const o = spOrderSchema.safeParse(order);
  if (!o.success) return invalidPayload(o.error, "order");
  const i = spItemsSchema.safeParse(items);
  if (!i.success) return invalidPayload(i.error, "orderItems");
  const a = o.data.ShippingAddress;
  const shipTo =
    a && present(a.Name) && present(a.AddressLine1) && present(a.City) && present(a.PostalCode) && present(a.CountryCode)
      ? compact({ name: a.Name!, line1: a.AddressLine1!, line2: present(a.AddressLine2), city: a.City!, region: present(a.StateOrRegion), postalCode: a.PostalCode!, country: a.CountryCode! })
      : undefined;
  const currency = o.data.OrderTotal?.CurrencyCode ?? i.data.find((x) => x.ItemPrice)?.ItemPrice?.CurrencyCode;
  return validOrder(
    compact({
      channel,
      externalId: o.data.AmazonOrderId,
      version: Date.parse(o.data.LastUpdateDate),
      // Amazon does not share the buyer's identity with sellers; the buyer email is an anonymised relay.
      customer: compact({ id: present(o.data.BuyerInfo?.BuyerEmail) ?? `amazon:${o.data.AmazonOrderId}`, name: present(o.data.BuyerInfo?.BuyerName), email: present(o.data.BuyerInfo?.BuyerEmail) }),
      shipTo,
      currency,
      lines: i.data
        .filter((x) => x.QuantityOrdered > 0)
        .map((x) =>
          compact({
            sku: present(x.SellerSKU) ?? `amazon-asin-${x.ASIN ?? x.OrderItemId}`,
            quantity: x.QuantityOrdered,
            unitPrice: x.ItemPrice ? toDecimal((Number(x.ItemPrice.Amount) / x.QuantityOrdered).toFixed(2)) : undefined,
            externalLineId: x.OrderItemId,
            name: present(x.Title),
          }),
        ),
      placedAt: new Date(Date.parse(o.data.PurchaseDate)).toISOString(),
      total: toDecimal(o.data.OrderTotal?.Amount),
      channelStatus: o.data.OrderStatus,
    }),
  );
}
