/**
 * Channel publishing end to end (issue 11): stock facts in through the public API, figures out
 * to each provider's loopback stub through the projector, the dispatch queue and the
 * connection's PublisherDO.
 */
import { describe, expect, it, vi } from "vitest";
import { call, uid } from "./helpers";
import { connectionStatus, levels, opsKeyValue, publishingChannel, seed, setStock, waitForLevels, type Provider } from "./publishing/helpers";

describe("a stock change reaches each provider with the channel's figure", () => {
  for (const kind of ["shopify", "woocommerce", "bigcommerce", "amazon"] as Provider[]) {
    it(`${kind}: the stub holds the channel's figure (its policy applied, not raw on hand)`, async () => {
      const { tenant, connectionId } = await publishingChannel(kind, { policy: { locations: ["DC1"], percent: 50 } });
      const sku = uid("PUB");
      await seed(kind, tenant, [sku], 3);
      await setStock(sku, 11);
      await waitForLevels(kind, tenant, { [sku]: 5 });
      await setStock(sku, 20);
      await waitForLevels(kind, tenant, { [sku]: 10 });
      const c = await connectionStatus(connectionId);
      expect(c.skus?.find((s) => s.sku === sku)).toMatchObject({ published: 10, acknowledged: 10, state: "idle" });
      expect(c.lastOkAt).not.toBeNull();
      expect(c.lagMs.p50).not.toBeNull();
      expect((await levels(kind, tenant))[sku]).toBe(10);
    });
  }
});

describe("publishing in /metrics", () => {
  it("counts the connection's calls and lag, and shows its pending and failed figures", async () => {
    const { tenant, channel, connectionId } = await publishingChannel("bigcommerce");
    const sku = uid("MET");
    await seed("bigcommerce", tenant, [sku], 0);
    await setStock(sku, 3);
    await waitForLevels("bigcommerce", tenant, { [sku]: 3 });
    const key = await opsKeyValue();
    const labels = `channel="${channel}",connection="${connectionId}"`;
    await vi.waitFor(
      async () => {
        const text = await (await call("/metrics", { headers: { authorization: `Bearer ${key}` } })).text();
        const ours = text.split("\n").filter((l) => l.includes(`connection="${connectionId}"`));
        // By the batch's result: ok, or rejected when the batch also carried SKUs this store does not list.
        expect(ours.find((l) => l.startsWith(`switchyard_publisher_calls_total{${labels},result=`))).toMatch(/ [1-9]\d*$/);
        expect(ours.find((l) => l.startsWith(`switchyard_publisher_lag_seconds_count{${labels}} `))).toMatch(/ [1-9]\d*$/);
        expect(ours).toContain(`switchyard_publisher_items{${labels},state="pending"} 0`);
        expect(ours).toContain(`switchyard_publisher_items{${labels},state="dead"} 0`);
      },
      { timeout: 10_000, interval: 250 },
    );
  });
});
