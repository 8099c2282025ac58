/**
 * Shopify publisher: tells a shop what it may sell per (SKU, location) through the Admin GraphQL
 * API (`POST {apiBaseUrl}/admin/api/{apiVersion}/graphql.json`, `X-Shopify-Access-Token`).
 *
 * Race guarantee: compare-and-set. Every row is written only if Shopify still holds the figure
 * it last acknowledged from us (`lastAcknowledged`); if the shop sold units meanwhile, nothing is
 * overwritten and the item comes back `retry` with `channelAvailable` (the figure Shopify holds
 * now) for the host to fold in. A first publish (`lastAcknowledged: null`) opts out of the check.
 *
 * Settings: `shopDomain` + `accessToken` (scope `write_inventory`), optional `apiVersion`
 * (default 2026-04), `apiBaseUrl` (default `https://{shopDomain}`); locations from
 * `publish.locations` (Switchyard location → `gid://shopify/Location/…` or its numeric id).
 */
import { echoWithin } from "../common/echo";
import { redactor } from "../common/http";
import { admit, config as configOutcome, ok, rejected, ResultBuilder, retry } from "../common/outcomes";
import { sellable } from "../common/race";
import { baseUrl, channelLocationOf, locationMap, text } from "../common/settings";
import type { PublisherFactory, PublishItem } from "../types";
import type { ShopifyClient } from "./client";
import { cacheKey, resolveInventoryItems } from "./lookup";
import { modernApi, readAvailable, sendRows, type Row } from "./set-quantities";

export const SHOPIFY_DEFAULT_API_VERSION = "2026-04";
/** Rows per mutation. Shopify documents no cap for `quantities`; 250 is the usual GraphQL input cap. */
export const SHOPIFY_MAX_ROWS = 250;

const locationGid = (id: string) => (/^\d+$/.test(id) ? `gid://shopify/Location/${id}` : id);

/**
 * @example const p = createShopifyPublisher({ connectionId: "c1", kind: "shopify", channel: "web", settings: { shopDomain: "acme.myshopify.com", accessToken } }, deps);
 * await p.publish([{ sku: "A-1", available: 5, channelLocation: "DC1", lastAcknowledged: 6, seq: 12 }]);
 */
export const createShopifyPublisher: PublisherFactory = (config, deps) => {
  const shopDomain = text(config, "shopDomain");
  const token = text(config, "accessToken");
  const version = text(config, "apiVersion") ?? SHOPIFY_DEFAULT_API_VERSION;
  const redact = redactor([token]);
  const locations = locationMap(config);
  const base = shopDomain || config.apiBaseUrl || text(config, "apiBaseUrl") ? baseUrl(config, `https://${shopDomain}`) : undefined;

  async function publish(items: PublishItem[]) {
    const result = new ResultBuilder();
    if (!token || !base) {
      result.rest(items, (i) => configOutcome(i, "Shopify publishing needs settings.shopDomain and settings.accessToken"));
      return result.build(items);
    }
    const client: ShopifyClient = { url: `${base}/admin/api/${version}/graphql.json`, token, deps, redact };
    const where = new Map<PublishItem, string>();
    for (const item of items) {
      const loc = channelLocationOf(item, locations);
      if (!loc) result.set(item, configOutcome(item, "no Shopify location for this item: map it in publish.locations"));
      else where.set(item, locationGid(loc));
    }
    // One row per (item, location) per call (NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR).
    const placed = admit([...where.keys()], result, (i) => `${i.sku}|${where.get(i)}`).map((item) => ({ item, locationId: where.get(item)! }));
    const resolved = await resolveInventoryItems(client, placed.map((p) => p.item.sku), deps.ids, result);

    const all: Row[] = [];
    for (const { item, locationId } of placed) {
      const r = resolved.get(item.sku);
      if (!r) continue;
      if (!("gid" in r)) result.set(item, r.kind === "config" ? configOutcome(item, r.reason) : r.kind === "retry" ? retry(item, r.reason) : rejected(item, r.reason));
      else all.push({ item, inventoryItemId: r.gid, locationId, quantity: sellable(item.available), compare: item.lastAcknowledged });
    }
    // Before 2026-01 the compare flag is per call: compared and uncompared rows go separately.
    const groups = modernApi(version) ? [all] : [all.filter((r) => r.compare !== null), all.filter((r) => r.compare === null)];
    for (const group of groups) {
      for (let i = 0; i < group.length; i += SHOPIFY_MAX_ROWS) await publishRows(client, group.slice(i, i + SHOPIFY_MAX_ROWS), result);
    }
    return result.build(items);
  }

  async function publishRows(client: ShopifyClient, rows: Row[], result: ResultBuilder, resent = false): Promise<void> {
    if (rows.length === 0) return;
    result.calls++;
    let sent = await sendRows(client, config.connectionId, version, rows);
    if (sent.newKey) {
      result.calls++;
      sent = await sendRows(client, config.connectionId, version, rows, String(deps.now()));
    }
    result.slowDown(sent.throttle);
    if (sent.failure) {
      const f = sent.failure;
      if (f.kind === "throttled" || f.kind === "retry") result.slowDown(f.throttle);
      for (const row of rows) {
        const outcome = f.kind === "config" ? configOutcome(row.item, f.reason) : f.kind === "error" ? rejected(row.item, f.reason) : retry(row.item, f.reason);
        result.set(row.item, outcome);
      }
      return;
    }
    if (sent.newKey) {
      for (const row of rows) result.set(row.item, retry(row.item, "Shopify kept refusing the idempotency key; a later attempt uses a new one"));
      return;
    }
    const stale: Row[] = [];
    const collateral: Row[] = [];
    for (const row of rows) {
      const v = sent.verdicts.get(row)!;
      if (v.kind === "ok") result.set(row.item, ok(row.item, v.acknowledged));
      else if (v.kind === "stale") stale.push(row);
      else if (v.kind === "collateral") collateral.push(row);
      else {
        if (v.forgetId) deps.ids.set(cacheKey(row.item.sku), "");
        result.set(row.item, v.kind === "config" ? configOutcome(row.item, v.reason) : v.kind === "retry" ? retry(row.item, v.reason) : rejected(row.item, v.reason));
      }
    }
    if (collateral.length > 0) {
      if (resent) for (const row of collateral) result.set(row.item, retry(row.item, "Shopify refused the call because another row failed"));
      else await publishRows(client, collateral, result, true);
    }
    if (stale.length > 0) await reportStale(client, stale, result);
  }

  async function reportStale(client: ShopifyClient, stale: Row[], result: ResultBuilder): Promise<void> {
    result.calls++;
    const read = await readAvailable(client, stale);
    result.slowDown(read.throttle);
    if (read.failure && (read.failure.kind === "throttled" || read.failure.kind === "retry")) result.slowDown(read.failure.throttle);
    for (const row of stale) {
      const now = read.levels.get(row);
      const why = `Shopify changed the figure itself since it acknowledged ${row.compare} (CHANGE_FROM_QUANTITY_STALE): nothing written`;
      result.set(row.item, now === undefined ? retry(row.item, `${why}; re-reading it failed, re-read before the next attempt`) : retry(row.item, `${why}; it holds ${now} now`, now));
    }
  }

  return {
    kind: "shopify",
    maxBatch: SHOPIFY_MAX_ROWS,
    publish,
    // inventory_levels/update fires synchronously with the write; a minute covers delivery lag.
    isEcho: echoWithin(60_000),
  };
};
