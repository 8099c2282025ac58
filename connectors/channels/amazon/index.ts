/**
 * Amazon publisher: the merchant-fulfilled (`DEFAULT`) quantity of each seller SKU, through the
 * Listings Items API (`PATCH /listings/2021-08-01/items/{sellerId}/{sku}`) for a few SKUs and a
 * `JSON_LISTINGS_FEED` above `feedThreshold`; stock-outs in a large batch still go by PATCH, since
 * feeds queue zero-quantity updates behind catalogue work (selling-partner-api-models#4823).
 * Offers fulfilled by Amazon are left alone and reported `rejected`.
 *
 * Race guarantee: refresh-then-set (common/race.ts) on the offer's current quantity, read with
 * `searchListingsItems` (which also tells MFN from FBA and finds unknown SKUs). Amazon has no
 * compare-and-set, delta or idempotency key. Amazon also applies quantity changes asynchronously
 * (minutes for the API, up to hours for feeds), so a read soon after our previous push may still
 * show the figure before it: a drop we take for a sale may be that lag, and makes us publish less
 * (never more) until the next figure. `ok` means Amazon ACCEPTED the change (or took the feed),
 * not that it is live.
 *
 * Settings: `lwaClientId` + `lwaClientSecret` + `refreshToken`, `sellerId`, `marketplaceIds`;
 * optional `apiBaseUrl` (default `https://sellingpartnerapi-na.amazon.com`), `lwaTokenUrl`
 * (default `https://api.amazon.com/auth/o2/token`), `feedThreshold` (default 20).
 */
import { echoWithin } from "../common/echo";
import { redactor } from "../common/http";
import { admit, config as configOutcome, ok, rejected, ResultBuilder, retry } from "../common/outcomes";
import { refreshThenSet } from "../common/race";
import { baseUrl, list, num, text } from "../common/settings";
import type { PublisherFactory, PublishItem } from "../types";
import type { Operation, SpAnswer, SpClient } from "./client";
import { submitFeed } from "./feed";
import { patchQuantity, readOffers } from "./listings";

export const AMAZON_MAX_BATCH = 500;
export const AMAZON_DEFAULT_FEED_THRESHOLD = 20;

interface Write {
  item: PublishItem;
  productType: string;
  target: number;
}

/**
 * @example const p = createAmazonPublisher({ connectionId: "c4", kind: "amazon", channel: "amazon-us", settings: { lwaClientId, lwaClientSecret, refreshToken, sellerId: "A1SELLER", marketplaceIds: ["ATVPDKIKX0DER"] } }, deps);
 */
export const createAmazonPublisher: PublisherFactory = (config, deps) => {
  const clientId = text(config, "lwaClientId");
  const clientSecret = text(config, "lwaClientSecret");
  const refreshToken = text(config, "refreshToken");
  const sellerId = text(config, "sellerId");
  const marketplaces = list(config, "marketplaceIds");
  const threshold = Math.max(1, num(config, "feedThreshold", AMAZON_DEFAULT_FEED_THRESHOLD));
  const base = config.apiBaseUrl || text(config, "apiBaseUrl") ? baseUrl(config, "") : (text(config, "spApiBaseUrl") ?? "https://sellingpartnerapi-na.amazon.com").replace(/\/+$/, "");
  const tokenUrl = text(config, "lwaTokenUrl") ?? "https://api.amazon.com/auth/o2/token";
  const redact = redactor([clientSecret, refreshToken, clientId]);
  const rates = new Map<Operation, number>();

  async function publish(items: PublishItem[]) {
    const result = new ResultBuilder();
    if (!clientId || !clientSecret || !refreshToken || !sellerId || marketplaces.length === 0) {
      result.rest(items, (i) => configOutcome(i, "Amazon publishing needs settings.lwaClientId, lwaClientSecret, refreshToken, sellerId and marketplaceIds"));
      return result.build(items);
    }
    const client: SpClient = { base, lwa: { tokenUrl, clientId, clientSecret, refreshToken }, deps, redact, counter: result, rates };
    const mkts = marketplaces.join(",");
    const live = admit(items, result, (i) => i.sku);
    const offers = await readOffers(client, sellerId, mkts, live.map((i) => i.sku));
    const writes: Write[] = [];
    for (const item of live) {
      const o = offers.get(item.sku);
      if (!o) continue;
      if (o.kind === "failed") result.set(item, fromAnswer(item, o.answer));
      else if (o.kind === "unknown") result.set(item, rejected(item, `no Amazon listing for seller SKU ${item.sku} in ${mkts}`));
      else if (o.kind === "amazon") result.set(item, rejected(item, `fulfilled by Amazon (${o.channel}): Amazon owns this quantity, so it is not patched`));
      else writes.push({ item, productType: o.productType, target: refreshThenSet(item.available, item.lastAcknowledged, o.quantity).target });
    }
    let byPatch = writes;
    let byFeed: Write[] = [];
    if (writes.length > threshold) {
      const stockOuts = writes.filter((w) => w.target === 0).slice(0, threshold);
      byPatch = stockOuts;
      byFeed = writes.filter((w) => !stockOuts.includes(w));
    }
    await patchEach(client, byPatch, result);
    if (byFeed.length > 0) {
      const r = await submitFeed(client, sellerId, marketplaces, byFeed.map((w) => ({ sku: w.item.sku, productType: w.productType, quantity: w.target })));
      for (const w of byFeed) result.set(w.item, r.kind === "submitted" ? ok(w.item, w.target) : fromAnswer(w.item, r.answer));
    }
    return result.build(items);
  }

  async function patchEach(client: SpClient, writes: Write[], result: ResultBuilder) {
    let stopped: Exclude<SpAnswer, { kind: "ok" }> | undefined;
    for (const w of writes) {
      if (stopped) {
        result.set(w.item, fromAnswer(w.item, stopped));
        continue;
      }
      const r = await patchQuantity(client, sellerId!, marketplaces.join(","), w.item.sku, w.productType, w.target);
      if (r.kind === "accepted") result.set(w.item, ok(w.item, w.target));
      else if (r.kind === "invalid") result.set(w.item, rejected(w.item, r.reason));
      else {
        // Throttled or unauthorised: the same answer awaits every later PATCH in this batch.
        if (r.answer.kind === "config" || (r.answer.kind === "retry" && r.answer.throttled)) stopped = r.answer;
        result.set(w.item, fromAnswer(w.item, r.answer));
      }
    }
  }

  return {
    kind: "amazon",
    maxBatch: AMAZON_MAX_BATCH,
    publish,
    // LISTINGS_ITEM_MFN_QUANTITY_CHANGE follows Amazon's asynchronous apply: minutes for a PATCH,
    // hours for a feed.
    isEcho: echoWithin(6 * 3_600_000),
  };
};

function fromAnswer(item: PublishItem, a: Exclude<SpAnswer, { kind: "ok" }>) {
  return a.kind === "config" ? configOutcome(item, a.reason) : a.kind === "retry" ? retry(item, a.reason) : rejected(item, a.reason);
}
