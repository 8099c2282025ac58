import { describe, expect, it } from "vitest";
import { emptyPosition, free } from "./position";
import { applyToPosition, consumeEffect, contribution, isSeen, isSettled, releaseEffect, sumHolds, type ReservationRow } from "./watermark";

const W = 1_000;
const w = { watermark: W, onHandAsOf: W };
const row = (o: Partial<ReservationRow>): ReservationRow => ({ orderId: "o", lineNo: 1, location: "DC1", channel: "web", held: 5, shipped: 0, shippedAt: null, createdAt: 500, seenAt: null, ...o });

describe("the watermark rule", () => {
  it("counts a hold as inside the ERP's committed only when the ERP accepted the order at or before W", () => {
    expect(isSeen(null, w)).toBe(false);
    expect(isSeen(900, w)).toBe(true);
    expect(isSeen(1_000, w)).toBe(true);
    expect(isSeen(1_001, w)).toBe(false);
    expect(isSeen(900, { watermark: null, onHandAsOf: null })).toBe(false);
    // Created before W but not yet accepted by the ERP: still subtracted (the ERP does not know it).
    expect(contribution(row({ createdAt: 100 }), w)).toEqual({ held: 5, heldSeen: 0, shippedUnseen: 0 });
    expect(contribution(row({ seenAt: 800 }), w)).toEqual({ held: 5, heldSeen: 5, shippedUnseen: 0 });
  });

  it("leaves free stock unchanged when a snapshot at W arrives that counts exactly the seen holds", () => {
    const rows = [row({ seenAt: 800, held: 3 }), row({ orderId: "p", held: 4 })];
    const before = free({ ...emptyPosition("DC1"), onHand: 50, watermark: 0, onHandAsOf: 0 }, sumHolds(rows, { watermark: 0, onHandAsOf: 0 }));
    const after = free({ ...emptyPosition("DC1"), onHand: 50, committed: 3, ...w }, sumHolds(rows, w));
    expect(before).toBe(43);
    expect(after).toBe(43);
  });

  it("keeps free stock unchanged by a shipment, seen or not, and frees a cancelled hold at once", () => {
    const p = { ...emptyPosition("DC1"), onHand: 50, committed: 5, ...w };
    for (const r of [row({ seenAt: 800 }), row({})]) {
      const base = free(r.seenAt ? p : { ...p, committed: 0 }, sumHolds([r], w));
      const e = consumeEffect(r, 2, w);
      const shipped = { ...r, held: r.held + e.held, shipped: r.shipped + e.shipped, shippedAt: 1_500 };
      expect(free(applyToPosition(r.seenAt ? p : { ...p, committed: 0 }, e), sumHolds([shipped], w))).toBe(base);
      const rel = releaseEffect(r, 5, w);
      expect(free(applyToPosition(r.seenAt ? p : { ...p, committed: 0 }, rel), sumHolds([{ ...r, held: 0 }], w))).toBe(base + 5);
    }
  });

  it("stops subtracting shipped units once an on-hand count taken after the shipment arrives", () => {
    const r = row({ held: 0, shipped: 2, shippedAt: 1_500 });
    expect(contribution(r, w).shippedUnseen).toBe(2);
    expect(isSettled(r, w)).toBe(false);
    expect(contribution(r, { watermark: W, onHandAsOf: 2_000 }).shippedUnseen).toBe(0);
    expect(isSettled(r, { watermark: W, onHandAsOf: 2_000 })).toBe(true);
  });

  it("treats shipping more than is held as a plain on-hand decrement for the excess", () => {
    expect(consumeEffect(row({ held: 2 }), 5, w)).toEqual({ held: -2, shipped: 2, onHand: -3, committed: 0 });
    expect(consumeEffect(row({ held: 2, seenAt: 1 }), 5, w)).toEqual({ held: -2, shipped: 0, onHand: -5, committed: -2 });
    expect(consumeEffect(null, 4, w)).toEqual({ held: 0, shipped: 0, onHand: -4, committed: 0 });
  });
});
