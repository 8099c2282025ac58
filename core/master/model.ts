/**
 * Canonical master data (docs/master-data.md): products (status, units of measure, channel SKU
 * aliases, kit components), customers (ship-tos, channel account ids, credit hold, price group)
 * and price lists (per channel or price group, effective dates, currency). Every record carries
 * an integer `version` and the system that owns it (`owner`): a lower version than the stored one
 * is stale, an equal one is a repeat. Pure: no bindings.
 */
import { z } from "zod";
import { addressSchema, decimalString } from "../canonical";

const code = (max: number) => z.string().trim().min(1).max(max);
export const skuSchema = code(120);
export const customerIdSchema = code(200);
export const priceListIdSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, "must be 1-100 letters, digits, _ . : -");
const version = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
/** Which system owns the record (the ERP connection id, `api`, …). */
const owner = z.string().trim().min(1).max(100).optional();

export const PRODUCT_STATUSES = ["active", "discontinued", "blocked"] as const;

export const unitSchema = z.strictObject({
  /** The unit code a line may name (`case`, `CA`, `pallet`). */
  code: code(20),
  /** How many eaches one of it is. */
  each: z.number().int().positive().max(1_000_000),
});

const productObject = z.strictObject({
    status: z.enum(PRODUCT_STATUSES),
    name: z.string().max(300).optional(),
    units: z.array(unitSchema).max(20).optional(),
    /** A kit or bundle: ordering one reserves each component this many times. */
    components: z.array(z.strictObject({ sku: skuSchema, quantity: z.number().int().positive().max(10_000) })).max(50).optional(),
    /** The SKU a channel knows this product by. */
    aliases: z.array(z.strictObject({ channel: code(100), sku: skuSchema })).max(50).optional(),
    version,
    owner,
  });
function refineProduct(p: z.infer<typeof productObject>, ctx: z.RefinementCtx) {
    const codes = new Set<string>();
    (p.units ?? []).forEach((u, i) => {
      if (codes.has(u.code.toLowerCase())) ctx.addIssue({ code: "custom", path: ["units", i, "code"], message: `unit ${u.code} is listed twice` });
      codes.add(u.code.toLowerCase());
    });
    const comps = new Set<string>();
    (p.components ?? []).forEach((c, i) => {
      if (comps.has(c.sku)) ctx.addIssue({ code: "custom", path: ["components", i, "sku"], message: `component ${c.sku} is listed twice` });
      comps.add(c.sku);
    });
}
export const productBodySchema = productObject.superRefine(refineProduct);
export type ProductBody = z.infer<typeof productBodySchema>;
export type Product = ProductBody & { sku: string; owner: string; updatedAt: string };

export const customerBodySchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  creditHold: z.boolean().optional(),
  priceGroup: code(100).optional(),
  shipTos: z.array(addressSchema.extend({ id: code(100).optional() })).max(50).optional(),
  /** The id each channel knows this customer by (a Shopify customer id, a dealer's EDI code). */
  channelAccounts: z.array(z.strictObject({ channel: code(100), accountId: code(200) })).max(50).optional(),
  version,
  owner,
});
export type CustomerBody = z.infer<typeof customerBodySchema>;
export type Customer = CustomerBody & { id: string; owner: string; updatedAt: string };

/** Prices per list (each one rewrites its SKU's KV copy; split bigger lists). */
export const MAX_PRICES = 1000;
export const priceListBodySchema = z
  .strictObject({
    channel: code(100).optional(),
    priceGroup: code(100).optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD"),
    validFrom: z.iso.datetime({ offset: true }),
    validTo: z.iso.datetime({ offset: true }).optional(),
    /** Price per each of the product. */
    prices: z.array(z.strictObject({ sku: skuSchema, unitPrice: decimalString.refine((s) => !s.startsWith("-"), "must not be negative") })).max(MAX_PRICES),
    version,
    owner,
  })
  .superRefine((p, ctx) => {
    if ((p.channel === undefined) === (p.priceGroup === undefined)) ctx.addIssue({ code: "custom", path: ["channel"], message: "name exactly one of channel or priceGroup" });
    if (p.validTo && Date.parse(p.validTo) <= Date.parse(p.validFrom)) ctx.addIssue({ code: "custom", path: ["validTo"], message: "must be after validFrom" });
    const seen = new Set<string>();
    p.prices.forEach((x, i) => {
      if (seen.has(x.sku)) ctx.addIssue({ code: "custom", path: ["prices", i, "sku"], message: `${x.sku} is priced twice` });
      seen.add(x.sku);
    });
  });
export type PriceListBody = z.infer<typeof priceListBodySchema>;
export type PriceList = PriceListBody & { id: string; owner: string; updatedAt: string };

/** One bulk NDJSON line: the PUT body plus the record's id. */
export const productLineSchema = productObject.extend({ sku: skuSchema }).superRefine(refineProduct);
export const customerLineSchema = customerBodySchema.extend({ id: customerIdSchema });

/** A price as the order path sees it, denormalised onto the product (KV `md:p:<sku>`). */
export interface PriceEntry {
  list: string;
  channel?: string;
  priceGroup?: string;
  currency: string;
  validFrom: string;
  validTo?: string;
  unitPrice: string;
}

/** What the order path reads for one SKU: the product and every price of it. */
export interface SkuEntry {
  product: Product;
  prices: PriceEntry[];
}

/** How a stored record compares with an incoming version. */
export type UpsertOutcome = "created" | "updated" | "unchanged" | "stale";
