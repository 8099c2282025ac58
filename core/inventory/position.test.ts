import { describe, expect, it } from "vitest";
import { emptyPosition, free, noHolds, owns, reservedAfterW, sellable } from "./position";

const pos = (o: Partial<ReturnType<typeof emptyPosition>>) => ({ ...emptyPosition("DC1"), ...o });

describe("free and sellable", () => {
  it("subtracts committed, unseen holds and every unsellable bucket from on-hand", () => {
    const p = pos({ onHand: 100, committed: 10, damaged: 3, qualityHold: 2, returnsPending: 1, safetyStock: 4, inTransit: 50 });
    expect(free(p, noHolds())).toBe(80);
    // 7 held, of which 5 are already inside committed; 2 shipped units the on-hand still counts.
    const h = { held: 7, heldSeen: 5, shippedUnseen: 2 };
    expect(reservedAfterW(h)).toBe(4);
    expect(free(p, h)).toBe(76);
  });

  it("can be negative, but sellable never is; a 3PL sells no more than its capacity minus what we hold there", () => {
    expect(free(pos({ onHand: 2, committed: 5 }), noHolds())).toBe(-3);
    expect(sellable(pos({ onHand: 2, committed: 5 }), noHolds())).toBe(0);
    const tpl = pos({ onHand: 100, capacity: 30 });
    expect(sellable(tpl, { held: 10, heldSeen: 0, shippedUnseen: 0 })).toBe(20);
    expect(sellable(tpl, { held: 40, heldSeen: 0, shippedUnseen: 0 })).toBe(0);
  });
});

describe("ownership", () => {
  it("gives on-hand and committed to the ERP and 3PLs, holds to the WMS, capacity to 3PLs", () => {
    expect(owns("erp", "onHand")).toBe(true);
    expect(owns("wms", "onHand")).toBe(false);
    expect(owns("wms", "qualityHold")).toBe(true);
    expect(owns("erp", "damaged")).toBe(false);
    expect(owns("3pl", "capacity")).toBe(true);
    expect(owns("erp", "capacity")).toBe(false);
  });
});
