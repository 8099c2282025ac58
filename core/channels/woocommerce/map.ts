/**
 * WooCommerce REST v3 order (webhook bodies are "exactly the same as if requested via the REST
 * API") → canonical events.
 */
import { z } from "zod";
import { addressSchema, type Address, type CanonicalOrder, type ChannelEvent } from "../../canonical";
import { compact, externalIdSchema, fullName, present, toDecimal } from "../payload";

const text = z.string().nullish();
const amount = z.union([z.string(), z.number()]).nullish();
/** Woo's `*_gmt` fields are UTC without a zone designator ("2017-03-22T19:28:08"). */
const gmt = z.string().refine((s) => wcTime(s) !== null, "must be a date-time");

const wcAddress = z.looseObject({
  first_name: text,
  last_name: text,
  company: text,
  address_1: text,
  address_2: text,
  city: text,
  state: text,
  postcode: text,
  country: text,
  email: text,
});

export const wcOrderSchema = z.looseObject({
  id: externalIdSchema,
  status: z.string(),
  currency: z.string(),
  date_created_gmt: gmt.nullish(),
  date_modified_gmt: gmt,
  total: amount,
  customer_id: externalIdSchema.nullish(),
  customer_note: text,
  billing: wcAddress.nullish(),
  shipping: wcAddress.nullish(),
  line_items: z.array(
    z.looseObject({
      id: externalIdSchema,
      name: text,
      product_id: externalIdSchema.nullish(),
      variation_id: externalIdSchema.nullish(),
      quantity: z.number().int(),
      sku: text,
      price: amount,
    }),
  ),
});
export type WcOrder = z.infer<typeof wcOrderSchema>;

/** ms since epoch of a Woo timestamp, reading a zone-less value as UTC. */
export function wcTime(s: string): number | null {
  const t = Date.parse(/([zZ]|[+-]\d\d:?\d\d)$/.test(s) ? s : `${s}Z`);
  return Number.isFinite(t) ? t : null;
}

/** Woo stores names HTML-escaped ("Ship Your Idea &ndash; Color: Black"). */
export function decodeEntities(s: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " ", ndash: "–", mdash: "—" };
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] !== "#") return named[ref.toLowerCase()] ?? whole;
    const code = ref[1] === "x" || ref[1] === "X" ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

function mapAddress(a: z.infer<typeof wcAddress> | null | undefined): Partial<Address> | undefined {
  // Virtual-only orders carry an all-empty shipping block: that is no address, not a bad one.
  if (!a || (!present(a.address_1) && !present(a.city) && !present(a.postcode))) return undefined;
  return compact({
    name: fullName(a.first_name, a.last_name) ?? present(a.company),
    line1: present(a.address_1),
    line2: present(a.address_2),
    city: present(a.city),
    region: present(a.state),
    postalCode: present(a.postcode),
    country: present(a.country),
  });
}

/** The unvalidated canonical order; the caller validates it so issues carry canonical paths. */
export function mapWcOrder(o: WcOrder, channel: string): CanonicalOrder {
  const email = present(o.billing?.email);
  // customer_id 0 is a guest checkout.
  const customerId = o.customer_id && o.customer_id !== "0" ? o.customer_id : (email ?? "guest");
  const billTo = addressSchema.safeParse(mapAddress(o.billing));
  return compact({
    channel,
    externalId: o.id,
    version: wcTime(o.date_modified_gmt)!,
    customer: compact({ id: customerId, name: fullName(o.billing?.first_name, o.billing?.last_name), email }),
    shipTo: mapAddress(o.shipping) as Address | undefined,
    billTo: billTo.success ? billTo.data : undefined,
    currency: o.currency,
    lines: o.line_items.map((l) =>
      compact({
        // Variations share their parent's product_id, so the variation id keeps them apart.
        sku:
          present(l.sku) ??
          (l.variation_id && l.variation_id !== "0" ? `wc-variation-${l.variation_id}` : `wc-product-${l.product_id ?? l.id}`),
        quantity: l.quantity,
        // `price` is the line's unit price after discounts, before tax.
        unitPrice: toDecimal(l.price),
        externalLineId: l.id,
        name: l.name ? decodeEntities(l.name) : undefined,
      }),
    ),
    placedAt: o.date_created_gmt ? new Date(wcTime(o.date_created_gmt)!).toISOString() : undefined,
    channelStatus: o.status,
    notes: present(o.customer_note),
    total: toDecimal(o.total),
  });
}

/** Woo has no refund webhook with lines; status `refunded` means the whole order came back. */
export function mapWholeRefund(order: CanonicalOrder): ChannelEvent {
  return compact({
    kind: "refund" as const,
    channel: order.channel,
    externalId: order.externalId,
    // Deterministic, so the same refunded status arriving twice is one refund.
    refundId: `${order.externalId}-full`,
    lines: order.lines.map((l) => compact({ sku: l.sku, externalLineId: l.externalLineId, quantity: l.quantity })),
    amount: order.total,
    currency: order.currency,
  });
}
