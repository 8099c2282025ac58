/**
 * Checks one canonical order against master data, purely: SKU known and sellable (through the
 * channel's aliases), unit of measure converted to eaches, kits exploded into their components,
 * unit price within the price list's tolerance, customer known and not on credit hold. Returns
 * the order as it should be reserved and booked, every finding with what the channel's policy
 * does with it, and one decision for the order. A line whose SKU has no master data passes
 * untouched, so with none loaded an order is exactly what it was.
 *
 * @example checkOrder(order, { policy: {}, skus: new Map(), customer: null, now: Date.now() }).decision // "accept"
 */
import type { CanonicalOrder, OrderLine } from "../canonical";
import type { MasterDataPolicy } from "../inventory/policy";
import type { Customer, PriceEntry, SkuEntry } from "./model";

export type FindingType =
  | "unknown_sku" | "blocked_sku" | "discontinued_sku" | "unknown_unit" | "price_mismatch" | "credit_hold" | "unknown_customer"
  // Informational: what was changed to make the order bookable.
  | "alias_resolved" | "unit_converted" | "kit_exploded" | "customer_mapped";
export type Action = "reject" | "exception" | "accept" | "hold" | "info";

export interface Finding {
  type: FindingType;
  action: Action;
  /** The field at fault, as problem+json `errors[].path` names it (`lines.0.sku`). */
  path: string;
  message: string;
  detail?: Record<string, unknown>;
}

export type Decision = "accept" | "hold" | "exception" | "reject";

export interface CheckResult {
  order: CanonicalOrder;
  findings: Finding[];
  decision: Decision;
  /** The typed reason of an exception or hold (the first finding that caused it). */
  reason?: FindingType;
}

/** What the order's object is told about its checks (and records on its timeline). */
export interface MasterVerdict {
  decision: "accept" | "hold" | "exception";
  reason?: FindingType;
  findings: Finding[];
}

export interface CheckInput {
  policy: MasterDataPolicy;
  /** Per line SKU as the channel sent it: its entry (by SKU or this channel's alias), when there is one. */
  skus: Map<string, SkuEntry | null>;
  customer: Customer | null;
  /** True when `customer` was found by the channel's account id rather than our own id. */
  customerByAccount?: boolean;
  now: number;
}

/** The defaults: as permissive as Switchyard was before master data, except where a record says no. */
export const DEFAULT_MASTER_POLICY: Required<Omit<MasterDataPolicy, "enabled">> = {
  unknownSku: "accept",
  blockedSku: "reject",
  discontinuedSku: "accept",
  unknownUnit: "reject",
  priceMismatch: "exception",
  priceTolerancePercent: 0,
  creditHold: "hold",
  unknownCustomer: "accept",
};

const EACH = new Set(["each", "ea", "un", "unit", "pc", "pcs"]);
/** Whether a line's unit means one each (any case): "each", "EA", X12's "UN" and "PC" … */
export const isEachUnit = (unit: string) => EACH.has(unit.trim().toLowerCase());
/** X12 unit codes (element 355, PO103 of an 850) and the unit names a product's master data may use for them. */
const X12_UNITS: Record<string, string[]> = { ca: ["case", "cs"], cs: ["case", "ca"], pl: ["pallet", "plt"], bx: ["box"], pk: ["pack"], dz: ["dozen"], ct: ["carton"], bg: ["bag"], rl: ["roll"] };
const sameUnit = (code: string, asked: string) => code === asked || (X12_UNITS[asked] ?? []).includes(code);

export function checkOrder(order: CanonicalOrder, input: CheckInput): CheckResult {
  const p = { ...DEFAULT_MASTER_POLICY, ...input.policy };
  const findings: Finding[] = [];
  const lines: OrderLine[] = [];
  const at = order.placedAt && !Number.isNaN(Date.parse(order.placedAt)) ? Date.parse(order.placedAt) : input.now;
  const customer = input.customer;
  let customerId = order.customer.id;
  if (!customer) findings.push({ type: "unknown_customer", action: p.unknownCustomer, path: "customer.id", message: `customer ${order.customer.id} has no master data` });
  else {
    if (input.customerByAccount && customer.id !== order.customer.id) {
      findings.push({ type: "customer_mapped", action: "info", path: "customer.id", message: `channel account ${order.customer.id} is customer ${customer.id}`, detail: { accountId: order.customer.id, customerId: customer.id } });
      customerId = customer.id;
    }
    if (customer.creditHold) findings.push({ type: "credit_hold", action: p.creditHold, path: "customer.id", message: `customer ${customer.id} is on credit hold` });
  }

  order.lines.forEach((line, i) => {
    const path = `lines.${i}`;
    const entry = input.skus.get(line.sku) ?? null;
    if (!entry) {
      findings.push({ type: "unknown_sku", action: p.unknownSku, path: `${path}.sku`, message: `SKU ${line.sku} has no master data` });
      lines.push(line);
      return;
    }
    const product = entry.product;
    const sku = product.sku;
    if (sku !== line.sku) findings.push({ type: "alias_resolved", action: "info", path: `${path}.sku`, message: `${order.channel} SKU ${line.sku} is ${sku}`, detail: { channelSku: line.sku, sku } });
    if (product.status === "blocked") findings.push({ type: "blocked_sku", action: p.blockedSku, path: `${path}.sku`, message: `SKU ${sku} is blocked` });
    if (product.status === "discontinued") findings.push({ type: "discontinued_sku", action: p.discontinuedSku, path: `${path}.sku`, message: `SKU ${sku} is discontinued` });

    let factor = 1;
    if (line.unit && !isEachUnit(line.unit)) {
      const unit = (product.units ?? []).find((u) => sameUnit(u.code.toLowerCase(), line.unit!.toLowerCase()));
      if (!unit) {
        findings.push({ type: "unknown_unit", action: p.unknownUnit, path: `${path}.unit`, message: `SKU ${sku} has no unit ${line.unit}`, detail: { units: (product.units ?? []).map((u) => u.code) } });
      } else {
        factor = unit.each;
        findings.push({ type: "unit_converted", action: "info", path: `${path}.unit`, message: `${line.quantity} ${unit.code} of ${sku} = ${line.quantity * factor} each`, detail: { unit: unit.code, each: factor, quantity: line.quantity * factor } });
      }
    }

    if (line.unitPrice !== undefined) {
      const listed = priceFor(entry.prices, order, customer, at);
      if (listed) {
        const perEach = Number(line.unitPrice) / factor;
        const list = Number(listed.unitPrice);
        const off = list === 0 ? (perEach === 0 ? 0 : Infinity) : (Math.abs(perEach - list) / list) * 100;
        if (off > p.priceTolerancePercent + 1e-9)
          findings.push({
            type: "price_mismatch", action: p.priceMismatch, path: `${path}.unitPrice`,
            message: `unit price ${line.unitPrice}${factor > 1 ? ` per ${line.unit}` : ""} is ${off === Infinity ? "not" : `${round2(off)}% off`} the list price ${listed.unitPrice} (${listed.list}); tolerance ${p.priceTolerancePercent}%`,
            detail: { unitPrice: line.unitPrice, listPrice: listed.unitPrice, priceList: listed.list, tolerancePercent: p.priceTolerancePercent, ...(factor > 1 ? { perEach: round6(perEach) } : {}) },
          });
      }
    }

    const { unit: _unit, ...rest } = line;
    const converted: OrderLine = { ...rest, sku, quantity: line.quantity * factor, ...(line.unitPrice !== undefined && factor > 1 ? { unitPrice: round6(Number(line.unitPrice) / factor) } : {}) };
    if (sku !== line.sku || factor > 1) converted.ordered = { sku: line.sku, quantity: line.quantity, ...(line.unit ? { unit: line.unit } : {}), ...(line.unitPrice ? { unitPrice: line.unitPrice } : {}) };
    const components = product.components ?? [];
    if (!components.length) {
      lines.push(converted);
      return;
    }
    findings.push({ type: "kit_exploded", action: "info", path: `${path}.sku`, message: `kit ${sku} × ${converted.quantity} = ${components.map((c) => `${c.sku} × ${c.quantity * converted.quantity}`).join(", ")}`, detail: { kit: sku, components } });
    for (const c of components) {
      const { unitPrice: _price, ordered: _ordered, ...base } = converted;
      lines.push({ ...base, sku: c.sku, quantity: c.quantity * converted.quantity, kit: { sku, quantity: converted.quantity, ...(line.unitPrice ? { unitPrice: converted.unitPrice ?? line.unitPrice } : {}) } });
    }
  });

  const decisive = (a: Action) => findings.find((f) => f.action === a);
  const reject = decisive("reject");
  const exception = decisive("exception");
  const hold = decisive("hold");
  const out: CanonicalOrder = { ...order, customer: { ...order.customer, id: customerId }, lines };
  if (reject) return { order: out, findings, decision: "reject", reason: reject.type };
  if (exception) return { order: out, findings, decision: "exception", reason: exception.type };
  if (hold) return { order: out, findings, decision: "hold", reason: hold.type };
  return { order: out, findings, decision: "accept" };
}

/**
 * The price that applies: a list of the customer's price group before one of the order's
 * channel, in the order's currency and effective at `at`; among those, the latest to start.
 */
export function priceFor(prices: PriceEntry[], order: Pick<CanonicalOrder, "channel" | "currency">, customer: Pick<Customer, "priceGroup"> | null, at: number): PriceEntry | null {
  const live = prices.filter((x) => x.currency === order.currency && Date.parse(x.validFrom) <= at && (!x.validTo || at < Date.parse(x.validTo)));
  const latest = (xs: PriceEntry[]) => xs.sort((a, b) => Date.parse(b.validFrom) - Date.parse(a.validFrom))[0] ?? null;
  const group = customer?.priceGroup ? latest(live.filter((x) => x.priceGroup === customer.priceGroup)) : null;
  return group ?? latest(live.filter((x) => x.channel === order.channel));
}

const round2 = (n: number) => Math.round(n * 100) / 100;
/** A decimal string with at most six places (decimalString's limit), trailing zeros trimmed. */
function round6(n: number): string {
  return n.toFixed(6).replace(/\.?0+$/, "");
}
