// The InventoryDO's projection: KV figures per channel, D1 projections and outbound events,
// once-a-second pacing through the alarm, sync lag, and rollback when an invariant fails.
import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { InventoryEvent } from "../core/canonical";
import { forgetPolicy } from "../lib/policies";
import { admin, uid } from "./helpers";

const stub = (sku: string) => env.INVENTORY.getByName(sku);
const snapshot = (sku: string, location: string, asOf: number, onHand: number): InventoryEvent => ({
  eventId: uid("snap"), source: "erp", type: "snapshot", sku, location, asOf: new Date(asOf).toISOString(), quantities: { onHand, committed: 0 },
});
async function setPolicy(channel: string, policy: unknown) {
  await env.DB.prepare("INSERT OR REPLACE INTO channel_policies (channel, policy, updated_at) VALUES (?, ?, ?)").bind(channel, JSON.stringify(policy), new Date().toISOString()).run();
  // Written behind the admin API's back: drop this isolate's cached policies as the API would.
  forgetPolicy(channel);
}
/** The ops summary's count of counters rebuilt by an audit (the summary flushes this isolate's metrics first). */
async function rebuilt(): Promise<number> {
  const res = await admin("/v1/ops/summary", "GET");
  const c = ((await res.json()) as { counters: Record<string, { value?: number }[]> }).counters;
  return (c.switchyard_inventory_counters_rebuilt_total ?? []).reduce((n, x) => n + (x.value ?? 0), 0);
}

const kv = (channel: string, sku: string) => env.AVAILABILITY_KV.get<{ sku: string; channel: string; available: number; asOf: string }>(`avail:${channel}:${sku}`, "json");

const events = (sku: string) =>
  env.DB.prepare("SELECT id, type, state, data FROM outbound_events WHERE id LIKE ? ORDER BY created_at, id").bind(`inv_${sku}_%`).all<{ id: string; type: string; state: string; data: string }>();

describe("InventoryDO projection", () => {
  it("records no availability_changed event while no subscription wants one (KV and D1 figures still move)", async () => {
    const sku = uid("SKU");
    const ch = uid("quiet");
    await setPolicy(ch, { locations: ["DC1"] });
    await stub(sku).applyEvents([snapshot(sku, "DC1", Date.now() - 1000, 7)]);
    await stub(sku).flush();
    expect((await kv(ch, sku))!.available).toBe(7);
    expect((await env.DB.prepare("SELECT available FROM availability_projections WHERE channel = ? AND sku = ?").bind(ch, sku).first<{ available: number }>())!.available).toBe(7);
    expect((await events(sku)).results).toEqual([]);
  });

  it("writes each channel's published figure to KV and D1 and records availability_changed events", async () => {
    // A subscriber for availability changes: from now on each changed figure is also an outbound event.
    expect((await admin(`/v1/admin/subscriptions/${uid("sub")}`, "PUT", { url: "https://hooks.example.com/stock", secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", events: ["inventory.*"] })).status).toBe(200);
    const sku = uid("SKU");
    const half = uid("half");
    const whole = uid("whole");
    await setPolicy(half, { locations: ["DC1"], percent: 50 });
    await setPolicy(whole, { locations: ["DC1", "DC2"] });
    const asOf = Date.now() - 60_000;
    await stub(sku).applyEvents([snapshot(sku, "DC1", asOf, 20), snapshot(sku, "DC2", asOf, 6)]);
    await stub(sku).flush();
    expect(await kv(half, sku)).toMatchObject({ sku, channel: half, available: 10 });
    expect(await kv(whole, sku)).toMatchObject({ sku, channel: whole, available: 26 });

    await stub(sku).reserve({ orderId: uid("o"), lineNo: 1, sku, quantity: 4, channel: half, policy: { locations: ["DC1"], percent: 50 }, at: Date.now() });
    await stub(sku).flush();
    expect((await kv(half, sku))!.available).toBe(8);
    expect((await kv(whole, sku))!.available).toBe(22);

    const row = await env.DB.prepare("SELECT available, lag_ms FROM availability_projections WHERE channel = ? AND sku = ?").bind(whole, sku).first<{ available: number; lag_ms: number }>();
    expect(row!.available).toBe(22);
    expect(row!.lag_ms).toBeGreaterThanOrEqual(0);
    const { results } = await env.DB.prepare("SELECT id, type, state, data FROM outbound_events WHERE id LIKE ? ORDER BY created_at, id").bind(`inv_${sku}_${whole}_%`).all<{ id: string; type: string; state: string; data: string }>();
    expect(results.map((r) => ({ type: r.type, state: r.state, data: JSON.parse(r.data) as unknown }))).toEqual([
      { type: "inventory.availability_changed", state: "pending", data: expect.objectContaining({ sku, channel: whole, available: 26, previous: null }) },
      { type: "inventory.availability_changed", state: "pending", data: expect.objectContaining({ sku, channel: whole, available: 22, previous: 26 }) },
    ]);

    // Nothing changed: nothing written again.
    await stub(sku).applyEvents([snapshot(sku, "DC2", asOf, 6)]);
    expect((await stub(sku).flush()).written).toBe(0);

    const s = await stub(sku).state();
    expect(s.syncLag.samples).toBeGreaterThanOrEqual(2);
    expect(s.syncLag.maxMs).toBeGreaterThanOrEqual(60_000); // the first projection carried a fact a minute old
    expect(s.projections.find((p) => p.channel === whole)?.available).toBe(22);
  });

  it("paces KV writes: at most one per key per second however many changes land", async () => {
    const sku = uid("SKU");
    await stub(sku).applyEvents([snapshot(sku, "DC1", Date.now(), 50)]);
    await stub(sku).reserve({ orderId: uid("o"), lineNo: 1, sku, quantity: 1, channel: "web", policy: null, at: Date.now() });
    await stub(sku).flush();
    const start = Date.now();
    for (let i = 0; i < 20; i++) await stub(sku).reserve({ orderId: uid("o"), lineNo: 1, sku, quantity: 1, channel: "web", policy: null, at: Date.now() });
    const { alarm, writes } = await runInDurableObject(stub(sku), async (_o, state) => ({
      alarm: await state.storage.getAlarm(),
      writes: state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sync_lag WHERE channel = 'web' AND written_at >= ?", start).one().n,
    }));
    const elapsedSeconds = Math.ceil((Date.now() - start) / 1000);
    expect(writes).toBeLessThanOrEqual(elapsedSeconds);
    if (alarm !== null) expect(alarm).toBeGreaterThanOrEqual(start);
    await stub(sku).flush();
    expect((await kv("web", sku))!.available).toBe(29);
  });

  it("finds a counter corrupted behind the ledger's back, rebuilds it from the holds, and refuses a write that would take a counter below zero", async () => {
    const sku = uid("SKU");
    await stub(sku).applyEvents([snapshot(sku, "DC1", Date.now(), 10)]);
    await stub(sku).reserve({ orderId: "o1", lineNo: 1, sku, quantity: 2, channel: "web", policy: null, at: Date.now() });
    expect((await stub(sku).availability("web", null)).available).toBe(8);
    await runInDurableObject(stub(sku), async (o, state) => {
      // The counter says nothing is held while the rows hold 2: a figure that would oversell.
      state.storage.sql.exec("UPDATE totals SET held = 0 WHERE location = 'DC1' AND channel = 'web'");
      expect((await o.availability("web", null)).available).toBe(10);
      // Releasing the hold would take the counter to -2: the release is rolled back whole.
      await expect(o.release({ orderId: "o1", reason: "cancel" })).rejects.toThrow(/negative counter/);
      expect(state.storage.sql.exec("SELECT held FROM reservations WHERE order_id = 'o1'").one().held).toBe(2);
    });
    const rebuiltBefore = await rebuilt();
    const { drift } = await stub(sku).audit();
    expect(drift).toEqual([{ location: "DC1", channel: "web", rows: { held: 2, heldSeen: 0, shippedUnseen: 0 }, totals: { held: 0, heldSeen: 0, shippedUnseen: 0 } }]);
    expect((await stub(sku).availability("web", null)).available).toBe(8);
    expect((await stub(sku).audit()).drift).toEqual([]);
    expect(await rebuilt()).toBe(rebuiltBefore + 1);
    await stub(sku).flush();
    expect((await kv("web", sku))!.available).toBe(8);
  });
});
