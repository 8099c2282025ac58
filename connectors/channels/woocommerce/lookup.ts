/**
 * SKU → product or variation, with the stock it holds now (the read of refresh-then-set).
 * WooCommerce keeps SKUs unique across products and variations, but variations live under their
 * parent: `GET products?sku=a,b` finds products, and on recent versions variations too (with
 * `parent_id`); older versions only list them under `GET products/{id}/variations`
 * (woocommerce/woocommerce#9330, #31370; woocommerce-rest-api#38). So: one search by SKU list;
 * variations known from the cache are read under their parent; a SKU still missing is searched
 * for under the store's variable products, a bounded scan whose misses are remembered for an hour.
 */
import type { IdCache } from "../types";
import { wooCall, type WooAnswer, type WooClient } from "./client";

export type WooRef = { kind: "product"; id: number } | { kind: "variation"; parent: number; id: number };
export type Found = { ref: WooRef; stock: number | null };
export type Lookup = Found | { failed: Exclude<WooAnswer, { kind: "ok" }> } | { unknown: string };

interface WooProduct {
  id?: number;
  sku?: string;
  type?: string;
  parent_id?: number;
  manage_stock?: boolean | "parent";
  stock_quantity?: number | null;
}

const PAGE = 100;
const SCAN_PAGES = 5;
const MISS_TTL_MS = 3_600_000;
const refKey = (sku: string) => `woocommerce:ref:${sku}`;
const missKey = (sku: string) => `woocommerce:miss:${sku}`;

/** Cache form of a ref. @example encodeRef({ kind: "variation", parent: 7, id: 9 }) // "variation:7:9" */
export const encodeRef = (r: WooRef) => (r.kind === "product" ? `product:${r.id}` : `variation:${r.parent}:${r.id}`);
function decodeRef(s: string | undefined): WooRef | undefined {
  const m = /^(product):(\d+)$|^(variation):(\d+):(\d+)$/.exec(s ?? "");
  if (!m) return undefined;
  return m[1] ? { kind: "product", id: Number(m[2]) } : { kind: "variation", parent: Number(m[4]), id: Number(m[5]) };
}
/** Forgets a SKU's ref (the product was deleted). */
export const forgetRef = (ids: IdCache, sku: string) => ids.set(refKey(sku), "");

const stockOf = (p: WooProduct) => (p.manage_stock === true && typeof p.stock_quantity === "number" ? p.stock_quantity : null);
const refOf = (p: WooProduct): WooRef => (p.type === "variation" || (p.parent_id ?? 0) > 0 ? { kind: "variation", parent: p.parent_id ?? 0, id: p.id ?? 0 } : { kind: "product", id: p.id ?? 0 });
const rows = (a: WooAnswer): WooProduct[] => (a.kind === "ok" && Array.isArray(a.json) ? (a.json as WooProduct[]) : []);

/**
 * Reads every SKU's ref and current stock.
 * @example const found = await readStock(client, ["A", "B"], ids); found.get("A") // { ref: { kind: "product", id: 12 }, stock: 4 }
 */
export async function readStock(client: WooClient, skus: string[], ids: IdCache): Promise<Map<string, Lookup>> {
  const out = new Map<string, Lookup>();
  const wanted = [...new Set(skus)];
  const remember = (p: WooProduct) => {
    if (!p.sku || !wanted.includes(p.sku) || out.has(p.sku)) return;
    const ref = refOf(p);
    ids.set(refKey(p.sku), encodeRef(ref));
    out.set(p.sku, { ref, stock: stockOf(p) });
  };
  for (let i = 0; i < wanted.length; i += PAGE) {
    const chunk = wanted.slice(i, i + PAGE);
    const a = await wooCall(client, "GET", "/products", { sku: chunk.join(","), per_page: String(PAGE) });
    if (a.kind !== "ok") {
      for (const sku of chunk) out.set(sku, { failed: a });
      continue;
    }
    rows(a).forEach(remember);
  }

  // Variations this store does not return from the SKU search, read under their parents.
  const byParent = new Map<number, string[]>();
  for (const sku of wanted) {
    const ref = out.has(sku) ? undefined : decodeRef(ids.get(refKey(sku)));
    if (ref?.kind === "variation") byParent.set(ref.parent, [...(byParent.get(ref.parent) ?? []), sku]);
  }
  for (const [parent, list] of byParent) {
    const a = await wooCall(client, "GET", `/products/${parent}/variations`, { sku: list.join(","), per_page: String(PAGE) });
    if (a.kind !== "ok") for (const sku of list) out.set(sku, { failed: a });
    else rows(a).forEach((v) => remember({ ...v, type: "variation", parent_id: parent }));
  }

  const missing = wanted.filter((s) => !out.has(s));
  const now = client.deps.now();
  const toScan = missing.filter((s) => !(Number(ids.get(missKey(s)) ?? 0) > now - MISS_TTL_MS));
  if (toScan.length > 0) await scanVariations(client, toScan, remember, (sku, a) => out.set(sku, { failed: a }));
  for (const sku of wanted) {
    if (out.has(sku)) continue;
    if (toScan.includes(sku)) ids.set(missKey(sku), String(now));
    forgetRef(ids, sku);
    out.set(sku, { unknown: `no WooCommerce product or variation has SKU ${sku}` });
  }
  return out;
}

async function scanVariations(client: WooClient, skus: string[], remember: (p: WooProduct) => void, fail: (sku: string, a: Exclude<WooAnswer, { kind: "ok" }>) => void) {
  let left = [...skus];
  for (let page = 1; page <= SCAN_PAGES && left.length > 0; page++) {
    const parents = await wooCall(client, "GET", "/products", { type: "variable", per_page: String(PAGE), page: String(page) });
    if (parents.kind !== "ok") return left.forEach((s) => fail(s, parents));
    for (const p of rows(parents)) {
      if (!p.id || left.length === 0) continue;
      const a = await wooCall(client, "GET", `/products/${p.id}/variations`, { sku: left.join(","), per_page: String(PAGE) });
      if (a.kind !== "ok") return left.forEach((s) => fail(s, a));
      for (const v of rows(a)) remember({ ...v, type: "variation", parent_id: p.id });
      const found = new Set(rows(a).map((v) => v.sku));
      left = left.filter((s) => !found.has(s));
    }
    if (rows(parents).length < PAGE) break;
  }
}
