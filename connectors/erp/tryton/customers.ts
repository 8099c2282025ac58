/**
 * Channel customer → Tryton party, by the party's `code` (the canonical customer id), and the
 * order's ship-to / bill-to → one of that party's addresses. Tryton requires a sale's addresses
 * to belong to its party and does not fill them in on create over RPC, so the connector picks
 * them: an address equal to the order's (street, postal code, city, country) is reused, else it
 * is added to the party, as Tryton's own web-shop integrations do. Without an address on the
 * order, the party's invoice / delivery default (Tryton's on_change of `party`) is used.
 */
import type { ErpAddress, ErpOrder, ErpResult } from "../types";
import type { TtlCache } from "./cache";
import { create, onChange, onChangeDepends, searchRead, type Row } from "./orm";
import type { TrytonRpc } from "./rpc";

const PARTY_TTL = 5 * 60_000;
const COUNTRY_TTL = 60 * 60_000;

export interface Party { id: number; name: string; addresses: Row[] }
export interface SaleParty { party: number; invoiceAddress: number; shipmentAddress: number; paymentTerm: number | null }

const norm = (s: unknown) => String(s ?? "").toLowerCase().replace(/[\s,]+/g, " ").trim();
const streetOf = (a: ErpAddress) => [a.line1, a.line2].filter(Boolean).join("\n");

async function countryId(rpc: TrytonRpc, cache: TtlCache, code: string): Promise<ErpResult<number | null>> {
  const key = `country:${code.toUpperCase()}`;
  const hit = cache.get<number>(key);
  if (hit) return { kind: "ok", value: hit };
  const r = await searchRead(rpc, "country.country", [["code", "=", code.toUpperCase()]], ["id"], { limit: 1 });
  if (r.kind !== "ok") return r;
  const id = r.value[0]?.id ?? null;
  if (id) cache.set(key, id, COUNTRY_TTL);
  return { kind: "ok", value: id };
}

/** Tryton address values for an order address (no subdivision: `region` is not mapped). */
async function addressValues(rpc: TrytonRpc, cache: TtlCache, a: ErpAddress): Promise<ErpResult<Record<string, unknown>>> {
  const country = await countryId(rpc, cache, a.country);
  if (country.kind !== "ok") return country;
  return { kind: "ok", value: { name: a.name, street: streetOf(a), city: a.city, postal_code: a.postalCode, ...(country.value ? { country: country.value } : {}) } };
}

function sameAddress(row: Row, v: Record<string, unknown>): boolean {
  return norm(row.street) === norm(v.street) && norm(row.postal_code).replace(/ /g, "") === norm(v.postal_code).replace(/ /g, "") &&
    norm(row.city) === norm(v.city) && (v.country === undefined || row.country === null || row.country === v.country);
}

async function readParty(rpc: TrytonRpc, code: string): Promise<ErpResult<Party | null>> {
  const r = await searchRead(rpc, "party.party", [["code", "=", code]], ["name", "addresses"], { limit: 1 });
  if (r.kind !== "ok") return r;
  const p = r.value[0];
  if (!p) return { kind: "ok", value: null };
  const addresses = await searchRead(rpc, "party.address", [["party", "=", p.id]], ["street", "city", "postal_code", "country"], { order: [["sequence", "ASC"], ["id", "ASC"]] });
  if (addresses.kind !== "ok") return addresses;
  return { kind: "ok", value: { id: p.id, name: String(p.name ?? ""), addresses: addresses.value } };
}

/** The party for the order's customer: cached, else read, else created when `settings.customers` is "create". */
async function findOrCreateParty(rpc: TrytonRpc, cache: TtlCache, order: ErpOrder, mode: "match" | "create"): Promise<ErpResult<Party>> {
  const key = `party:${order.customer.id}`;
  const hit = cache.get<Party>(key);
  if (hit) return { kind: "ok", value: hit };
  const found = await readParty(rpc, order.customer.id);
  if (found.kind !== "ok") return found;
  if (found.value) {
    cache.set(key, found.value, PARTY_TTL);
    return { kind: "ok", value: found.value };
  }
  if (mode !== "create") return { kind: "rejected", code: "unknown_customer", reason: `Tryton has no party with code "${order.customer.id}" (settings.customers is "match")` };
  const addresses: Record<string, unknown>[] = [];
  for (const a of [order.shipTo, order.billTo]) {
    if (!a) continue;
    const v = await addressValues(rpc, cache, a);
    if (v.kind !== "ok") return v;
    if (!addresses.some((x) => sameAddress({ id: 0, ...x }, v.value))) addresses.push(v.value);
  }
  const name = order.customer.name || order.billTo?.name || order.shipTo?.name || order.customer.id;
  const made = await create(rpc, "party.party", [{
    code: order.customer.id,
    name,
    ...(addresses.length ? { addresses: [["create", addresses]] } : {}),
    ...(order.customer.email ? { contact_mechanisms: [["create", [{ type: "email", value: order.customer.email }]]] } : {}),
  }]);
  if (made.kind !== "ok") return made;
  const created = await readParty(rpc, order.customer.id);
  if (created.kind !== "ok") return created;
  if (!created.value) return { kind: "retry", reason: `the party "${order.customer.id}" just created is not readable yet`, retryAfterSeconds: null };
  cache.set(key, created.value, PARTY_TTL);
  return { kind: "ok", value: created.value };
}

/** The party's address equal to `a`, added to the party when it has none. */
async function addressFor(rpc: TrytonRpc, cache: TtlCache, party: Party, a: ErpAddress): Promise<ErpResult<number>> {
  const v = await addressValues(rpc, cache, a);
  if (v.kind !== "ok") return v;
  const same = party.addresses.find((row) => sameAddress(row, v.value));
  if (same) return { kind: "ok", value: same.id };
  const made = await create(rpc, "party.address", [{ party: party.id, ...v.value }]);
  if (made.kind !== "ok") return made;
  const id = made.value[0]!;
  party.addresses.push({ id, ...v.value, country: v.value.country ?? null });
  return { kind: "ok", value: id };
}

/**
 * Party, invoice and shipment addresses and payment term for the sale.
 * @example const p = await saleParty(rpc, cache, order, "match"); // { party: 7, invoiceAddress: 9, shipmentAddress: 12, paymentTerm: null }
 */
export async function saleParty(rpc: TrytonRpc, cache: TtlCache, order: ErpOrder, mode: "match" | "create", company: unknown): Promise<ErpResult<SaleParty>> {
  const party = await findOrCreateParty(rpc, cache, order, mode);
  if (party.kind !== "ok") return party;
  // Tryton's own defaults for this party (invoice and delivery address, payment term).
  const dependsKey = "depends:sale.sale.party";
  let depends = cache.get<string[]>(dependsKey);
  if (!depends) {
    const d = await onChangeDepends(rpc, "sale.sale", "party");
    if (d.kind !== "ok") return d;
    depends = d.value;
    cache.set(dependsKey, depends, 60 * 60_000);
  }
  const values: Record<string, unknown> = Object.fromEntries(depends.map((f) => [f, null]));
  Object.assign(values, { party: party.value.id, company, id: -1 });
  const changed = await onChange(rpc, "sale.sale", "party", values);
  if (changed.kind !== "ok") return changed;
  const defaults = changed.value;
  const pick = (v: unknown) => (typeof v === "number" ? v : null);

  let shipmentAddress = pick(defaults.shipment_address);
  let invoiceAddress = pick(defaults.invoice_address);
  if (order.shipTo) {
    const a = await addressFor(rpc, cache, party.value, order.shipTo);
    if (a.kind !== "ok") return a;
    shipmentAddress = a.value;
  }
  if (order.billTo) {
    const a = await addressFor(rpc, cache, party.value, order.billTo);
    if (a.kind !== "ok") return a;
    invoiceAddress = a.value;
  }
  invoiceAddress ??= shipmentAddress;
  shipmentAddress ??= invoiceAddress;
  if (!invoiceAddress || !shipmentAddress) {
    return { kind: "rejected", code: "invalid_order", reason: `Tryton party "${order.customer.id}" has no address and the order carries none` };
  }
  return { kind: "ok", value: { party: party.value.id, invoiceAddress, shipmentAddress, paymentTerm: pick(defaults.payment_term) } };
}
