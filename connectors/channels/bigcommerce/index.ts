/**
 * BigCommerce publisher: Inventory API absolute adjustments by SKU and location
 * (`PUT {apiBaseUrl}/v3/inventory/adjustments/absolute`, `X-Auth-Token`, ≤ 2,000 items a call),
 * after one read of the current levels (`GET /v3/inventory/items?sku:in=…&location_id:in=…`).
 *
 * Race guarantee: refresh-then-set (common/race.ts), chosen over relative adjustments: a delta
 * from `lastAcknowledged` would subtract a channel sale twice once the host's own figure counts
 * that order, a relative call that timed out cannot be retried safely (it may apply twice), and
 * relative needs a prior absolute anyway (reference/inventory.v3.yml). Absolute adjustments never
 * fail for stock and are safe to repeat. Not covered: a sale inside the read→write round trip, and
 * BigCommerce applies adjustments asynchronously ("reads right after a write may show old
 * values"), so a read soon after our previous write may still show the figure before it; the
 * host should send one request per store at a time and wait for its answer, as BigCommerce asks.
 *
 * Settings: `storeHash` + `apiToken` (scope `store_inventory`), optional `apiBaseUrl` (default
 * `https://api.bigcommerce.com/stores/{storeHash}`); `publish.locations` maps Switchyard locations
 * to BigCommerce location ids (default location 1).
 */
import { echoWithin } from "../common/echo";
import { redactor } from "../common/http";
import { admit, config as configOutcome, ok, rejected, ResultBuilder, retry } from "../common/outcomes";
import { refreshThenSet } from "../common/race";
import { baseUrl, channelLocationOf, locationMap, text } from "../common/settings";
import type { PublisherFactory, PublishItem } from "../types";
import { bcCall, type BcAnswer, type BigCommerceClient } from "./client";

export const BIGCOMMERCE_MAX_BATCH = 200;
const SKUS_PER_READ = 100;
const DEFAULT_LOCATION = "1";

interface Placed {
  item: PublishItem;
  location: number;
}
interface Write extends Placed {
  target: number;
}
type ItemLevels = Map<string, Map<number, number>>;

/** Whether a provider message names this SKU as a whole token. @example namesSku("[Item with sku A-1 ...]", "A-1") // true */
export function namesSku(message: string, sku: string): boolean {
  const escaped = sku.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9_-])${escaped}($|[^A-Za-z0-9_-])`).test(message);
}

/**
 * @example const p = createBigCommercePublisher({ connectionId: "c3", kind: "bigcommerce", channel: "b2b", settings: { storeHash: "abc123", apiToken } }, deps);
 */
export const createBigCommercePublisher: PublisherFactory = (config, deps) => {
  const storeHash = text(config, "storeHash");
  const token = text(config, "apiToken");
  const base = storeHash || config.apiBaseUrl || text(config, "apiBaseUrl") ? baseUrl(config, `https://api.bigcommerce.com/stores/${storeHash}`) : undefined;
  const locations = locationMap(config);
  const redact = redactor([token]);

  async function publish(items: PublishItem[]) {
    const result = new ResultBuilder();
    if (!token || !base) {
      result.rest(items, (i) => configOutcome(i, "BigCommerce publishing needs settings.storeHash and settings.apiToken"));
      return result.build(items);
    }
    const client: BigCommerceClient = { base, token, deps, redact, counter: result };
    const where = new Map<PublishItem, number>();
    for (const item of items) {
      const loc = channelLocationOf(item, locations, DEFAULT_LOCATION);
      if (!loc || !/^\d+$/.test(loc)) result.set(item, configOutcome(item, `BigCommerce location ids are integers; got ${loc ?? "none"}: check publish.locations`));
      else where.set(item, Number(loc));
    }
    const placed: Placed[] = admit([...where.keys()], result, (i) => `${i.sku}|${where.get(i)}`).map((item) => ({ item, location: where.get(item)! }));
    const { levels, failed, lastLeft } = await readLevels(client, placed);
    const writes: Write[] = [];
    for (const p of placed) {
      const f = failed.get(p.item.sku);
      if (f) result.set(p.item, outcomeFrom(p.item, f));
      else if (!levels.has(p.item.sku)) result.set(p.item, rejected(p.item, `no BigCommerce inventory item has SKU ${p.item.sku}`));
      else writes.push({ ...p, target: refreshThenSet(p.item.available, p.item.lastAcknowledged, levels.get(p.item.sku)!.get(p.location) ?? null).target });
    }
    if (writes.length > 0 && lastLeft === 0) {
      // The read took the store's last request of this window: a write now would be a 429.
      for (const w of writes) result.set(w.item, retry(w.item, "BigCommerce rate-limit window used up before the write"));
    } else if (writes.length > 0) await write(client, writes, result, false);
    return result.build(items);
  }

  async function readLevels(client: BigCommerceClient, placed: Placed[]) {
    const levels: ItemLevels = new Map();
    const failed = new Map<string, Exclude<BcAnswer, { kind: "ok" }>>();
    let lastLeft: number | null = null;
    const skus = [...new Set(placed.map((p) => p.item.sku))];
    const locs = [...new Set(placed.map((p) => p.location))].join(",");
    for (let i = 0; i < skus.length; i += SKUS_PER_READ) {
      const chunk = skus.slice(i, i + SKUS_PER_READ);
      const a = await bcCall(client, "GET", "/v3/inventory/items", { "sku:in": chunk.join(","), "location_id:in": locs, limit: "1000" });
      if (a.kind !== "ok") {
        for (const s of chunk) failed.set(s, a);
        continue;
      }
      lastLeft = a.requestsLeft;
      const data = ((a.json as { data?: unknown[] } | undefined)?.data ?? []) as Array<{ identity?: { sku?: string }; locations?: Array<{ location_id?: number; total_inventory_onhand?: number }> }>;
      for (const row of data) {
        const sku = row.identity?.sku;
        if (!sku || !chunk.includes(sku)) continue;
        const at = levels.get(sku) ?? new Map<number, number>();
        for (const l of row.locations ?? []) if (typeof l.location_id === "number" && typeof l.total_inventory_onhand === "number") at.set(l.location_id, l.total_inventory_onhand);
        levels.set(sku, at);
      }
    }
    return { levels, failed, lastLeft };
  }

  async function write(client: BigCommerceClient, writes: Write[], result: ResultBuilder, resent: boolean): Promise<void> {
    const body = { reason: "Switchyard available-to-sell", items: writes.map((w) => ({ location_id: w.location, sku: w.item.sku, quantity: w.target })) };
    const a = await bcCall(client, "PUT", "/v3/inventory/adjustments/absolute", {}, body);
    if (a.kind === "ok") {
      for (const w of writes) result.set(w.item, ok(w.item, w.target));
      return;
    }
    if (a.kind === "rejected" && a.status === 422 && !resent) {
      // The whole request is refused for the items its title names; the others go again alone.
      const named = writes.filter((w) => namesSku(a.body ?? "", w.item.sku));
      if (named.length > 0 && named.length < writes.length) {
        for (const w of named) result.set(w.item, rejected(w.item, a.reason));
        await write(client, writes.filter((w) => !named.includes(w)), result, true);
        return;
      }
    }
    for (const w of writes) result.set(w.item, outcomeFrom(w.item, a));
  }

  return {
    kind: "bigcommerce",
    maxBatch: BIGCOMMERCE_MAX_BATCH,
    publish,
    // store/sku/inventory/updated follows an asynchronous adjustment by a "short delay".
    isEcho: echoWithin(600_000),
  };
};

function outcomeFrom(item: PublishItem, a: Exclude<BcAnswer, { kind: "ok" }>) {
  return a.kind === "config" ? configOutcome(item, a.reason) : a.kind === "retry" ? retry(item, a.reason) : rejected(item, a.reason);
}
