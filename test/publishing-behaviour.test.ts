/**
 * Publishing under load and trouble (issue 11): bursts coalesce and end on Switchyard's final
 * figures, policy changes re-publish without a stock event, throttling slows the publisher down
 * and loses nothing, a channel's own sale during our write is folded in, refusals dead-letter
 * and replay, and the channel's echo of our push is not news.
 */
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { hmacSha256, toBase64 } from "../core/crypto";
import { admin, call, uid } from "./helpers";
import { connectionStatus, levels, opsKeyValue, publishingChannel, seed, served, setStock, SHOPIFY_LOCATION, waitForLevels, type Provider } from "./publishing/helpers";

/** Posts `changes` snapshots (in order, one asOf apart) and returns each SKU's last on-hand. */
async function burst(skus: string[], changes: number): Promise<Record<string, number>> {
  const last: Record<string, number> = {};
  const base = Date.now() - 60_000;
  const events = Array.from({ length: changes }, (_, i) => {
    const sku = skus[i % skus.length]!;
    const onHand = (i * 37 + 11) % 90;
    last[sku] = onHand;
    return { eventId: uid("burst"), source: "erp", type: "snapshot", sku, location: "DC1", asOf: new Date(base + i).toISOString(), quantities: { onHand, committed: 0 } };
  });
  for (let i = 0; i < events.length; i += 100) {
    const res = await admin("/v1/inventory/events", "POST", { events: events.slice(i, i + 100) });
    expect(res.status).toBe(202);
  }
  return last;
}

describe("bursts coalesce", () => {
  for (const kind of ["shopify", "woocommerce", "bigcommerce", "amazon"] as Provider[]) {
    it(`${kind}: 300 changes over 25 SKUs end with the stub holding exactly Switchyard's figures, in far fewer calls`, async () => {
      const { tenant, channel } = await publishingChannel(kind, { policy: { locations: ["DC1"], buffer: 2 } });
      const skus = Array.from({ length: 25 }, (_, i) => uid(`B${i}`));
      await seed(kind, tenant, skus, 50);
      const last = await burst(skus, 300);
      const expected = Object.fromEntries(Object.entries(last).map(([sku, n]) => [sku, Math.max(0, n - 2)]));
      await waitForLevels(kind, tenant, expected, 30_000);
      for (const sku of skus.slice(0, 5)) expect(await served(sku, channel)).toBe(expected[sku]);
      const calls = (await tenant.calls()).length;
      expect(calls).toBeLessThan(300 / 3);
    });
  }
});

describe("policy and connection changes re-publish without a stock event", () => {
  it("a percent change moves every SKU's published figure, and a connection added later gets them all", { timeout: 150_000 }, async () => {
    const { tenant, channel } = await publishingChannel("shopify");
    const skus = [uid("P1"), uid("P2"), uid("P3")];
    await seed("shopify", tenant, skus, 0);
    for (const [i, sku] of skus.entries()) await setStock(sku, 10 + i * 10);
    await waitForLevels("shopify", tenant, { [skus[0]!]: 10, [skus[1]!]: 20, [skus[2]!]: 30 });

    const res = await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1"], percent: 50 });
    expect(res.status).toBe(200);
    // Every SKU the system knows is re-projected (earlier tests made a hundred or so): give it time on a busy machine.
    await waitForLevels("shopify", tenant, { [skus[0]!]: 5, [skus[1]!]: 10, [skus[2]!]: 15 }, 60_000);
    expect(await served(skus[2]!, channel)).toBe(15);

    // A second connection of the same channel, on its own shop, gets every figure at once.
    const { StubTenant } = await import("../connectors/channels/testing/support");
    const other = new StubTenant((env as unknown as { WOO_STUB_URL: string }).WOO_STUB_URL);
    await seed("woocommerce", other, skus, 99);
    const add = await admin(`/v1/admin/connections/${uid("pub-woo2")}`, "PUT", {
      kind: "woocommerce",
      secret: "webhook-secret-123",
      settings: { channel, consumerKey: "ck_stub_0123456789abcdef", consumerSecret: "cs_stub_fedcba9876543210", apiBaseUrl: other.base, publish: { enabled: true } },
    });
    expect(add.status).toBe(201);
    await waitForLevels("woocommerce", other, { [skus[0]!]: 5, [skus[1]!]: 10, [skus[2]!]: 15 }, 60_000);
  });
});

/** The connection is live and idle: our SKU is published and every re-projected figure is sent, so the next calls are ours. */
async function settled(kind: Provider, tenant: Awaited<ReturnType<typeof publishingChannel>>["tenant"], connectionId: string, sku: string, n: number) {
  await setStock(sku, n);
  await waitForLevels(kind, tenant, { [sku]: n });
  await vi.waitFor(async () => expect((await connectionStatus(connectionId, 0)).items.pending).toBe(0), { timeout: 20_000, interval: 200 });
  return (await tenant.calls()).length;
}

describe("throttling slows the publisher down and loses nothing", () => {
  it("shopify: THROTTLED waits for the bucket to refill, then the figure lands", async () => {
    const { tenant, connectionId } = await publishingChannel("shopify");
    const sku = uid("T");
    await seed("shopify", tenant, [sku], 0);
    const before = await settled("shopify", tenant, connectionId, sku, 1);
    await tenant.control("faults", { kind: "throttle", currentlyAvailable: 0, restoreRate: 5 });
    await setStock(sku, 7);
    await waitForLevels("shopify", tenant, { [sku]: 7 });
    const calls = (await tenant.calls()).slice(before);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    // The throttled call cost 10 points at 5 a second: the next came no sooner than the two seconds Shopify asked for.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1900);
    expect((await connectionStatus(connectionId, 500)).skus?.find((x) => x.sku === sku)).toMatchObject({ state: "idle", acknowledged: 7 });
  });

  it("woocommerce: a 429 with Retry-After is honoured", async () => {
    const { tenant, connectionId } = await publishingChannel("woocommerce");
    const sku = uid("T");
    await seed("woocommerce", tenant, [sku], 0);
    const before = await settled("woocommerce", tenant, connectionId, sku, 1);
    await tenant.control("faults", { kind: "status", status: 429, headers: { "retry-after": "2" }, body: { code: "too_many_requests", message: "Too many requests", data: { status: 429 } } });
    await setStock(sku, 9);
    await waitForLevels("woocommerce", tenant, { [sku]: 9 });
    const calls = (await tenant.calls()).slice(before);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1900);
  });

  it("bigcommerce: no requests left in the window means no write until the window resets", async () => {
    const { tenant, connectionId } = await publishingChannel("bigcommerce");
    const sku = uid("T");
    await seed("bigcommerce", tenant, [sku], 0);
    const before = await settled("bigcommerce", tenant, connectionId, sku, 1);
    await tenant.control("faults", { kind: "rateLimit", left: 0, resetMs: 2000 });
    await setStock(sku, 4);
    await waitForLevels("bigcommerce", tenant, { [sku]: 4 });
    const calls = (await tenant.calls()).slice(before);
    const write = calls.find((c) => c.method === "PUT")!;
    expect(write.at - calls[0]!.at).toBeGreaterThanOrEqual(1900);
  });
});

describe("no race with the channel's own sale", () => {
  it("shopify: a sale between our read and write loses the compare-and-set, is folded in, and the unit is not handed back", async () => {
    const { tenant, connectionId } = await publishingChannel("shopify");
    const sku = uid("CAS");
    await seed("shopify", tenant, [sku], 0);
    await settled("shopify", tenant, connectionId, sku, 10);
    // The shop sells 2 just before our next write lands; Switchyard has not heard of that order.
    await tenant.control("sell", { sku, units: 2, on: "next-call" });
    await setStock(sku, 12);
    // 12 was computed without the shop's 2: publishing it absolutely would make 2 sold units sellable again.
    await vi.waitFor(
      async () => {
        const c = await connectionStatus(connectionId, 500);
        expect(c.folded).toBeGreaterThanOrEqual(1);
        expect(c.skus?.find((s) => s.sku === sku)).toMatchObject({ published: 10, acknowledged: 10, state: "idle" });
      },
      { timeout: 20_000, interval: 200 },
    );
    expect((await levels("shopify", tenant))[sku]).toBe(10);
  });
});

describe("dead letters and replay", () => {
  it("woocommerce: a SKU the store does not have is dead-lettered, and replay publishes it once it exists", async () => {
    const { tenant, connectionId } = await publishingChannel("woocommerce");
    const sku = uid("DL");
    await setStock(sku, 6);
    const key = await opsKeyValue();
    const letter = await vi.waitFor(
      async () => {
        const res = await call(`/v1/ops/dead-letters?state=open&filter=${encodeURIComponent(sku)}`, { headers: { authorization: `Bearer ${key}` } });
        const items = ((await res.json()) as { items: { id: string; kind: string; reason: string }[] }).items.filter((d) => d.reason.includes(connectionId));
        if (!items.length) throw new Error("no dead letter yet");
        return items[0]!;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(letter.kind).toBe("channel.publish");
    expect(letter.reason).toContain(connectionId);
    const skuState = async () => (await connectionStatus(connectionId, 500)).skus?.find((x) => x.sku === sku)?.state;
    expect(await skuState()).toBe("rejected");

    await seed("woocommerce", tenant, [sku], 0);
    const replay = await call(`/v1/ops/dead-letters/${letter.id}/replay`, { method: "POST", headers: { authorization: `Bearer ${key}` } });
    expect(replay.status).toBe(202);
    await waitForLevels("woocommerce", tenant, { [sku]: 6 });
    expect(await skuState()).toBe("idle");
  });

  it("amazon: a store that keeps failing is dead-lettered after the attempts run out, nothing lost for the others", async () => {
    const { tenant, connectionId } = await publishingChannel("amazon");
    const bad = uid("DL5");
    await seed("amazon", tenant, [bad], 1);
    await tenant.control("faults", { kind: "status", status: 500, body: { errors: [{ code: "InternalFailure", message: "boom" }] }, times: 100, match: bad });
    await setStock(bad, 3);
    await vi.waitFor(async () => expect((await connectionStatus(connectionId, 500)).skus?.find((x) => x.sku === bad)?.state).toBe("dead"), { timeout: 25_000, interval: 250 });
    const good = uid("OK");
    await seed("amazon", tenant, [good], 0);
    await setStock(good, 8);
    await waitForLevels("amazon", tenant, { [good]: 8 });
    expect((await levels("amazon", tenant))[bad]).toBe(1);
  });
});

describe("the channel's echo of our push", () => {
  it("shopify: inventory_levels/update with the figure we just set is not recorded as news; another figure is", async () => {
    const { tenant, connectionId } = await publishingChannel("shopify");
    const sku = uid("ECHO");
    const seeded = (await tenant.control<{ items: { sku: string; gid: string }[] }>("seed", { items: [{ sku, levels: { [SHOPIFY_LOCATION]: 0 } }] })).items.find((i) => i.sku === sku)!;
    await setStock(sku, 6);
    await waitForLevels("shopify", tenant, { [sku]: 6 });
    const itemId = seeded.gid.split("/").pop()!;
    const hook = async (available: number) => {
      const body = JSON.stringify({ inventory_item_id: Number(itemId), location_id: 1, available, updated_at: new Date().toISOString(), admin_graphql_api_id: `gid://shopify/InventoryLevel/1?inventory_item_id=${itemId}` });
      const res = await call(`/v1/webhooks/${connectionId}`, {
        method: "POST",
        headers: { "x-shopify-hmac-sha256": toBase64(await hmacSha256("webhook-secret-123", body)), "x-shopify-webhook-id": uid("d"), "x-shopify-topic": "inventory_levels/update" },
        body,
      });
      expect(res.status).toBe(200);
      return (await res.json()) as { status: string };
    };
    expect((await hook(6)).status).toBe("duplicate");
    const count = async () => (await env.DB.prepare("SELECT COUNT(*) AS n FROM channel_observations WHERE connection_id = ?").bind(connectionId).first<{ n: number }>())!.n;
    expect(await count()).toBe(0);
    expect((await hook(4)).status).toBe("accepted");
    expect(await count()).toBe(1);
  });
});
