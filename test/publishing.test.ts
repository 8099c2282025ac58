/**
 * Channel publishing end to end (issue 11): stock facts in through the public API, figures out
 * to each provider's loopback stub through the projector, the dispatch queue and the
 * connection's PublisherDO.
 */
import { describe, expect, it } from "vitest";
import { uid } from "./helpers";
import { connectionStatus, levels, publishingChannel, seed, setStock, waitForLevels, type Provider } from "./publishing/helpers";

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
