/**
 * Listings Items API 2021-08-01: reading each SKU's offer (who fulfils it, what quantity it holds)
 * and patching a merchant-fulfilled quantity.
 * - Read: `searchListingsItems` with `identifiersType=SKU`, up to 20 SKUs a call; a SKU containing
 *   a comma cannot be told apart in that list (Amazon's warning), so it is read alone with
 *   `getListingsItem`.
 * - Only `DEFAULT` (merchant-fulfilled) quantity is ours: an offer fulfilled by Amazon
 *   (`AMAZON_NA`, `AMAZON_EU`, …) is Amazon's stock and is never patched (patching DEFAULT on it
 *   adds a second offer, selling-partner-api-models#2061).
 * - Patch: `op: "merge"` on `/attributes/fulfillment_availability` with the mandatory selector
 *   `fulfillment_channel_code: "DEFAULT"`, which changes the quantity without restating
 *   `lead_time_to_ship_max_days` or `restock_date`
 *   (https://developer-docs.amazon.com/sp-api/docs/merge-a-listing). HTTP 200 is not success:
 *   the body's `status` is `ACCEPTED` or `INVALID` with `issues`.
 */
import { spCall, type SpAnswer, type SpClient } from "./client";

export type Offer = { kind: "merchant"; quantity: number | null; productType: string } | { kind: "amazon"; channel: string };
export type Read = Offer | { kind: "unknown" } | { kind: "failed"; answer: Exclude<SpAnswer, { kind: "ok" }> };

interface ListingItem {
  sku?: string;
  summaries?: Array<{ productType?: string }>;
  fulfillmentAvailability?: Array<{ fulfillmentChannelCode?: string; quantity?: number }>;
}

const SKUS_PER_SEARCH = 20;
const LISTINGS = "/listings/2021-08-01/items";

function offerOf(item: ListingItem): Offer {
  const fa = item.fulfillmentAvailability ?? [];
  const mine = fa.find((f) => f.fulfillmentChannelCode === "DEFAULT");
  const productType = item.summaries?.[0]?.productType ?? "PRODUCT";
  if (mine) return { kind: "merchant", quantity: typeof mine.quantity === "number" ? mine.quantity : null, productType };
  const amazon = fa.find((f) => f.fulfillmentChannelCode && f.fulfillmentChannelCode !== "DEFAULT");
  if (amazon) return { kind: "amazon", channel: amazon.fulfillmentChannelCode! };
  return { kind: "merchant", quantity: null, productType };
}

/**
 * Reads the offers of `skus`; a throttled or unauthorised read stops reading (the rest are `failed` with it).
 * @example const offers = await readOffers(client, seller, "ATVPDKIKX0DER", ["A", "B"]); offers.get("A") // { kind: "merchant", quantity: 4, productType: "PRODUCT" }
 */
export async function readOffers(client: SpClient, sellerId: string, marketplaceIds: string, skus: string[]): Promise<Map<string, Read>> {
  const out = new Map<string, Read>();
  const listable = skus.filter((s) => !s.includes(","));
  const query = { marketplaceIds, includedData: "summaries,fulfillmentAvailability" };
  let stop: Exclude<SpAnswer, { kind: "ok" }> | undefined;
  for (let i = 0; i < listable.length && !stop; i += SKUS_PER_SEARCH) {
    const chunk = listable.slice(i, i + SKUS_PER_SEARCH);
    const a = await spCall(client, "searchListingsItems", "GET", `${LISTINGS}/${encodeURIComponent(sellerId)}`, { ...query, identifiers: chunk.join(","), identifiersType: "SKU", pageSize: String(SKUS_PER_SEARCH) });
    if (a.kind !== "ok") {
      // Throttled or unauthorised: every later read in this batch would get the same answer.
      stop = (a.kind === "retry" && a.throttled) || a.kind === "config" ? a : undefined;
      for (const s of chunk) out.set(s, { kind: "failed", answer: a });
      continue;
    }
    const items = ((a.json as { items?: ListingItem[] } | undefined)?.items ?? []) as ListingItem[];
    for (const s of chunk) {
      const item = items.find((x) => x.sku === s);
      out.set(s, item ? offerOf(item) : { kind: "unknown" });
    }
  }
  for (const s of skus.filter((x) => x.includes(","))) {
    if (stop) {
      out.set(s, { kind: "failed", answer: stop });
      continue;
    }
    const a = await spCall(client, "getListingsItem", "GET", `${LISTINGS}/${encodeURIComponent(sellerId)}/${encodeURIComponent(s)}`, query);
    if (a.kind === "ok") out.set(s, offerOf(a.json as ListingItem));
    else if (a.kind === "rejected" && a.status === 404) out.set(s, { kind: "unknown" });
    else {
      if ((a.kind === "retry" && a.throttled) || a.kind === "config") stop = a;
      out.set(s, { kind: "failed", answer: a });
    }
  }
  for (const s of skus) if (!out.has(s) && stop) out.set(s, { kind: "failed", answer: stop });
  return out;
}

/** The JSON Patch that sets a merchant-fulfilled quantity (shared by the API and the feed). */
export function quantityPatch(quantity: number) {
  return [{ op: "merge", path: "/attributes/fulfillment_availability", value: [{ fulfillment_channel_code: "DEFAULT", quantity }] }];
}

export type PatchResult = { kind: "accepted" } | { kind: "invalid"; reason: string } | { kind: "failed"; answer: Exclude<SpAnswer, { kind: "ok" }> };

/**
 * @example const r = await patchQuantity(client, seller, "ATVPDKIKX0DER", "A", "PRODUCT", 5); r.kind // "accepted"
 */
export async function patchQuantity(client: SpClient, sellerId: string, marketplaceIds: string, sku: string, productType: string, quantity: number): Promise<PatchResult> {
  const a = await spCall(client, "patchListingsItem", "PATCH", `${LISTINGS}/${encodeURIComponent(sellerId)}/${encodeURIComponent(sku)}`, { marketplaceIds, includedData: "issues" }, { productType, patches: quantityPatch(quantity) });
  if (a.kind !== "ok") return { kind: "failed", answer: a };
  const body = (a.json ?? {}) as { status?: string; issues?: Array<{ code?: string; message?: string; severity?: string }> };
  if (body.status === "ACCEPTED") return { kind: "accepted" };
  const issues = (body.issues ?? []).filter((i) => i.severity === "ERROR").map((i) => `${i.code ?? ""} ${i.message ?? ""}`.trim());
  return { kind: "invalid", reason: client.redact(`Amazon refused the quantity (${body.status ?? "no status"}): ${issues.join("; ") || "no issue given"}`.slice(0, 500)) };
}
