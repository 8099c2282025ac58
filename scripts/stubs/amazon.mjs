#!/usr/bin/env node
// Amazon stub: Login with Amazon (`POST /t/{tenant}/auth/o2/token`, refresh_token grant) and the
// SP-API operations a quantity publisher calls, shaped as amzn/selling-partner-api-models
// (listingsItems_2021-08-01.json, feeds_2021-06-30.json): `searchListingsItems` (≤ 20 SKU
// identifiers), `getListingsItem`, `patchListingsItem` (HTTP 200 with `status` ACCEPTED | INVALID
// and `issues`), `createFeedDocument` (201, presigned upload `url`), the upload itself (no token),
// `createFeed` (202 `{ feedId }`; the JSON_LISTINGS_FEED is applied at once here, where Amazon
// takes minutes to hours), and `getFeed`. Errors are `{ errors: [{ code, message, details }] }`;
// each operation's rate is in `x-amzn-RateLimit-Limit` on success (documented defaults).
// Seed: { clientId?, clientSecret?, refreshToken?, sellerId?, listings: [{ sku, fulfillment?: "DEFAULT" | "AMAZON_NA", quantity?, productType?,
//         invalid?: { code, message } (every patch of this SKU answers INVALID with that issue) }] }
// Faults: { kind: "status", status, body?, headers?, match?, times? } (429 QuotaExceeded, 500 …)
//         { kind: "expireToken" } → the next SP-API call refuses its token as expired (403)
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { startStub } from "./common.mjs";

export const AMAZON_STUB = {
  clientId: "amzn1.application-oa2-client.stub0123",
  clientSecret: "amzn1.oa2-cs.v1.stubsecret0123456789",
  refreshToken: "Atzr|IwEBIstubrefreshtoken0123456789",
  sellerId: "A1STUBSELLER01",
  marketplaceId: "ATVPDKIKX0DER",
};
const RATES = { search: "5.0", get: "5.0", patch: "5.0", document: "0.5", feed: "0.0083" };
const LISTINGS = "/listings/2021-08-01/items/";

const spError = (ctx, status, code, message, details = "") => ctx.send(status, { errors: [{ code, message, details }] }, { "x-amzn-requestid": randomUUID() });

const provider = {
  newState: () => ({ ...AMAZON_STUB, tokens: new Map(), listings: new Map(), documents: new Map(), feeds: [], patches: [], fbaPatched: [] }),
  seed(state, body) {
    for (const k of ["clientId", "clientSecret", "refreshToken", "sellerId"]) if (body[k]) state[k] = body[k];
    for (const l of body.listings ?? []) {
      state.listings.set(l.sku, { sku: l.sku, fulfillment: l.fulfillment ?? "DEFAULT", quantity: l.quantity ?? 0, productType: l.productType ?? "HOME", invalid: l.invalid });
    }
    return { ok: true };
  },
  snapshot: (state) => ({
    listings: [...state.listings.values()],
    patches: state.patches,
    fbaPatched: state.fbaPatched,
    feeds: state.feeds.map((f) => ({ feedId: f.feedId, marketplaceIds: f.marketplaceIds, messages: f.messages })),
  }),
  sell(state, { sku, units = 1 }) {
    const l = state.listings.get(sku);
    if (!l) return { error: "no such sku" };
    l.quantity -= units;
    return { quantity: l.quantity };
  },
  async handle(ctx) {
    const s = ctx.state;
    if (ctx.method === "POST" && ctx.path === "/auth/o2/token") return token(ctx);
    let m;
    if (ctx.method === "PUT" && (m = /^\/feed-uploads\/([\w-]+)$/.exec(ctx.path))) {
      const doc = s.documents.get(m[1]);
      if (!doc) return ctx.send(403, "<Error><Code>AccessDenied</Code></Error>", { "content-type": "application/xml" });
      doc.content = ctx.raw;
      return ctx.send(200, "");
    }
    const t = ctx.headers["x-amz-access-token"];
    const expired = ctx.fault("expireToken");
    if (!t || !s.tokens.has(t) || expired) return spError(ctx, 403, "Unauthorized", "Access to requested resource is denied.", expired ? "The access token you provided has expired." : "");
    const q = ctx.url.searchParams;
    if (ctx.path.startsWith(LISTINGS)) {
      const [seller, rawSku] = ctx.path.slice(LISTINGS.length).split("/");
      if (decodeURIComponent(seller) !== s.sellerId) return spError(ctx, 403, "Unauthorized", "Access to requested resource is denied.");
      if (!q.get("marketplaceIds")) return spError(ctx, 400, "InvalidInput", "Missing required 'marketplaceIds'.");
      if (rawSku === undefined && ctx.method === "GET") return search(ctx, q);
      const sku = decodeURIComponent(rawSku ?? "");
      if (ctx.method === "GET") return getItem(ctx, sku, q);
      if (ctx.method === "PATCH") return patch(ctx, sku);
    }
    if (ctx.method === "POST" && ctx.path === "/feeds/2021-06-30/documents") {
      if (!ctx.json?.contentType) return spError(ctx, 400, "InvalidInput", "contentType is required");
      const feedDocumentId = `amzn1.tortuga.4.na.${randomUUID()}`;
      const id = randomUUID();
      s.documents.set(id, { feedDocumentId, content: null });
      return ctx.send(201, { feedDocumentId, url: `http://${ctx.headers.host}/t/${ctx.tenant.id}/feed-uploads/${id}` }, { "x-amzn-ratelimit-limit": RATES.document });
    }
    if (ctx.method === "POST" && ctx.path === "/feeds/2021-06-30/feeds") return createFeed(ctx);
    if (ctx.method === "GET" && (m = /^\/feeds\/2021-06-30\/feeds\/(\d+)$/.exec(ctx.path))) {
      const f = s.feeds.find((x) => x.feedId === m[1]);
      if (!f) return spError(ctx, 404, "NotFound", "The requested resource was not found.");
      return ctx.send(200, { feedId: f.feedId, feedType: "JSON_LISTINGS_FEED", marketplaceIds: f.marketplaceIds, createdTime: f.createdTime, processingStatus: "DONE" });
    }
    return spError(ctx, 404, "NotFound", "Resource not found.");
  },
};

function token(ctx) {
  const s = ctx.state;
  const form = new URLSearchParams(ctx.raw);
  if (form.get("grant_type") !== "refresh_token") return ctx.send(400, { error: "unsupported_grant_type", error_description: "The authorization grant type is not supported by the authorization server" });
  if (form.get("client_id") !== s.clientId || form.get("client_secret") !== s.clientSecret) return ctx.send(401, { error: "invalid_client", error_description: "Client authentication failed" });
  if (form.get("refresh_token") !== s.refreshToken) return ctx.send(400, { error: "invalid_grant", error_description: "The request has an invalid grant parameter : refresh_token" });
  const access = `Atza|${randomUUID()}`;
  s.tokens.set(access, Date.now() + 3600_000);
  return ctx.send(200, { access_token: access, refresh_token: s.refreshToken, token_type: "bearer", expires_in: 3600 });
}

const view = (l, marketplaceId) => ({
  sku: l.sku,
  summaries: [{ marketplaceId, asin: `B0${l.sku.replace(/[^A-Z0-9]/gi, "").slice(0, 8).toUpperCase().padEnd(8, "0")}`, productType: l.productType, conditionType: "new_new", status: ["BUYABLE"], itemName: l.sku, createdDate: "2025-01-01T00:00:00Z", lastUpdatedDate: new Date().toISOString() }],
  fulfillmentAvailability: l.fulfillment === "DEFAULT" ? [{ fulfillmentChannelCode: "DEFAULT", quantity: l.quantity }] : [{ fulfillmentChannelCode: l.fulfillment }],
});

function search(ctx, q) {
  const ids = (q.get("identifiers") ?? "").split(",").filter(Boolean);
  if (ids.length > 20) return spError(ctx, 400, "InvalidInput", "'identifiers' exceeds the maximum of 20.");
  if (ids.length && q.get("identifiersType") !== "SKU") return spError(ctx, 400, "InvalidInput", "'identifiersType' is required when 'identifiers' is provided.");
  ctx.salesBefore("read", ids);
  const items = ids.map((sku) => ctx.state.listings.get(sku)).filter(Boolean).map((l) => view(l, q.get("marketplaceIds").split(",")[0]));
  return ctx.send(200, { numberOfResults: items.length, items }, { "x-amzn-ratelimit-limit": RATES.search });
}

function getItem(ctx, sku, q) {
  ctx.salesBefore("read", [sku]);
  const l = ctx.state.listings.get(sku);
  if (!l) return spError(ctx, 404, "NOT_FOUND", `SKU '${sku}' not found in marketplace ${q.get("marketplaceIds")}`);
  return ctx.send(200, view(l, q.get("marketplaceIds").split(",")[0]), { "x-amzn-ratelimit-limit": RATES.get });
}

/** Applies one quantity patch the way Amazon validates it; returns the submission response. */
function applyPatch(state, sku, body, via) {
  const submissionId = randomUUID().replace(/-/g, "");
  const l = state.listings.get(sku);
  const invalid = (code, message) => ({ sku, status: "INVALID", submissionId, issues: [{ code, message, severity: "ERROR", attributeNames: ["fulfillment_availability"] }] });
  if (!l) return invalid("4000001", `The SKU '${sku}' does not match any SKU in the catalog.`);
  if (!body || typeof body.productType !== "string" || !Array.isArray(body.patches)) return invalid("4000002", "The request body is missing productType or patches.");
  if (l.invalid) return invalid(l.invalid.code, l.invalid.message);
  for (const p of body.patches) {
    if (p.path !== "/attributes/fulfillment_availability") continue;
    if (!["replace", "merge", "add"].includes(p.op)) return invalid("4000003", `Unsupported op '${p.op}'.`);
    const v = Array.isArray(p.value) ? p.value[0] : undefined;
    if (!v || !v.fulfillment_channel_code) return invalid("90220", "'fulfillment_availability' does not have enough values. Provide 'fulfillment_channel_code'.");
    if (!Number.isInteger(v.quantity) || v.quantity < 0) return invalid("90244", "'quantity' must be a whole number of 0 or more.");
    if (l.fulfillment !== "DEFAULT") state.fbaPatched.push(sku);
    else l.quantity = v.quantity;
  }
  state.patches.push({ at: Date.now(), sku, body, via });
  return { sku, status: "ACCEPTED", submissionId, issues: [] };
}

function patch(ctx, sku) {
  ctx.salesBefore("write", [sku]);
  return ctx.send(200, applyPatch(ctx.state, sku, ctx.json, "api"), { "x-amzn-ratelimit-limit": RATES.patch });
}

function createFeed(ctx) {
  const s = ctx.state;
  const b = ctx.json ?? {};
  if (b.feedType !== "JSON_LISTINGS_FEED") return spError(ctx, 400, "InvalidInput", `Unsupported feedType ${b.feedType}`);
  if (!Array.isArray(b.marketplaceIds) || b.marketplaceIds.length === 0) return spError(ctx, 400, "InvalidInput", "marketplaceIds is required");
  const doc = [...s.documents.values()].find((d) => d.feedDocumentId === b.inputFeedDocumentId);
  if (!doc || doc.content === null) return spError(ctx, 400, "InvalidInput", "inputFeedDocumentId was not uploaded");
  const parsed = JSON.parse(doc.content);
  const messages = parsed.messages ?? [];
  if (messages.length > 25000) return spError(ctx, 400, "InvalidInput", "A JSON_LISTINGS_FEED holds at most 25,000 messages.");
  if (parsed.header?.sellerId !== s.sellerId) return spError(ctx, 400, "InvalidInput", "header.sellerId does not match the seller.");
  ctx.salesBefore("write", messages.map((m) => m.sku));
  const results = messages.map((m) => ({ messageId: m.messageId, ...applyPatch(s, m.sku, { productType: m.productType, patches: m.patches }, "feed") }));
  const feedId = String(50000 + s.feeds.length);
  s.feeds.push({ feedId, marketplaceIds: b.marketplaceIds, createdTime: new Date().toISOString(), messages, results });
  return ctx.send(202, { feedId }, { "x-amzn-ratelimit-limit": RATES.feed });
}

/** @example const s = await startAmazonStub({ unref: true }); `${s.url}/t/my-test` is apiBaseUrl, `${s.url}/t/my-test/auth/o2/token` lwaTokenUrl */
export function startAmazonStub(opts = {}) {
  return startStub({ provider, ...opts });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const s = await startAmazonStub({ port: Number(process.env.PORT ?? 8794) });
  console.log(`[amazon-stub] ${s.url}`);
}
