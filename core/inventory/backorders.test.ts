import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fillBackorders, type WaitingLine } from "./backorders";
import { applyEvents, assertTotals, describe as describeSku, release, reserve } from "./ledger";
import type { PolicyOrDefault } from "./policy";
import { relocate } from "./relocate";
import { MemoryStore } from "./store";

const snapshot = (s: MemoryStore, location: string, onHand: number, id = `${location}-${onHand}-${Math.random()}`) =>
  applyEvents(s, [{ eventId: id, source: "erp", type: "snapshot", sku: "X", location, asOf: "2026-01-01T00:00:00Z", quantities: { onHand, committed: 0 } }], 0);
const receipt = (s: MemoryStore, location: string, q: number, id: string) =>
  applyEvents(s, [{ eventId: id, source: "erp", type: "receipt", sku: "X", location, asOf: "2026-01-02T00:00:00Z", delta: { onHand: q } }], 0);

function backorder(s: MemoryStore, orderId: string, quantity: number, policy: PolicyOrDefault, at: number, channel = "dealer"): WaitingLine {
  const r = reserve(s, { orderId, lineNo: 1, sku: "X", quantity, channel, policy, at });
  expect(r.backordered).toBeGreaterThan(0);
  return { orderId, lineNo: 1, channel, policy, createdAt: at };
}

const held = (s: MemoryStore, location: string) => describeSku(s).locations.find((l) => l.location === location)?.holds.held ?? 0;

describe("backorders fill themselves", () => {
  const bo = { locations: ["DC1", "DC2"], backorder: true };

  it("fills first come, first served, partially, and leaves the rest waiting", () => {
    const s = new MemoryStore();
    snapshot(s, "DC1", 0);
    const late = backorder(s, "ord_late", 4, bo, 20);
    const early = backorder(s, "ord_early", 3, bo, 10);
    receipt(s, "DC1", 5, "r1");
    const { fills, settled } = fillBackorders(s, [late, early], 30);
    expect(fills).toEqual([
      { orderId: "ord_early", lineNo: 1, channel: "dealer", quantity: 3, allocations: [{ location: "DC1", quantity: 3 }], backordered: 0 },
      { orderId: "ord_late", lineNo: 1, channel: "dealer", quantity: 2, allocations: [{ location: "DC1", quantity: 2 }], backordered: 2 },
    ]);
    expect(settled).toEqual([{ orderId: "ord_early", lineNo: 1 }]);
    expect(s.line("ord_late", 1)).toMatchObject({ reserved: 2, backordered: 2, state: "held" });
    expect(held(s, "DC1")).toBe(5);
    // Nothing more to give: a second pass changes nothing.
    expect(fillBackorders(s, [late], 31).fills).toEqual([]);
  });

  it("puts a lower backorderPriority first, and skips lines whose channel may not sell from where stock arrived", () => {
    const s = new MemoryStore();
    snapshot(s, "DC1", 0);
    snapshot(s, "DC2", 0);
    const onlyDc2 = backorder(s, "ord_dc2", 2, { locations: ["DC2"], backorder: true }, 1, "b2b");
    const normal = backorder(s, "ord_normal", 2, bo, 2);
    const vip = backorder(s, "ord_vip", 2, { ...bo, backorderPriority: 10 }, 3, "vip");
    receipt(s, "DC1", 3, "r1");
    const { fills } = fillBackorders(s, [onlyDc2, normal, vip], 4);
    expect(fills.map((f) => [f.orderId, f.quantity])).toEqual([["ord_vip", 2], ["ord_normal", 1]]);
  });

  it("never fills a cancelled line, and forgets a line revised away", () => {
    const s = new MemoryStore();
    snapshot(s, "DC1", 0);
    const a = backorder(s, "ord_a", 2, bo, 1);
    const b = backorder(s, "ord_b", 2, bo, 2);
    release(s, { orderId: "ord_a", reason: "cancel" });
    release(s, { orderId: "ord_b", reason: "revision" });
    receipt(s, "DC1", 5, "r1");
    const r = fillBackorders(s, [a, b], 3);
    expect(r.fills).toEqual([]);
    expect(r.settled).toEqual([{ orderId: "ord_a", lineNo: 1 }, { orderId: "ord_b", lineNo: 1 }]);
    expect(held(s, "DC1")).toBe(0);
  });

  it("under any arrivals and cancellations, never holds more than is free and keeps counters equal to rows", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ kind: fc.constantFrom("order", "receipt", "cancel"), n: fc.integer({ min: 1, max: 6 }), at: fc.constantFrom("DC1", "DC2") }), { minLength: 1, maxLength: 40 }),
        (steps) => {
          const s = new MemoryStore();
          snapshot(s, "DC1", 2, "s1");
          snapshot(s, "DC2", 1, "s2");
          const waiting: WaitingLine[] = [];
          steps.forEach((st, i) => {
            if (st.kind === "order") {
              const r = reserve(s, { orderId: `o${i}`, lineNo: 1, sku: "X", quantity: st.n, channel: "c", policy: bo, at: i });
              if (r.backordered) waiting.push({ orderId: `o${i}`, lineNo: 1, channel: "c", policy: bo, createdAt: i });
            } else if (st.kind === "receipt") receipt(s, st.at, st.n, `r${i}`);
            else if (waiting.length) release(s, { orderId: waiting[st.n % waiting.length]!.orderId, reason: "cancel" });
            fillBackorders(s, waiting, i);
            assertTotals(s, s.locations());
            for (const l of describeSku(s).locations) expect(l.free).toBeGreaterThanOrEqual(0);
            for (const w of waiting) {
              const line = s.line(w.orderId, w.lineNo);
              if (line) expect(line.reserved + line.backordered).toBe(line.requested);
            }
          });
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("relocate: a rerouted line moves all of its units at one location, or none", () => {
  const policy = { locations: ["3PL", "DC1", "DC2"] };

  it("moves the units held at `from` to the next eligible location in one step", () => {
    const s = new MemoryStore();
    snapshot(s, "3PL", 5);
    snapshot(s, "DC1", 1);
    snapshot(s, "DC2", 9);
    reserve(s, { orderId: "o1", lineNo: 1, sku: "X", quantity: 3, channel: "web", policy, at: 1 });
    expect(held(s, "3PL")).toBe(3);
    const r = relocate(s, { orderId: "o1", lineNo: 1, from: "3PL", quantity: 3, exclude: [], policy, at: 2 });
    expect(r).toEqual({ moved: 3, allocations: [{ location: "DC1", quantity: 1 }, { location: "DC2", quantity: 2 }] });
    expect([held(s, "3PL"), held(s, "DC1"), held(s, "DC2")]).toEqual([0, 1, 2]);
    expect(s.line("o1", 1)?.allocations).toEqual([{ location: "DC1", quantity: 1 }, { location: "DC2", quantity: 2 }]);
  });

  it("moves nothing when the rest of the network cannot take every unit, nor to excluded locations", () => {
    const s = new MemoryStore();
    snapshot(s, "3PL", 5);
    snapshot(s, "DC1", 1);
    snapshot(s, "DC2", 9);
    reserve(s, { orderId: "o1", lineNo: 1, sku: "X", quantity: 3, channel: "web", policy, at: 1 });
    expect(relocate(s, { orderId: "o1", lineNo: 1, from: "3PL", quantity: 3, exclude: ["DC2"], policy, at: 2 })).toMatchObject({ moved: 0, reason: "no_stock_elsewhere" });
    expect(held(s, "3PL")).toBe(3);
    expect(relocate(s, { orderId: "o1", lineNo: 1, from: "DC9", quantity: 3, exclude: [], policy, at: 2 })).toMatchObject({ moved: 0, reason: "nothing_held" });
  });
});
