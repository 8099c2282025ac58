/**
 * SKU → InventoryItem GID. The SKU lives on the variant, which is 1:1 with its inventory item
 * (https://shopify.dev/docs/apps/build/inventory-management-apps/manage-quantities-states), and
 * `productVariants(query: "sku:…")` searches by it. Shopify does not enforce unique SKUs, and its
 * search is not an exact match, so results are filtered to the exact SKU and a SKU on more than
 * one inventory item is refused rather than guessed. Found ids are cached in the host's IdCache.
 */
import type { IdCache } from "../types";
import { gql, type ShopifyClient } from "./client";
import type { Throttle } from "../common/outcomes";

export type Resolved = { gid: string } | { kind: "rejected" | "retry" | "config"; reason: string };

/** SKUs per search: keeps the query string short and the requested cost small. */
const SKUS_PER_LOOKUP = 50;
export const cacheKey = (sku: string) => `shopify:inventoryItem:${sku}`;

const LOOKUP = `query SwitchyardLookup($q: String!, $n: Int!) {
  productVariants(first: $n, query: $q) { nodes { sku inventoryItem { id tracked } } }
}`;

/** Shopify search syntax: a quoted value with `\` and `"` escaped. @example skuQuery(["A-1"]) // 'sku:"A-1"' */
export function skuQuery(skus: string[]): string {
  return skus.map((s) => `sku:"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(" OR ");
}

/**
 * Resolves every SKU, from the cache first; counts its calls into `calls`.
 * @example const r = await resolveInventoryItems(client, ["A-1"], ids, counter); r.get("A-1") // { gid: "gid://shopify/InventoryItem/1" }
 */
export async function resolveInventoryItems(
  client: ShopifyClient,
  skus: string[],
  ids: IdCache,
  counter: { calls: number; slowDown(t: Throttle | undefined): void },
): Promise<Map<string, Resolved>> {
  const out = new Map<string, Resolved>();
  const missing: string[] = [];
  for (const sku of new Set(skus)) {
    const cached = ids.get(cacheKey(sku));
    if (cached) out.set(sku, { gid: cached });
    else missing.push(sku);
  }
  for (let i = 0; i < missing.length; i += SKUS_PER_LOOKUP) {
    const chunk = missing.slice(i, i + SKUS_PER_LOOKUP);
    counter.calls++;
    // Twice the SKUs, so a duplicated SKU shows up as duplicated instead of hiding behind `first`.
    const r = await gql(client, LOOKUP, { q: skuQuery(chunk), n: Math.min(250, chunk.length * 2) });
    if (r.kind !== "data") {
      if (r.kind === "throttled") counter.slowDown(r.throttle);
      if (r.kind === "retry") counter.slowDown(r.throttle);
      const kind = r.kind === "config" ? "config" : r.kind === "error" ? "rejected" : "retry";
      for (const sku of chunk) out.set(sku, { kind, reason: `SKU lookup failed: ${r.reason}` });
      continue;
    }
    counter.slowDown(r.throttle);
    const pv = r.data.productVariants as { nodes?: Array<{ sku?: string | null; inventoryItem?: { id?: string; tracked?: boolean } | null }> } | undefined;
    const bySku = new Map<string, Array<{ id: string; tracked: boolean }>>();
    for (const n of pv?.nodes ?? []) {
      if (!n.sku || !n.inventoryItem?.id) continue;
      const list = bySku.get(n.sku) ?? [];
      if (!list.some((x) => x.id === n.inventoryItem!.id)) list.push({ id: n.inventoryItem.id, tracked: n.inventoryItem.tracked !== false });
      bySku.set(n.sku, list);
    }
    for (const sku of chunk) {
      const found = bySku.get(sku) ?? [];
      if (found.length === 0) out.set(sku, { kind: "rejected", reason: `no Shopify variant has SKU ${sku}` });
      else if (found.length > 1) out.set(sku, { kind: "rejected", reason: `SKU ${sku} is on ${found.length} Shopify variants; make it unique so one figure has one place to go` });
      else if (!found[0]!.tracked) out.set(sku, { kind: "rejected", reason: `Shopify does not track inventory for SKU ${sku} (inventory item not tracked)` });
      else {
        ids.set(cacheKey(sku), found[0]!.id);
        out.set(sku, { gid: found[0]!.id });
      }
    }
  }
  return out;
}
