/**
 * The canonical model every inbound path (API, channel webhooks, EDI) normalises to.
 * Pure: no bindings. Adapters produce these; ingest, the Durable Objects and dispatch consume them.
 */
import { z } from "zod";

/** A decimal amount as a string ("12.50"), never a float. */
export const decimalString = z
  .string()
  .regex(/^-?\d{1,15}(\.\d{1,6})?$/, "must be a decimal string such as \"12.50\"");

const id = (max = 200) => z.string().trim().min(1).max(max);

export const addressSchema = z.strictObject({
  name: id(200),
  line1: id(300),
  line2: z.string().max(300).optional(),
  city: id(120),
  region: z.string().max(120).optional(),
  postalCode: id(40),
  country: z.string().trim().min(2).max(60),
});
export type Address = z.infer<typeof addressSchema>;

export const customerSchema = z.strictObject({
  id: id(200),
  name: z.string().max(200).optional(),
  email: z.string().max(320).optional(),
});

export const orderLineSchema = z.strictObject({
  sku: id(120),
  quantity: z.number().int().positive().max(1_000_000),
  unitPrice: decimalString.optional(),
  /** The channel's own line id, kept for refunds/fulfilments that name lines by it. */
  externalLineId: z.string().max(200).optional(),
  name: z.string().max(500).optional(),
  /** The unit of measure the line is in (a unit code of the product's master data); default each. */
  unit: z.string().trim().min(1).max(20).optional(),
  /** Set by the master-data checks: what the channel ordered, when it was converted (alias, unit). */
  ordered: z.strictObject({ sku: z.string().max(120), quantity: z.number().int().positive(), unit: z.string().max(20).optional(), unitPrice: decimalString.optional() }).optional(),
  /** Set by the master-data checks: the kit this component line was exploded from. */
  kit: z.strictObject({ sku: z.string().max(120), quantity: z.number().int().positive(), unitPrice: decimalString.optional() }).optional(),
});
export type OrderLine = z.infer<typeof orderLineSchema>;

export const orderSourceSchema = z.enum(["api", "webhook", "edi"]);
export type OrderSource = z.infer<typeof orderSourceSchema>;

/**
 * One logical order. `(channel, externalId)` is its business identity; `version` orders the
 * revisions a channel sends (ms since epoch of the provider's updated_at, or a sequence).
 */
export const canonicalOrderSchema = z.strictObject({
  channel: id(100),
  externalId: id(200),
  version: z.number().int().nonnegative(),
  customer: customerSchema,
  shipTo: addressSchema.optional(),
  billTo: addressSchema.optional(),
  currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD"),
  lines: z.array(orderLineSchema).min(1).max(500),
  placedAt: z.string().optional(),
  /** Channel-side status words kept for the timeline (e.g. Shopify financial_status). */
  channelStatus: z.string().max(100).optional(),
  notes: z.string().max(2000).optional(),
  total: decimalString.optional(),
});
export type CanonicalOrder = z.infer<typeof canonicalOrderSchema>;

const figure = z.number().int().nonnegative().max(1_000_000_000);
const change = z.number().int().min(-1_000_000_000).max(1_000_000_000);
const figures = <T extends z.ZodNumber>(n: T) =>
  z.strictObject({
    onHand: n.optional(),
    committed: n.optional(),
    inTransit: n.optional(),
    damaged: n.optional(),
    qualityHold: n.optional(),
    returnsPending: n.optional(),
    safetyStock: n.optional(),
    capacity: n.optional(),
  });
/** Absolute figures (a snapshot's): never negative. */
export const inventoryQuantitiesSchema = figures(figure);
/** Changes (an adjustment's, a receipt's): signed. */
export const inventoryDeltaSchema = figures(change);
export type InventoryQuantities = z.infer<typeof inventoryQuantitiesSchema>;

/** A fact about stock from the ERP, a WMS or a 3PL (`POST /v1/inventory/events`, EDI 846/944/947). */
export const inventoryEventSchema = z.strictObject({
  eventId: id(200),
  source: z.enum(["erp", "wms", "3pl"]),
  type: z.enum(["snapshot", "adjustment", "receipt", "hold", "release", "capacity"]),
  sku: id(120),
  location: id(60),
  asOf: z.iso.datetime({ offset: true }),
  /** Per-source sequence number, when the source has one; otherwise `asOf` orders events. */
  sequence: z.number().int().nonnegative().optional(),
  quantities: inventoryQuantitiesSchema.optional(),
  delta: inventoryDeltaSchema.optional(),
  reason: z.string().max(200).optional(),
});
export type InventoryEvent = z.infer<typeof inventoryEventSchema>;

/** A fact about the physical execution of an order (`POST /v1/shipments`, EDI 945, an ERP's shipments read back). */
export const shipmentEventSchema = z.strictObject({
  eventId: id(200),
  orderId: id(200),
  source: z.enum(["wms", "3pl", "erp"]),
  type: z.enum(["acknowledged", "rejected", "short_pick", "shipped", "delivered"]),
  location: id(60),
  lines: z.array(z.strictObject({ sku: id(120), quantity: z.number().int().nonnegative() })).max(500),
  carrier: z.string().max(100).optional(),
  tracking: z.string().max(200).optional(),
});
export type ShipmentEvent = z.infer<typeof shipmentEventSchema>;

/**
 * What a channel adapter turns one verified delivery into. Adapters never throw on bad
 * payloads: they return `{ ok: false }` with the cause so ingest can quarantine.
 */
export type ChannelEvent =
  | { kind: "order"; order: CanonicalOrder }
  | {
      kind: "cancellation";
      channel: string;
      externalId: string;
      version: number;
      reason?: string;
      /** true when the buyer asked and the channel has not cancelled yet (Amazon BuyerCancelRequest). */
      requested?: boolean;
    }
  | {
      kind: "refund";
      channel: string;
      externalId: string;
      refundId: string;
      lines: { sku?: string; externalLineId?: string; quantity: number; restock?: boolean }[];
      amount?: string;
      currency?: string;
    }
  | {
      kind: "fulfillment";
      channel: string;
      externalId: string;
      fulfillmentId: string;
      status?: string;
      lines: { sku?: string; externalLineId?: string; quantity: number }[];
      carrier?: string;
      tracking?: string;
    }
  | {
      /** What the channel shows for an item: kept for reconciliation, never the stock authority. */
      kind: "inventory_observation";
      channel: string;
      sku?: string;
      externalItemId: string;
      location?: string;
      available: number | null;
      observedAt: string;
    }
  | {
      /** The channel sent only an id (BigCommerce): the order must be fetched before it exists. */
      kind: "order_reference";
      channel: string;
      externalId: string;
      version: number;
      status?: string;
    }
  | { kind: "status_change"; channel: string; externalId: string; version: number; status: string }
  | { kind: "inventory"; event: InventoryEvent }
  | { kind: "shipment"; event: Omit<ShipmentEvent, "orderId"> & { orderRef: { channel?: string; externalId?: string; orderId?: string } } }
  | { kind: "ignored"; reason: string };

/** Which channels' orders a source may report facts about: a channel connection its own, a warehouse every one ("*"). */
export type FactScope = { channels: string[] | "*" };

export type Result<T, E> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

/** A validation issue with the path of the field at fault, as problem+json `errors[]` carries it. */
export type FieldIssue = { path: string; message: string };

/** Turns zod issues into `{ path, message }` with a JSON-pointer-like dotted path. */
export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((i) => ({
    path: i.path.length ? i.path.map(String).join(".") : "(body)",
    message: i.message,
  }));
}
