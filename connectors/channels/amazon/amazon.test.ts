// Amazon-specific behaviour beyond the conformance suite, against scripts/stubs/amazon.mjs.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import mfnQuantityChange from "../../../test/fixtures/amazon/ListingsItemMfnQuantityChange.json";
import { AMAZON, amazonConfig, type AmazonState } from "../testing/harnesses/amazon";
import { assertNoSecrets, StubTenant, testDeps } from "../testing/support";
import type { PublishItem } from "../types";
import { createAmazonPublisher } from "./index";

const stubUrl = (env as unknown as { AMAZON_STUB_URL: string }).AMAZON_STUB_URL;
const at = (sku: string, available: number, lastAcknowledged: number | null = null, seq = 1): PublishItem => ({ sku, available, lastAcknowledged, seq });
const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);

async function seller(listings: Array<Record<string, unknown>>, settings: Record<string, unknown> = {}) {
  const tenant = new StubTenant(stubUrl);
  await tenant.control("seed", { listings });
  const publisher = createAmazonPublisher(amazonConfig(tenant, settings), testDeps());
  const state = () => tenant.state<AmazonState>();
  const calls = async () => (await tenant.calls()).map((c) => `${c.method} ${c.path}`);
  return { tenant, publisher, state, calls };
}

describe("Amazon publisher", () => {
  it("leaves an offer fulfilled by Amazon alone and says why, while patching the merchant-fulfilled one", async () => {
    const s = await seller([{ sku: "AMZ-FBA", fulfillment: "AMAZON_NA" }, { sku: "AMZ-MFN", quantity: 2 }]);
    const r = await s.publisher.publish([at("AMZ-FBA", 9), at("AMZ-MFN", 9)]);
    expect(r.items[0]).toMatchObject({ outcome: "rejected", reason: expect.stringMatching(/fulfilled by Amazon \(AMAZON_NA\)/) });
    expect(r.items[1]).toMatchObject({ outcome: "ok", acknowledged: 9 });
    const state = await s.state();
    expect(state.fbaPatched).toEqual([]);
    expect(state.patches.map((p) => `${p.via} ${p.sku}`)).toEqual(["api AMZ-MFN"]);
    expect(state.patches[0]?.body.patches).toEqual([{ op: "merge", path: "/attributes/fulfillment_availability", value: [{ fulfillment_channel_code: "DEFAULT", quantity: 9 }] }]);
    expect(state.patches[0]?.body.productType).toBe("HOME");
  });

  it("up to the threshold patches each SKU; above it sends one JSON_LISTINGS_FEED, uploaded without the token", async () => {
    const few = await seller(many("AMZ-FEW", 3).map((sku) => ({ sku, quantity: 1 })), { feedThreshold: 3 });
    await few.publisher.publish(many("AMZ-FEW", 3).map((sku) => at(sku, 4)));
    expect((await few.calls()).filter((c) => c.startsWith("PATCH"))).toHaveLength(3);
    expect((await few.state()).feeds).toHaveLength(0);

    const skus = many("AMZ-FEED", 25);
    const s = await seller(skus.map((sku) => ({ sku, quantity: 1 })));
    const r = await s.publisher.publish(skus.map((sku, i) => at(sku, i + 1)));
    expect(r.items.every((o) => o.outcome === "ok")).toBe(true);
    const calls = await s.calls();
    expect(calls.filter((c) => c.startsWith("PATCH"))).toHaveLength(0);
    expect(calls.filter((c) => c === "POST /feeds/2021-06-30/feeds")).toHaveLength(1);
    const upload = (await s.tenant.calls()).find((c) => c.path.startsWith("/feed-uploads/"))!;
    expect(upload.headers["x-amz-access-token"]).toBeUndefined();
    const feed = (await s.state()).feeds[0]!;
    expect(feed.messages).toHaveLength(25);
    expect(feed.messages[24]).toMatchObject({ sku: "AMZ-FEED-24", operationType: "PATCH" });
    expect((await s.state()).listings.find((l) => l.sku === "AMZ-FEED-24")?.quantity).toBe(25);
  });

  it("in a large batch, stock-outs still go by PATCH rather than wait in a feed", async () => {
    const skus = many("AMZ-OUT", 22);
    const s = await seller(skus.map((sku) => ({ sku, quantity: 3 })));
    const r = await s.publisher.publish(skus.map((sku, i) => at(sku, i < 2 ? 0 : 5, 3)));
    expect(r.items.every((o) => o.outcome === "ok")).toBe(true);
    expect((await s.state()).patches.filter((p) => p.via === "api").map((p) => p.sku)).toEqual(["AMZ-OUT-00", "AMZ-OUT-01"]);
    expect((await s.state()).feeds[0]?.messages).toHaveLength(20);
  });

  it("caches the Login with Amazon token, and renews it once when the SP-API refuses it", async () => {
    const s = await seller([{ sku: "AMZ-TOK", quantity: 1 }]);
    await s.publisher.publish([at("AMZ-TOK", 2)]);
    await s.publisher.publish([at("AMZ-TOK", 3, 2, 2)]);
    expect((await s.calls()).filter((c) => c === "POST /auth/o2/token")).toHaveLength(1);
    await s.tenant.control("faults", { kind: "expireToken" });
    const r = await s.publisher.publish([at("AMZ-TOK", 4, 3, 3)]);
    expect(r.items[0]).toMatchObject({ outcome: "ok", acknowledged: 4 });
    expect((await s.calls()).filter((c) => c === "POST /auth/o2/token")).toHaveLength(2);
  });

  it("a wrong client secret is config, with no secret in the result", async () => {
    const s = await seller([{ sku: "AMZ-CS", quantity: 1 }], { lwaClientSecret: "amzn1.oa2-cs.v1.wrongsecret999" });
    const r = await s.publisher.publish([at("AMZ-CS", 2), at("AMZ-CS-2", 2)]);
    expect(r.items.map((o) => o.outcome)).toEqual(["config", "config"]);
    expect(r.calls).toBe(1);
    assertNoSecrets(r, ["amzn1.oa2-cs.v1.wrongsecret999", AMAZON.refreshToken, AMAZON.clientSecret]);
  });

  it("a throttled createFeed asks the host to wait for the feed quota (0.0083 requests/s)", async () => {
    const skus = many("AMZ-FQ", 21);
    const s = await seller(skus.map((sku) => ({ sku, quantity: 1 })));
    await s.tenant.control("faults", { kind: "status", status: 429, match: "/feeds/2021-06-30/feeds", body: { errors: [{ code: "QuotaExceeded", message: "You exceeded your quota for the requested resource.", details: "" }] } });
    const r = await s.publisher.publish(skus.map((sku) => at(sku, 6)));
    expect(r.items.every((o) => o.outcome === "retry")).toBe(true);
    expect(r.throttle?.retryAfterSeconds).toBe(121);
  });

  it("a throttled PATCH stops the batch there: later SKUs are retried, not hammered", async () => {
    const s = await seller(["AMZ-T1", "AMZ-T2", "AMZ-T3"].map((sku) => ({ sku, quantity: 1 })));
    await s.tenant.control("faults", { kind: "status", status: 429, match: `/${AMAZON.sellerId}/AMZ-T2`, body: { errors: [{ code: "QuotaExceeded", message: "You exceeded your quota for the requested resource.", details: "" }] } });
    const r = await s.publisher.publish([at("AMZ-T1", 5), at("AMZ-T2", 5), at("AMZ-T3", 5)]);
    expect(r.items.map((o) => o.outcome)).toEqual(["ok", "retry", "retry"]);
    expect((await s.calls()).filter((c) => c.startsWith("PATCH"))).toHaveLength(2);
    expect(r.throttle?.retryAfterSeconds).toBe(1);
  });

  it("an INVALID submission (HTTP 200) is rejected with Amazon's issue", async () => {
    const s = await seller([{ sku: "AMZ-INV", quantity: 1, invalid: { code: "8541", message: "The listing is suppressed for a missing attribute." } }]);
    const r = await s.publisher.publish([at("AMZ-INV", 5)]);
    expect(r.items[0]).toMatchObject({ outcome: "rejected", reason: expect.stringMatching(/INVALID.*8541 The listing is suppressed/) });
  });

  it("reads a SKU containing a comma on its own, and encodes it in the path", async () => {
    const s = await seller([{ sku: "AMZ,COMMA/1", quantity: 1 }]);
    const r = await s.publisher.publish([at("AMZ,COMMA/1", 7)]);
    expect(r.items[0]).toMatchObject({ outcome: "ok", acknowledged: 7 });
    const paths = (await s.tenant.calls()).map((c) => c.path);
    expect(paths).toContain(`/listings/2021-08-01/items/${AMAZON.sellerId}/AMZ%2CCOMMA%2F1`);
  });

  it("recognises LISTINGS_ITEM_MFN_QUANTITY_CHANGE for the quantity it pushed as its echo", () => {
    const p = createAmazonPublisher(amazonConfig(new StubTenant(stubUrl)), testDeps());
    const n = mfnQuantityChange.examples[0]!;
    const pushedAt = Date.parse(n.EventTime) - 25 * 60_000;
    const observed = { sku: n.Payload.Sku, externalItemId: n.Payload.Sku, available: n.Payload.Quantity, observedAt: n.EventTime };
    expect(p.isEcho(observed, { available: 99, at: pushedAt })).toBe(true);
    expect(p.isEcho({ ...observed, available: 98 }, { available: 99, at: pushedAt })).toBe(false);
  });
});
