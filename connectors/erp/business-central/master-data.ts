/**
 * Customers, items and locations resolved in BC, cached per isolate for ten minutes (only what
 * was found: a customer or item created later is seen at once). BC stores Code fields in upper
 * case, so numbers and codes are compared and filtered upper-cased.
 */
import type { ConnectorDeps, ErpConnectionConfig, ErpOrder, ErpResult } from "../types";
import { LocationMap } from "../shared/locations";
import { Memo } from "../shared/memo";
import { config, failed, ok, rejected } from "../shared/result";
import { anyOf, bcFailure, odataString, type BcClient } from "./client";
import { str } from "../shared/http";

const TTL_MS = 10 * 60_000;
const customers = new Memo<string>(TTL_MS);
const items = new Memo<string>(TTL_MS);
const locations = new Memo<Map<string, string>>(TTL_MS);
/** Filters with more `or` terms than this are split (URLs stay short). */
export const FILTER_CHUNK = 15;

export function chunks<T>(xs: readonly T[], n = FILTER_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export class MasterData {
  readonly #prefix: string;
  readonly locationMap: LocationMap;

  constructor(
    private readonly cfg: ErpConnectionConfig,
    private readonly deps: ConnectorDeps,
    private readonly bc: BcClient,
  ) {
    this.#prefix = `${cfg.id}|${cfg.credentials.tenantId}|${cfg.settings.companyId}|`;
    this.locationMap = new LocationMap(cfg.settings.locations, true);
  }

  /** The BC customer number for an order: `settings.customerNumbers[id]`, else the canonical customer id. */
  customerNumber(order: ErpOrder): string {
    const map = (this.cfg.settings.customerNumbers ?? {}) as Record<string, string>;
    return (map[order.customer.id] ?? order.customer.id).toUpperCase();
  }

  /** Proves the customer exists (or creates it with `settings.customers: "create"`). @example await md.customer(order) // ok("10000") */
  async customer(order: ErpOrder): Promise<ErpResult<string>> {
    const number = this.customerNumber(order);
    const key = this.#prefix + number;
    if (customers.get(key, this.deps.now())) return ok(number);
    const r = await this.bc.list(`customers?$filter=${encodeURIComponent(`number eq ${odataString(number)}`)}&$select=id,number`, "GET customers");
    if (failed(r)) return r;
    if (r.value.rows.length) return ok(customers.set(key, number, this.deps.now()));
    if (this.cfg.settings.customers !== "create") return rejected(`BC has no customer with number ${number} (canonical customer ${order.customer.id})`, "unknown_customer");
    const c = await this.bc.request("POST", "customers", { body: { number, displayName: order.customer.name ?? number, ...(order.customer.email ? { email: order.customer.email } : {}) } });
    if (failed(c)) return c;
    if (!c.value.ok || c.value.status !== 201) return bcFailure(c.value, "POST customers", "unknown_customer");
    customers.set(key, number, this.deps.now());
    return ok(number);
  }

  /** BC item ids for SKUs (item `number` = SKU). Any SKU BC lacks is `unknown_item`. */
  async itemIds(skus: readonly string[]): Promise<ErpResult<Map<string, string>>> {
    const now = this.deps.now();
    const out = new Map<string, string>();
    const missing: string[] = [];
    for (const sku of new Set(skus.map((s) => s.toUpperCase()))) {
      const id = items.get(this.#prefix + sku, now);
      if (id) out.set(sku, id);
      else missing.push(sku);
    }
    for (const part of chunks(missing)) {
      const r = await this.bc.list(`items?$filter=${encodeURIComponent(anyOf("number", part))}&$select=id,number`, "GET items");
      if (failed(r)) return r;
      for (const row of r.value.rows) {
        const number = str(row.number)?.toUpperCase();
        const id = str(row.id);
        if (number && id) out.set(number, items.set(this.#prefix + number, id, now));
      }
    }
    const unknown = [...new Set(skus.map((s) => s.toUpperCase()))].filter((s) => !out.has(s));
    if (unknown.length) return rejected(`BC has no item with number ${unknown.join(", ")}`, "unknown_item");
    return ok(out);
  }

  /** BC location code → location id (`GET locations`), cached. */
  async #locations(): Promise<ErpResult<Map<string, string>>> {
    const key = this.#prefix + "locations";
    const hit = locations.get(key, this.deps.now());
    if (hit) return ok(hit);
    const r = await this.bc.list("locations?$select=id,code", "GET locations");
    if (failed(r)) return r;
    const byCode = new Map<string, string>();
    for (const row of r.value.rows) if (str(row.code) !== undefined && str(row.id)) byCode.set((str(row.code) as string).toUpperCase(), str(row.id) as string);
    return ok(locations.set(key, byCode, this.deps.now()));
  }

  /** The BC location id for a Switchyard location, or undefined when the line names none. */
  async locationId(location: string | undefined): Promise<ErpResult<string | undefined>> {
    if (!location) return ok(undefined);
    const code = this.locationMap.toErp(location);
    if (code === undefined) return config(`settings.locations has no entry for Switchyard location ${location}`);
    const all = await this.#locations();
    if (failed(all)) return all;
    const id = all.value.get(code.toUpperCase());
    return id ? ok(id) : config(`BC has no location with code ${code} (mapped from ${location})`);
  }

  /** The BC location code of a location id (for reading lines back). */
  async locationCode(id: string): Promise<ErpResult<string | null>> {
    const all = await this.#locations();
    if (failed(all)) return all;
    for (const [code, lid] of all.value) if (lid === id) return ok(code);
    return ok(null);
  }

  /**
   * The one Switchyard location BC's location-less figures are reported under: all-locations
   * item inventory, and shipments whose order is gone. `settings.totalsLocation`, else the only
   * mapped location.
   */
  totalsLocation(): string | null {
    const set = str(this.cfg.settings.totalsLocation);
    if (set) return set;
    const mapped = Object.keys(this.cfg.settings.locations ?? {});
    return mapped.length === 1 ? (mapped[0] as string) : null;
  }
}
