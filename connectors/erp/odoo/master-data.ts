/**
 * Partners, products and warehouses resolved in Odoo, cached per isolate for ten minutes (found
 * values only). Partner `ref` is the canonical customer id, product `default_code` the SKU,
 * warehouse `code` what `settings.locations` maps Switchyard locations to.
 */
import type { ConnectorDeps, ErpConnectionConfig, ErpOrder, ErpResult } from "../types";
import { LocationMap } from "../shared/locations";
import { Memo } from "../shared/memo";
import { config, failed, ok, rejected } from "../shared/result";
import { settle, type OdooTransport } from "./transport";

const TTL_MS = 10 * 60_000;
const partners = new Memo<number>(TTL_MS);
const products = new Memo<number>(TTL_MS);
const codes = new Memo<string>(TTL_MS);
const countries = new Memo<number>(TTL_MS);
const warehouses = new Memo<Warehouse[]>(TTL_MS);

export type Row = Record<string, unknown>;
export interface Warehouse {
  id: number;
  code: string;
  lotStockId: number;
}

/** The id of a many2one as Odoo reads it (`[id, "name"]` or false). */
export function m2oId(v: unknown): number | null {
  return Array.isArray(v) && typeof v[0] === "number" ? v[0] : null;
}

/** Rows of a search_read, or the classified failure. */
export async function searchRead(t: OdooTransport, model: string, params: Record<string, unknown>): Promise<ErpResult<Row[]>> {
  const r = settle(await t.call(model, "search_read", { params }));
  if (failed(r)) return r;
  return Array.isArray(r.value) ? ok(r.value as Row[]) : config(`${model}/search_read: Odoo answered without a list`);
}

export class MasterData {
  readonly #prefix: string;
  readonly locationMap: LocationMap;

  constructor(
    private readonly cfg: ErpConnectionConfig,
    private readonly deps: ConnectorDeps,
    private readonly t: OdooTransport,
  ) {
    this.#prefix = `${cfg.id}|${cfg.baseUrl}|${cfg.credentials.database ?? ""}|`;
    this.locationMap = new LocationMap(cfg.settings.locations);
  }

  /** The partner whose `ref` is the customer id; created from the order with `settings.customers: "create"`. */
  async partner(order: ErpOrder): Promise<ErpResult<number>> {
    const key = this.#prefix + order.customer.id;
    const hit = partners.get(key, this.deps.now());
    if (hit) return ok(hit);
    const r = await searchRead(this.t, "res.partner", { domain: [["ref", "=", order.customer.id]], fields: ["id"], limit: 1, order: "id asc" });
    if (failed(r)) return r;
    const id = r.value[0]?.id;
    if (typeof id === "number") return ok(partners.set(key, id, this.deps.now()));
    if (this.cfg.settings.customers !== "create") return rejected(`Odoo has no partner with reference ${order.customer.id}`, "unknown_customer");
    const a = order.billTo ?? order.shipTo;
    const country = a ? await this.#country(a.country) : ok(null);
    if (failed(country)) return country;
    const vals = {
      name: order.customer.name ?? a?.name ?? order.customer.id,
      ref: order.customer.id,
      ...(order.customer.email ? { email: order.customer.email } : {}),
      ...(a ? { street: a.line1, street2: a.line2 ?? false, city: a.city, zip: a.postalCode } : {}),
      ...(country.value ? { country_id: country.value } : {}),
    };
    const c = settle(await this.t.call("res.partner", "create", { params: { vals_list: [vals] } }));
    if (failed(c)) return c;
    const created = Array.isArray(c.value) ? c.value[0] : c.value;
    if (typeof created !== "number") return config("res.partner/create: Odoo answered without an id");
    return ok(partners.set(key, created, this.deps.now()));
  }

  async #country(code: string): Promise<ErpResult<number | null>> {
    const key = this.#prefix + "country|" + code.toUpperCase();
    const hit = countries.get(key, this.deps.now());
    if (hit) return ok(hit);
    const r = await searchRead(this.t, "res.country", { domain: [["code", "=", code.toUpperCase()]], fields: ["id"], limit: 1 });
    if (failed(r)) return r;
    const id = r.value[0]?.id;
    return ok(typeof id === "number" ? countries.set(key, id, this.deps.now()) : null);
  }

  /** product.product ids by SKU; `strict` makes a missing SKU `unknown_item`. */
  async productIds(skus: readonly string[], strict: boolean): Promise<ErpResult<Map<string, number>>> {
    const now = this.deps.now();
    const out = new Map<string, number>();
    const missing = [...new Set(skus)].filter((s) => {
      const id = products.get(this.#prefix + s, now);
      if (id) out.set(s, id);
      return !id;
    });
    if (missing.length) {
      const r = await searchRead(this.t, "product.product", { domain: [["default_code", "in", missing]], fields: ["id", "default_code"] });
      if (failed(r)) return r;
      for (const row of r.value) {
        if (typeof row.id !== "number" || typeof row.default_code !== "string") continue;
        out.set(row.default_code, products.set(this.#prefix + row.default_code, row.id, now));
        codes.set(this.#prefix + "code|" + row.id, row.default_code, now);
      }
    }
    const unknown = [...new Set(skus)].filter((s) => !out.has(s));
    if (strict && unknown.length) return rejected(`Odoo has no product with internal reference ${unknown.join(", ")}`, "unknown_item");
    return ok(out);
  }

  /** SKUs (default_code) of product ids. */
  async skus(productIds: readonly number[]): Promise<ErpResult<Map<number, string>>> {
    const now = this.deps.now();
    const out = new Map<number, string>();
    const missing = [...new Set(productIds)].filter((id) => {
      const code = codes.get(this.#prefix + "code|" + id, now);
      if (code) out.set(id, code);
      return !code;
    });
    if (missing.length) {
      const r = settle(await this.t.call("product.product", "read", { ids: missing, params: { fields: ["default_code"] } }));
      if (failed(r)) return r;
      for (const row of (Array.isArray(r.value) ? r.value : []) as Row[]) {
        if (typeof row.id === "number" && typeof row.default_code === "string") out.set(row.id, codes.set(this.#prefix + "code|" + row.id, row.default_code, now));
      }
    }
    return ok(out);
  }

  async warehouses(): Promise<ErpResult<Warehouse[]>> {
    const key = this.#prefix + "warehouses";
    const hit = warehouses.get(key, this.deps.now());
    if (hit) return ok(hit);
    const r = await searchRead(this.t, "stock.warehouse", { domain: [], fields: ["id", "code", "lot_stock_id"], order: "id asc" });
    if (failed(r)) return r;
    const list = r.value.flatMap((w) => (typeof w.id === "number" && typeof w.code === "string" && m2oId(w.lot_stock_id) ? [{ id: w.id, code: w.code, lotStockId: m2oId(w.lot_stock_id) as number }] : []));
    return ok(warehouses.set(key, list, this.deps.now()));
  }

  /** The warehouses stock is read from: the mapped ones, or all of them with no mapping. */
  async inScope(): Promise<ErpResult<Warehouse[]>> {
    const all = await this.warehouses();
    if (failed(all)) return all;
    if (!this.locationMap.configured) return all;
    const wanted = new Set(this.locationMap.erpCodes());
    const found = all.value.filter((w) => wanted.has(w.code));
    const lacking = [...wanted].filter((c) => !found.some((w) => w.code === c));
    return lacking.length ? config(`Odoo has no warehouse with code ${lacking.join(", ")} (settings.locations)`) : ok(found);
  }

  /** The warehouse for a Switchyard location; undefined when the order names none. */
  async warehouseFor(location: string | undefined): Promise<ErpResult<number | undefined>> {
    if (!location) return ok(undefined);
    const code = this.locationMap.toErp(location);
    if (code === undefined) return config(`settings.locations has no entry for Switchyard location ${location}`);
    const all = await this.warehouses();
    if (failed(all)) return all;
    const w = all.value.find((x) => x.code === code);
    return w ? ok(w.id) : config(`Odoo has no warehouse with code ${code} (mapped from ${location})`);
  }
}
