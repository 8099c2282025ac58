/**
 * createOrder: one Tryton sale per Switchyard order, booked without help from Tryton (whose
 * `sale.reference` has no unique constraint):
 * 1. look the order up by `reference = orderId`; an existing sale is driven on and returned;
 * 2. resolve currency, products (by code = SKU) and party (by code = customer id), and let
 *    Tryton's own on_change fill what its client would (addresses, payment term, unit, price,
 *    taxes): over RPC nothing is filled in on create;
 * 3. create the draft; when the create fails in a way that may have committed (timeout,
 *    network, 5xx), look again before giving up, so the next attempt never creates a second;
 * 4. if two concurrent bookings both created, the older sale wins and the newer draft deletes
 *    itself;
 * 5. quote, then confirm (which runs Tryton's `process`: shipment and invoice), re-reading the
 *    state after each step and after any failure.
 */
import type { ErpOrder, ErpOrderStatus, ErpResult } from "../types";
import type { TtlCache } from "./cache";
import type { Failure } from "./classify";
import { dateOf, decimal } from "./codec";
import { saleParty } from "./customers";
import { currencyId, productsBySku, type Product } from "./items";
import type { LocationMap } from "./locations";
import { button, create, onChange, onChangeDepends, remove } from "./orm";
import type { Context, TrytonRpc } from "./rpc";
import { readSale, salesByReference, statusOf } from "./sales";

type Booked = { erpOrderId: string; created: boolean; state: ErpOrderStatus["state"] };

export interface BookDeps { rpc: TrytonRpc; cache: TtlCache; customers: "match" | "create"; locations: () => Promise<ErpResult<LocationMap>>; context: () => Promise<ErpResult<Context>> }

/** Drives a sale from draft through quotation to confirmed; never further, never back. */
async function drive(rpc: TrytonRpc, id: number, created: boolean): Promise<ErpResult<Booked>> {
  let lastFailure: Failure | null = null;
  for (let step = 0; step < 4; step++) {
    const s = await readSale(rpc, id);
    if (s.kind !== "ok") return s;
    const state = String(s.value.state);
    const next = state === "draft" ? "quote" : state === "quotation" ? "confirm" : null;
    if (!next) return { kind: "ok", value: { erpOrderId: String(id), created, state: statusOf(s.value).state } };
    const r = await button(rpc, "sale.sale", next, [id]);
    if (r.kind === "rejected") return { ...r, reason: `${r.reason} (Tryton sale ${id} stays ${state})` };
    if (r.kind === "config") return r;
    // ok, or a retry-class failure after which the step may still have happened: re-read.
    if (r.kind === "retry") {
      if (lastFailure) return r;
      lastFailure = r;
    }
  }
  return lastFailure ?? { kind: "retry", reason: `Tryton sale ${id} did not reach confirmed`, retryAfterSeconds: null };
}

async function lineValues(d: BookDeps, order: ErpOrder, products: Map<string, Product>, header: Record<string, unknown>, company: unknown): Promise<ErpResult<Record<string, unknown>[]>> {
  const key = "depends:sale.line.product";
  let depends = d.cache.get<string[]>(key);
  if (!depends) {
    const r = await onChangeDepends(d.rpc, "sale.line", "product");
    if (r.kind !== "ok") return r;
    depends = r.value;
    d.cache.set(key, depends, 60 * 60_000);
  }
  const parent: Record<string, unknown> = { party: header.party, currency: header.currency, sale_date: header.sale_date ?? null, company, invoice_party: null };
  const records = order.lines.map((l, i) => {
    const p = products.get(l.sku)!;
    const own: Record<string, unknown> = { id: -1 - i, type: "line", product: p.id, quantity: l.quantity, unit: p.saleUom, unit_price: null, taxes: [], description: null, company };
    const v: Record<string, unknown> = {};
    for (const f of depends!) {
      if (f.startsWith("_parent_sale.")) v[f] = parent[f.slice("_parent_sale.".length)] ?? null;
      else if (f !== "sale") v[f] = own[f] ?? null;
    }
    return { ...v, type: "line", product: p.id, quantity: l.quantity, unit: p.saleUom };
  });
  // One on_change per line (Tryton takes one record per call), a few at a time.
  const changed: Record<string, unknown>[] = [];
  for (let i = 0; i < records.length; i += 4) {
    const batch = await Promise.all(records.slice(i, i + 4).map((r) => onChange(d.rpc, "sale.line", "product", r)));
    for (const c of batch) {
      if (c.kind !== "ok") return c;
      changed.push(c.value);
    }
  }
  const out: Record<string, unknown>[] = [];
  for (const [i, l] of order.lines.entries()) {
    const p = products.get(l.sku)!;
    const c = changed[i] ?? {};
    const price = l.unitPrice ?? (c.unit_price != null ? String(c.unit_price) : null);
    if (price === null) return { kind: "rejected", code: "invalid_order", reason: `line ${l.lineNo} (${l.sku}) has no unit price and Tryton computed none` };
    const taxes = taxIds(c.taxes);
    out.push({
      type: "line",
      product: p.id,
      quantity: l.quantity,
      unit: typeof c.unit === "number" ? c.unit : p.saleUom,
      unit_price: decimal(price),
      description: l.name || p.name,
      ...(taxes.length ? { taxes: [["add", taxes]] } : {}),
    });
  }
  return { kind: "ok", value: out };
}

/** Tax ids from an on_change answer: a list of ids, or `{add: [[index, {id}]]}` (trytond ModelView._changed_values). */
export function taxIds(v: unknown): number[] {
  if (Array.isArray(v)) return v.filter((x): x is number => typeof x === "number");
  const add = (v as { add?: unknown[] } | null)?.add;
  if (!Array.isArray(add)) return [];
  return add.map((a) => (Array.isArray(a) ? (a[1] as { id?: unknown })?.id : (a as { id?: unknown })?.id)).filter((x): x is number => typeof x === "number" && x > 0);
}

async function saleValues(d: BookDeps, order: ErpOrder): Promise<ErpResult<Record<string, unknown>>> {
  if (!order.lines.length) return { kind: "rejected", code: "invalid_order", reason: "the order has no lines" };
  const bad = order.lines.find((l) => !(l.quantity > 0));
  if (bad) return { kind: "rejected", code: "invalid_order", reason: `line ${bad.lineNo} (${bad.sku}) has quantity ${bad.quantity}` };
  const ctx = await d.context();
  if (ctx.kind !== "ok") return ctx;
  const company = ctx.value.company ?? null;
  const currency = await currencyId(d.rpc, d.cache, order.currency);
  if (currency.kind !== "ok") return currency;
  if (!currency.value) return { kind: "rejected", code: "invalid_order", reason: `Tryton has no currency ${order.currency}` };
  const products = await productsBySku(d.rpc, d.cache, order.lines.map((l) => l.sku));
  if (products.kind !== "ok") return products;
  const unknown = [...new Set(order.lines.map((l) => l.sku).filter((s) => !products.value.has(s)))];
  if (unknown.length) return { kind: "rejected", code: "unknown_item", reason: `Tryton has no product with code ${unknown.map((s) => `"${s}"`).join(", ")}` };
  const unsalable = order.lines.find((l) => !products.value.get(l.sku)!.salable);
  if (unsalable) return { kind: "rejected", code: "invalid_order", reason: `Tryton product "${unsalable.sku}" is not salable` };
  const party = await saleParty(d.rpc, d.cache, order, d.customers, company);
  if (party.kind !== "ok") return party;

  // One warehouse per Tryton sale: the first line whose location is mapped decides, else the
  // first mapped location's; with no mapping, Tryton's default (it has one only when there is
  // a single warehouse).
  const locations = await d.locations();
  if (locations.kind !== "ok") return locations;
  const candidates = [...order.lines.map((l) => l.location), ...locations.value.targets.map((t) => t.location)];
  const warehouse = candidates.map((l) => (l ? locations.value.warehouseFor(l) : null)).find((w) => w) ?? null;

  const saleDate = order.placedAt ? dateOf(order.placedAt) : null;
  const header: Record<string, unknown> = {
    party: party.value.party,
    invoice_address: party.value.invoiceAddress,
    shipment_address: party.value.shipmentAddress,
    currency: currency.value,
    reference: order.orderId,
    description: `${order.channel} ${order.externalId}`.slice(0, 200),
    comment: [`Switchyard order ${order.orderId} (orchestration ${order.orchestrationId}, version ${order.version})`, order.notes].filter(Boolean).join("\n"),
    ...(saleDate ? { sale_date: saleDate } : {}),
    ...(party.value.paymentTerm ? { payment_term: party.value.paymentTerm } : {}),
    ...(warehouse ? { warehouse } : {}),
  };
  const lines = await lineValues(d, order, products.value, header, company);
  if (lines.kind !== "ok") return lines;
  return { kind: "ok", value: { ...header, lines: [["create", lines.value]] } };
}

/**
 * Books `order` as a confirmed Tryton sale, exactly once.
 * @example const r = await bookOrder(deps, order); // { kind: "ok", value: { erpOrderId: "12", created: true, state: "processing" } }
 */
export async function bookOrder(d: BookDeps, order: ErpOrder): Promise<ErpResult<Booked>> {
  const existing = await salesByReference(d.rpc, order.orderId);
  if (existing.kind !== "ok") return existing;
  if (existing.value[0]) return drive(d.rpc, existing.value[0].id, false);

  const values = await saleValues(d, order);
  if (values.kind !== "ok") return values;
  const made = await create(d.rpc, "sale.sale", [values.value]);
  if (made.kind === "rejected" || made.kind === "config") return made;
  const after = await salesByReference(d.rpc, order.orderId);
  if (after.kind !== "ok") return made.kind === "ok" ? after : made;
  if (made.kind !== "ok") {
    // The create failed in a way that may have committed: use the sale if it is there.
    return after.value[0] ? drive(d.rpc, after.value[0].id, true) : made;
  }
  const mine = made.value[0]!;
  const oldest = after.value[0]?.id ?? mine;
  if (oldest !== mine) {
    // A concurrent booking of the same order created first: keep its sale, drop our draft.
    await remove(d.rpc, "sale.sale", [mine]);
    return drive(d.rpc, oldest, false);
  }
  return drive(d.rpc, mine, true);
}
