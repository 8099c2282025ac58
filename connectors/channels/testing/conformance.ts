/**
 * The one suite every channel publisher passes against its loopback stub (the shape of
 * workers-oauth-provider's storage conformance): what a host relies on, whatever the provider.
 *
 * @example runPublisherConformance("shopify", () => shopifyHarness(env.SHOPIFY_STUB_URL));
 */
import { describe, expect, it } from "vitest";
import type { ItemOutcome, Publisher, PublishItem, PublishResult } from "../types";
import { assertNoSecrets } from "./support";

export interface PublisherHarness {
  /** A publisher for a fresh stub tenant (its own empty store). */
  publisher: Publisher;
  /** The same store, reached with a wrong credential. */
  withBadCredentials: Publisher;
  /** Every credential value the publisher holds; none may appear in a result. */
  secrets: string[];
  /** The `channelLocation` items carry (per-location providers). */
  channelLocation?: string;
  /** Creates SKUs on the channel holding these figures. */
  seed(stock: Record<string, number>): Promise<void>;
  /** What the channel holds for a SKU now. */
  level(sku: string): Promise<number | null>;
  /** The channel sells `units` of `sku` itself, just before the publisher's next call touching it. */
  sellBeforeNextCall(sku: string, units: number): Promise<void>;
  /** The provider throttles its next call; resolves to the delay (seconds) the provider's answer asks for. */
  throttleNextCall(): Promise<number>;
  /** The provider's next call gets this HTTP answer instead (nothing applied). */
  failNextCall(status: number, body: string, contentType?: string): Promise<void>;
  /** Provider calls the stub has recorded for this store so far. */
  callCount(): Promise<number>;
  /** The fewest calls the provider allows for a batch of `n` known SKUs. */
  minimumCalls(n: number): number;
}

const outcomeOf = (r: PublishResult, sku: string): ItemOutcome => {
  const o = r.items.find((i) => i.sku === sku);
  if (!o) throw new Error(`no outcome for ${sku} in ${JSON.stringify(r)}`);
  return o;
};

/** Registers the suite for one provider. */
export function runPublisherConformance(name: string, makeHarness: () => Promise<PublisherHarness>): void {
  describe(`${name} publisher (conformance)`, () => {
    const item = (h: PublisherHarness, sku: string, available: number, lastAcknowledged: number | null, seq: number): PublishItem =>
      h.channelLocation === undefined ? { sku, available, lastAcknowledged, seq } : { sku, available, lastAcknowledged, seq, channelLocation: h.channelLocation };

    const publish = async (h: PublisherHarness, items: PublishItem[], p = h.publisher) => {
      const r = await p.publish(items);
      assertNoSecrets(r, h.secrets);
      expect(r.items).toHaveLength(items.length);
      return r;
    };

    it("a figure reaches the channel and is acknowledged, first publish and the next", async () => {
      const h = await makeHarness();
      await h.seed({ "CONF-A": 3 });
      const first = await publish(h, [item(h, "CONF-A", 7, null, 1)]);
      expect(outcomeOf(first, "CONF-A")).toMatchObject({ outcome: "ok", acknowledged: 7 });
      expect(await h.level("CONF-A")).toBe(7);
      const next = await publish(h, [item(h, "CONF-A", 4, 7, 2)]);
      expect(outcomeOf(next, "CONF-A")).toMatchObject({ outcome: "ok", acknowledged: 4 });
      expect(await h.level("CONF-A")).toBe(4);
      if (h.channelLocation !== undefined) expect(outcomeOf(next, "CONF-A").channelLocation).toBe(h.channelLocation);
    });

    it("a batch of many SKUs takes the provider's minimum number of calls, and says so", async () => {
      const h = await makeHarness();
      const skus = Array.from({ length: 40 }, (_, i) => `CONF-BATCH-${String(i).padStart(2, "0")}`);
      await h.seed(Object.fromEntries(skus.map((s) => [s, 1])));
      await publish(h, skus.map((s, i) => item(h, s, 2, null, i + 1)));
      const before = await h.callCount();
      const r = await publish(h, skus.map((s, i) => item(h, s, 10 + i, 2, 100 + i)));
      const made = (await h.callCount()) - before;
      expect(r.items.every((o) => o.outcome === "ok")).toBe(true);
      expect(made).toBe(r.calls);
      expect(r.calls).toBeLessThanOrEqual(h.minimumCalls(skus.length));
      expect(await h.level("CONF-BATCH-39")).toBe(49);
    });

    it("never gives back a unit the channel sold itself while we were publishing", async () => {
      const h = await makeHarness();
      await h.seed({ "CONF-RACE": 10 });
      expect(outcomeOf(await publish(h, [item(h, "CONF-RACE", 10, null, 1)]), "CONF-RACE")).toMatchObject({ outcome: "ok", acknowledged: 10 });
      // Our next figure (8) does not know the channel's own sale of one unit.
      await h.sellBeforeNextCall("CONF-RACE", 1);
      const r = await publish(h, [item(h, "CONF-RACE", 8, 10, 2)]);
      const o = outcomeOf(r, "CONF-RACE");
      if (o.outcome === "retry") {
        // Compare-and-set lost: nothing was overwritten, and the channel's figure came back.
        expect(o.channelAvailable).toBe(9);
        expect(await h.level("CONF-RACE")).toBe(9);
        const again = await publish(h, [item(h, "CONF-RACE", 8 - (10 - 9), 9, 3)]);
        expect(outcomeOf(again, "CONF-RACE")).toMatchObject({ outcome: "ok", acknowledged: 7 });
      } else {
        expect(o).toMatchObject({ outcome: "ok", acknowledged: 7 });
      }
      expect(await h.level("CONF-RACE")).toBe(7);
    });

    it("reports throttling with the provider's delay and loses nothing: the retry succeeds", async () => {
      const h = await makeHarness();
      await h.seed({ "CONF-SLOW": 1 });
      await publish(h, [item(h, "CONF-SLOW", 2, null, 1)]);
      const delay = await h.throttleNextCall();
      const r = await publish(h, [item(h, "CONF-SLOW", 5, 2, 2)]);
      expect(outcomeOf(r, "CONF-SLOW").outcome).toBe("retry");
      expect(r.throttle?.retryAfterSeconds).toBe(delay);
      expect(await h.level("CONF-SLOW")).toBe(2);
      const later = await publish(h, [item(h, "CONF-SLOW", 5, 2, 2)]);
      expect(outcomeOf(later, "CONF-SLOW")).toMatchObject({ outcome: "ok", acknowledged: 5 });
      expect(await h.level("CONF-SLOW")).toBe(5);
    });

    it("rejects an unknown SKU on its own and still publishes the rest", async () => {
      const h = await makeHarness();
      await h.seed({ "CONF-KNOWN": 1 });
      const r = await publish(h, [item(h, "CONF-KNOWN", 6, null, 1), item(h, "CONF-GHOST", 3, null, 1)]);
      expect(outcomeOf(r, "CONF-KNOWN")).toMatchObject({ outcome: "ok", acknowledged: 6 });
      expect(outcomeOf(r, "CONF-GHOST").outcome).toBe("rejected");
      expect(await h.level("CONF-KNOWN")).toBe(6);
    });

    it("bad credentials are a config outcome for every item, with no credential in it", async () => {
      const h = await makeHarness();
      await h.seed({ "CONF-AUTH-1": 1, "CONF-AUTH-2": 1 });
      const r = await publish(h, [item(h, "CONF-AUTH-1", 4, null, 1), item(h, "CONF-AUTH-2", 4, null, 1)], h.withBadCredentials);
      expect(r.items.map((o) => o.outcome)).toEqual(["config", "config"]);
      expect(await h.level("CONF-AUTH-1")).toBe(1);
    });

    it("a server error or an answer that is not the provider's JSON is a retry, never a rejection", async () => {
      const h = await makeHarness();
      await h.seed({ "CONF-ODD": 2 });
      for (const [status, body, type] of [
        [503, "<html><body>Service Unavailable</body></html>", "text/html"],
        [200, "<html><body>Under maintenance</body></html>", "text/html"],
      ] as const) {
        await h.failNextCall(status, body, type);
        const r = await publish(h, [item(h, "CONF-ODD", 6, null, 1)]);
        expect(outcomeOf(r, "CONF-ODD").outcome).toBe("retry");
        expect(await h.level("CONF-ODD")).toBe(2);
      }
      expect(outcomeOf(await publish(h, [item(h, "CONF-ODD", 6, null, 1)]), "CONF-ODD")).toMatchObject({ outcome: "ok", acknowledged: 6 });
    });

    it("sends only the newest of two figures for one SKU, and refuses a blank SKU", async () => {
      const h = await makeHarness();
      await h.seed({ "CONF-TWICE": 1 });
      const r = await publish(h, [item(h, "CONF-TWICE", 9, null, 8), item(h, "CONF-TWICE", 4, null, 7), item(h, " ", 1, null, 1)]);
      expect(r.items.map((o) => o.outcome)).toEqual(["ok", "rejected", "rejected"]);
      expect(await h.level("CONF-TWICE")).toBe(9);
    });

    it("never throws and clamps what no channel accepts (negative, fractional)", async () => {
      const h = await makeHarness();
      await h.seed({ "CONF-CLAMP": 5 });
      const r = await publish(h, [item(h, "CONF-CLAMP", -3, null, 1)]);
      expect(outcomeOf(r, "CONF-CLAMP")).toMatchObject({ outcome: "ok", acknowledged: 0 });
      const frac = await publish(h, [item(h, "CONF-CLAMP", 2.7, 0, 2)]);
      expect(outcomeOf(frac, "CONF-CLAMP")).toMatchObject({ outcome: "ok", acknowledged: 2 });
      expect(await h.level("CONF-CLAMP")).toBe(2);
    });
  });
}
