/**
 * Shopify REST payloads → canonical events. Ids: JSON numbers lose precision past 2^53 and
 * Shopify's are 64-bit, so the exact id comes from `admin_graphql_api_id` where the payload has
 * one, else from the exact source text payload.ts keeps for large integers.
 */
import { addressSchema, type Address, type CanonicalOrder, type ChannelEvent } from "../../canonical";
import { compact, fullName, gidTail, present, sumDecimals, toDecimal, timeVersion } from "../payload";
import type {
  ShopifyAddress,
  ShopifyFulfillment,
  ShopifyInventoryLevel,
  ShopifyLine,
  ShopifyOrder,
  ShopifyRefund,
} from "./schemas";

/** The id a line is known by; refunds and fulfillments name lines by it. */
export function lineId(l: ShopifyLine): string {
  return gidTail(l.admin_graphql_api_id) ?? l.id;
}

/** Shopify allows lines without a SKU (custom items, untracked variants): keep them addressable. */
export function lineSku(l: ShopifyLine): string {
  return present(l.sku) ?? (l.variant_id ? `shopify-variant-${l.variant_id}` : `shopify-line-${lineId(l)}`);
}

export function mapAddress(a: ShopifyAddress | null | undefined): Partial<Address> | undefined {
  if (!a) return undefined;
  return compact({
    name: present(a.name) ?? fullName(a.first_name, a.last_name) ?? present(a.company),
    line1: present(a.address1),
    line2: present(a.address2),
    city: present(a.city),
    region: present(a.province_code) ?? present(a.province),
    postalCode: present(a.zip),
    country: present(a.country_code) ?? present(a.country),
  });
}

const iso = (s: string) => new Date(Date.parse(s)).toISOString();

/** The unvalidated canonical order; the caller validates it so issues carry canonical paths. */
export function mapOrder(o: ShopifyOrder, channel: string): CanonicalOrder {
  const email = present(o.customer?.email) ?? present(o.email) ?? present(o.contact_email);
  // Guest checkouts carry no customer object: the email is the only stable identity there is.
  const customerId = o.customer ? (gidTail(o.customer.admin_graphql_api_id) ?? o.customer.id) : (email ?? "guest");
  const billTo = addressSchema.safeParse(mapAddress(o.billing_address));
  return compact({
    channel,
    externalId: gidTail(o.admin_graphql_api_id) ?? o.id,
    version: timeVersion(o.updated_at)!,
    customer: compact({
      id: customerId,
      name: fullName(o.customer?.first_name, o.customer?.last_name) ?? present(o.shipping_address?.name),
      email,
    }),
    // A missing shipping address is legitimate (digital goods); an incomplete one is quarantined.
    shipTo: mapAddress(o.shipping_address) as Address | undefined,
    // The billing address is informational: kept only when complete, never a reason to quarantine.
    billTo: billTo.success ? billTo.data : undefined,
    currency: o.currency,
    lines: o.line_items.map((l) =>
      compact({
        sku: lineSku(l),
        quantity: l.quantity,
        unitPrice: toDecimal(l.price),
        externalLineId: lineId(l),
        name: present(l.name) ?? present(l.title),
      }),
    ),
    placedAt: iso(o.created_at),
    channelStatus: `${o.financial_status ?? "unknown"}/${o.fulfillment_status ?? "unfulfilled"}`,
    notes: present(o.note),
    total: toDecimal(o.total_price),
  });
}

export function mapCancellation(o: ShopifyOrder, channel: string): ChannelEvent {
  return compact({
    kind: "cancellation" as const,
    channel,
    externalId: gidTail(o.admin_graphql_api_id) ?? o.id,
    version: timeVersion(o.updated_at)!,
    reason: present(o.cancel_reason),
  });
}

export function mapRefund(r: ShopifyRefund, channel: string): ChannelEvent {
  const settled = (r.transactions ?? []).filter((t) => t.kind === "refund" && t.status === "success");
  const amounts = settled.map((t) => toDecimal(t.amount)).filter((a): a is string => a !== undefined);
  const currency =
    present(settled.find((t) => present(t.currency))?.currency) ??
    present(r.refund_line_items.find((l) => l.subtotal_set?.shop_money?.currency_code)?.subtotal_set?.shop_money?.currency_code);
  return compact({
    kind: "refund" as const,
    channel,
    // Refund payloads carry no order GID: order_id's exact source text is the id.
    externalId: r.order_id,
    refundId: gidTail(r.admin_graphql_api_id) ?? r.id,
    lines: r.refund_line_items.map((l) =>
      compact({
        sku: l.line_item ? lineSku(l.line_item) : undefined,
        externalLineId: l.line_item ? lineId(l.line_item) : l.line_item_id,
        quantity: l.quantity,
        // restock_type: no_restock | cancel | return | legacy_restock; only the first keeps stock out.
        restock: l.restock_type ? l.restock_type !== "no_restock" : undefined,
      }),
    ),
    amount: amounts.length ? sumDecimals(amounts) : undefined,
    currency,
  });
}

export function mapFulfillment(f: ShopifyFulfillment, channel: string): ChannelEvent {
  return compact({
    kind: "fulfillment" as const,
    channel,
    externalId: f.order_id,
    fulfillmentId: gidTail(f.admin_graphql_api_id) ?? f.id,
    status: present(f.status),
    lines: f.line_items.map((l) => ({ sku: lineSku(l), externalLineId: lineId(l), quantity: l.quantity })),
    carrier: present(f.tracking_company),
    tracking: present(f.tracking_number),
  });
}

export function mapInventoryLevel(l: ShopifyInventoryLevel, channel: string): ChannelEvent {
  // The InventoryLevel GID is `gid://shopify/InventoryLevel/<location>?inventory_item_id=<item>`:
  // both exact, where the plain numeric fields may already be rounded.
  const gid = l.admin_graphql_api_id ?? "";
  const itemFromGid = /[?&]inventory_item_id=(\d+)/.exec(gid)?.[1];
  return {
    kind: "inventory_observation",
    channel,
    externalItemId: itemFromGid ?? l.inventory_item_id,
    location: gidTail(gid) ?? l.location_id,
    available: l.available,
    observedAt: iso(l.updated_at),
  };
}
