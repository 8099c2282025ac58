/**
 * SKU → Tryton product (`product.product.code`: the template code plus the variant suffix),
 * and ISO currency code → `currency.currency`. Both cached per connection.
 */
import type { ErpResult } from "../types";
import type { TtlCache } from "./cache";
import { searchRead } from "./orm";
import type { TrytonRpc } from "./rpc";

const PRODUCT_TTL = 10 * 60_000;
const CURRENCY_TTL = 60 * 60_000;
const BATCH = 200;

export interface Product { id: number; sku: string; name: string; salable: boolean; saleUom: number | null }

/**
 * Products for the SKUs that exist in Tryton (missing ones are simply absent from the map).
 * @example const r = await productsBySku(rpc, cache, ["SKU-1"]); r.kind === "ok" && r.value.get("SKU-1")?.id
 */
export async function productsBySku(rpc: TrytonRpc, cache: TtlCache, skus: string[]): Promise<ErpResult<Map<string, Product>>> {
  const out = new Map<string, Product>();
  const missing: string[] = [];
  for (const sku of new Set(skus)) {
    const hit = cache.get<Product>(`product:${sku}`);
    if (hit) out.set(sku, hit);
    else missing.push(sku);
  }
  for (let i = 0; i < missing.length; i += BATCH) {
    const r = await searchRead(rpc, "product.product", [["code", "in", missing.slice(i, i + BATCH)]], ["code", "rec_name", "salable", "sale_uom"], { order: [["id", "ASC"]] });
    if (r.kind !== "ok") return r;
    for (const row of r.value) {
      const sku = String(row.code);
      if (out.has(sku)) continue; // two variants with one code: the oldest wins, as it would in a search
      // SQLite gives Tryton Booleans back as 0/1.
      const salable = row.salable === true || row.salable === 1;
      const p: Product = { id: row.id, sku, name: String(row.rec_name ?? sku), salable, saleUom: typeof row.sale_uom === "number" ? row.sale_uom : null };
      out.set(sku, p);
      cache.set(`product:${sku}`, p, PRODUCT_TTL);
    }
  }
  return { kind: "ok", value: out };
}

/** SKU of each product id (reverse lookups for stock rows and shipment lines). */
export async function skusByProductId(rpc: TrytonRpc, ids: number[]): Promise<ErpResult<Map<number, string>>> {
  const out = new Map<number, string>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += BATCH) {
    const r = await searchRead(rpc, "product.product", [["id", "in", unique.slice(i, i + BATCH)], ["active", "in", [true, false]]], ["code"]);
    if (r.kind !== "ok") return r;
    for (const row of r.value) if (row.code) out.set(row.id, String(row.code));
  }
  return { kind: "ok", value: out };
}

/** The Tryton currency with this ISO 4217 code, or null. */
export async function currencyId(rpc: TrytonRpc, cache: TtlCache, code: string): Promise<ErpResult<number | null>> {
  const key = `currency:${code.toUpperCase()}`;
  const hit = cache.get<number>(key);
  if (hit) return { kind: "ok", value: hit };
  const r = await searchRead(rpc, "currency.currency", [["code", "=", code.toUpperCase()]], ["id"], { limit: 1 });
  if (r.kind !== "ok") return r;
  const id = r.value[0]?.id ?? null;
  if (id) cache.set(key, id, CURRENCY_TTL);
  return { kind: "ok", value: id };
}
