import fc from "fast-check";
import { describe as suite, expect, it } from "vitest";
import { applyEvents, assertTotals, availability, consume, describe, markSeen, release, reserve } from "./ledger";
import { runWorld, stepArb, type Authority } from "./sim";
import { MemoryStore } from "./store";

function memoryAuthority(): { auth: Authority; store: MemoryStore } {
  const store = new MemoryStore();
  const checked = <T>(v: T): T => {
    assertTotals(store, store.locations());
    return v;
  };
  const auth: Authority = {
    reserve: async (r) => checked(reserve(store, r)),
    release: async (r) => checked(release(store, r)),
    consume: async (r) => checked(consume(store, r)),
    markSeen: async (r) => checked(markSeen(store, r)),
    applyEvents: async (events) => checked(applyEvents(store, events, Date.now())),
    describe: async () => describe(store),
  };
  return { auth, store };
}

suite("ledger under random interleavings (fast-check)", () => {
  it("never oversells, never shows more than the truth, keeps pools, and converges exactly after a fresh snapshot", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 80 }), async (steps) => {
        const { auth } = memoryAuthority();
        await runWorld(auth, "SKU-P", steps);
      }),
      { numRuns: 300 },
    );
  });

  it("the world checker catches an authority that ignores the watermark (so the property can fail)", async () => {
    // A broken authority: treats every hold as seen by the ERP, i.e. lets snapshots overwrite holds.
    const { auth, store } = memoryAuthority();
    const broken: Authority = { ...auth, reserve: async (r) => { const out = reserve(store, r); markSeen(store, { orderId: r.orderId, at: 0 }); return out; } };
    await expect(
      fc.assert(fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 60 }), async (steps) => runWorld(broken, `SKU-B`, steps)), { numRuns: 300 }),
    ).rejects.toThrow();
  });

  it("published availability never exceeds what the channel could actually reserve", () => {
    const { store } = memoryAuthority();
    applyEvents(store, [{ eventId: "s1", source: "erp", type: "snapshot", sku: "X", location: "DC1", asOf: "2026-01-01T00:00:00Z", quantities: { onHand: 9, committed: 0 } }], 0);
    const policy = { locations: ["DC1"], pool: 4 };
    expect(availability(store, "c", policy)).toBe(4);
    expect(reserve(store, { orderId: "o1", lineNo: 1, sku: "S", quantity: 10, channel: "c", policy, at: 1 }).reserved).toBe(4);
    expect(availability(store, "c", policy)).toBe(0);
  });
});
