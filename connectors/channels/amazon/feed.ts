/**
 * Many SKUs at once through the Feeds API (2021-06-30) as one `JSON_LISTINGS_FEED`:
 * createFeedDocument → upload the JSON to the presigned URL it returns (no SP-API token goes
 * there; it expires in 5 minutes) → createFeed. A feed holds up to 25,000 messages, and Amazon
 * allows about 5 feed submissions per 5 minutes per region
 * (https://developer-docs.amazon.com/sp-api/docs/listings-feed-type-values), so feeds are for
 * sweeps; Amazon processes them asynchronously (minutes to hours) and reports per-message issues
 * in a processing report that this publisher does not poll.
 */
import { callProvider, cut } from "../common/http";
import { spCall, type SpAnswer, type SpClient } from "./client";
import { quantityPatch } from "./listings";

export interface FeedLine {
  sku: string;
  productType: string;
  quantity: number;
}

export type FeedResult = { kind: "submitted"; feedId: string } | { kind: "failed"; answer: Exclude<SpAnswer, { kind: "ok" }> };

const CONTENT_TYPE = "application/json; charset=UTF-8";

/** The feed document. @example feedDocument("A1SELLER", [{ sku: "A", productType: "PRODUCT", quantity: 3 }]).messages[0].operationType // "PATCH" */
export function feedDocument(sellerId: string, lines: FeedLine[]) {
  return {
    header: { sellerId, version: "2.0", issueLocale: "en_US" },
    messages: lines.map((l, i) => ({ messageId: i + 1, sku: l.sku, operationType: "PATCH", productType: l.productType, patches: quantityPatch(l.quantity) })),
  };
}

/**
 * @example const r = await submitFeed(client, seller, ["ATVPDKIKX0DER"], lines); if (r.kind === "submitted") r.feedId
 */
export async function submitFeed(client: SpClient, sellerId: string, marketplaceIds: string[], lines: FeedLine[]): Promise<FeedResult> {
  const doc = await spCall(client, "createFeedDocument", "POST", "/feeds/2021-06-30/documents", {}, { contentType: CONTENT_TYPE });
  if (doc.kind !== "ok") return { kind: "failed", answer: doc };
  const { feedDocumentId, url } = (doc.json ?? {}) as { feedDocumentId?: string; url?: string };
  if (!feedDocumentId || !url) return { kind: "failed", answer: { kind: "retry", reason: "createFeedDocument answered without a document id or upload URL" } };
  client.counter.calls++;
  const up = await callProvider(client.deps, url, { method: "PUT", headers: { "content-type": CONTENT_TYPE }, body: JSON.stringify(feedDocument(sellerId, lines)) });
  if (up.kind === "network") return { kind: "failed", answer: { kind: "retry", reason: `feed upload: ${up.reason}` } };
  if (up.status < 200 || up.status >= 300) return { kind: "failed", answer: { kind: "retry", reason: `feed upload answered ${up.status}: ${client.redact(cut(up.text, 200))}` } };
  const feed = await spCall(client, "createFeed", "POST", "/feeds/2021-06-30/feeds", {}, { feedType: "JSON_LISTINGS_FEED", marketplaceIds, inputFeedDocumentId: feedDocumentId });
  if (feed.kind !== "ok") return { kind: "failed", answer: feed };
  const feedId = (feed.json as { feedId?: string } | undefined)?.feedId;
  return feedId ? { kind: "submitted", feedId } : { kind: "failed", answer: { kind: "retry", reason: "createFeed answered without a feedId" } };
}
