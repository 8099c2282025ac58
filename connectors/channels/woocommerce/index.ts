/**
 * WooCommerce publisher: sets `stock_quantity` (with `manage_stock: true`) on products and
 * variations through REST v3 batches (`POST products/batch`, `POST products/{id}/variations/batch`,
 * at most 100 objects each, per-row errors in a 200 answer).
 *
 * Race guarantee: refresh-then-set (common/race.ts). WooCommerce has no compare-and-set, no ETag
 * and no REST delta (woocommerce/woocommerce#21808), so each publish reads the stock first; a drop
 * below what the store last acknowledged from us is the store's own sale, subtracted from our
 * figure rather than handed back. A sale inside the read→write round trip is not covered.
 *
 * Settings: `consumerKey` + `consumerSecret` (a key with read/write permission), `apiBaseUrl` (the
 * store URL), optional `authMode` (`basic` | `query` | `oauth1`; default Basic over HTTPS, OAuth
 * 1.0a over HTTP as WooCommerce requires) and `batchLimit` (default 100, the
 * `woocommerce_rest_batch_items_limit` default).
 */
import { echoWithin } from "../common/echo";
import { redactor } from "../common/http";
import { admit, config as configOutcome, ok, rejected, ResultBuilder, retry } from "../common/outcomes";
import { refreshThenSet } from "../common/race";
import { baseUrl, num, text } from "../common/settings";
import type { PublisherFactory, PublishItem } from "../types";
import { defaultAuthMode, type WooAuthMode } from "./auth";
import { wooCall, type WooAnswer, type WooClient } from "./client";
import { forgetRef, readStock, type WooRef } from "./lookup";

export const WOO_MAX_BATCH = 100;

interface Write {
  item: PublishItem;
  ref: WooRef;
  target: number;
}

/**
 * @example const p = createWooCommercePublisher({ connectionId: "c2", kind: "woocommerce", channel: "shop", settings: { apiBaseUrl: "https://shop.example", consumerKey, consumerSecret } }, deps);
 */
export const createWooCommercePublisher: PublisherFactory = (config, deps) => {
  const consumerKey = text(config, "consumerKey");
  const consumerSecret = text(config, "consumerSecret");
  const base = config.apiBaseUrl || text(config, "apiBaseUrl") ? baseUrl(config, "") : undefined;
  const mode = (text(config, "authMode") as WooAuthMode | undefined) ?? (base ? defaultAuthMode(base) : "basic");
  const batchLimit = Math.max(1, Math.min(WOO_MAX_BATCH, num(config, "batchLimit", WOO_MAX_BATCH)));
  const redact = redactor([consumerKey, consumerSecret]);

  async function publish(items: PublishItem[]) {
    const result = new ResultBuilder();
    if (!consumerKey || !consumerSecret || !base) {
      result.rest(items, (i) => configOutcome(i, "WooCommerce publishing needs settings.apiBaseUrl, consumerKey and consumerSecret"));
      return result.build(items);
    }
    const client: WooClient = { base, creds: { consumerKey, consumerSecret, mode }, deps, redact, counter: result };
    const live = admit(items, result, (i) => i.sku);
    const found = await readStock(client, live.map((i) => i.sku), deps.ids);
    const writes: Write[] = [];
    for (const item of live) {
      const f = found.get(item.sku);
      if (!f) continue;
      if ("failed" in f) result.set(item, fromAnswer(item, f.failed, result));
      else if ("unknown" in f) result.set(item, rejected(item, f.unknown));
      else writes.push({ item, ref: f.ref, target: refreshThenSet(item.available, item.lastAcknowledged, f.stock).target });
    }
    const groups = new Map<string, Write[]>();
    for (const w of writes) {
      const path = w.ref.kind === "product" ? "/products/batch" : `/products/${w.ref.parent}/variations/batch`;
      groups.set(path, [...(groups.get(path) ?? []), w]);
    }
    for (const [path, group] of groups) {
      for (let i = 0; i < group.length; i += batchLimit) await writeBatch(client, path, group.slice(i, i + batchLimit), result);
    }
    return result.build(items);
  }

  async function writeBatch(client: WooClient, path: string, group: Write[], result: ResultBuilder) {
    const a = await wooCall(client, "POST", path, {}, { update: group.map((w) => ({ id: w.ref.id, stock_quantity: w.target, manage_stock: true })) });
    if (a.kind !== "ok") {
      for (const w of group) result.set(w.item, fromAnswer(w.item, a, result));
      return;
    }
    const answered = ((a.json as { update?: unknown[] } | undefined)?.update ?? []) as Array<{ id?: number; stock_quantity?: number | null; error?: { code?: string; message?: string } }>;
    for (const w of group) {
      const row = answered.find((r) => r.id === w.ref.id);
      if (!row) result.set(w.item, retry(w.item, "WooCommerce batch answer has no row for this product"));
      else if (row.error) {
        if (row.error.code?.endsWith("invalid_id")) forgetRef(deps.ids, w.item.sku);
        result.set(w.item, rejected(w.item, redact(`WooCommerce refused ${w.item.sku}: ${row.error.code ?? ""} ${row.error.message ?? ""}`.trim())));
      } else result.set(w.item, ok(w.item, typeof row.stock_quantity === "number" ? row.stock_quantity : w.target));
    }
  }

  return {
    kind: "woocommerce",
    maxBatch: WOO_MAX_BATCH,
    publish,
    // product.updated is sent from the save that our REST write triggers; deliveries are queued by
    // Action Scheduler and can lag a few minutes behind.
    isEcho: echoWithin(300_000),
  };
};

function fromAnswer(item: PublishItem, a: Exclude<WooAnswer, { kind: "ok" }>, result: ResultBuilder) {
  if (a.kind === "retry") {
    result.slowDown(a.throttle);
    return retry(item, a.reason);
  }
  return a.kind === "config" ? configOutcome(item, a.reason) : rejected(item, a.reason);
}
