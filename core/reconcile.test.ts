import { describe, expect, it } from "vitest";
import { compareCommitted, compareOnHand, comparePublished, missingInErp, type StockView } from "./reconcile";

const W = Date.parse("2026-12-01T10:00:00Z");
const view = (over: Partial<StockView> = {}): StockView => ({
  sku: "A",
  positions: [{ location: "DC1", onHand: 50, committed: 5, watermark: W, onHandAsOf: W }],
  holds: [],
  reports: [],
  ...over,
});

describe("reconciliation comparisons", () => {
  it("expects the ERP's committed to grow by what it accepted after its snapshot", () => {
    const v = view({ holds: [{ orderId: "ord_1", location: "DC1", held: 3, seenAt: W + 1000, createdAt: W - 5000 }, { orderId: "ord_0", location: "DC1", held: 4, seenAt: W - 1000, createdAt: W - 9000 }] });
    expect(compareCommitted(v, [{ location: "DC1", onHand: 50, committed: 8 }], "2026-12-01T11:00:00Z", "erp")).toEqual([]);
    const [d] = compareCommitted(v, [{ location: "DC1", onHand: 50, committed: 6 }], "2026-12-01T11:00:00Z", "erp");
    expect(d).toMatchObject({ type: "erp_committed_mismatch", expected: 8, actual: 6, healable: false });
    expect(d!.evidence.map((e) => [e.kind, e.id])).toEqual([["erp_snapshot", null], ["erp_acceptance", "ord_1"], ["erp_answer", null]]);
  });

  it("takes more committed, by no more than the holds the ERP has not been seen to accept, for orders in flight", () => {
    const v = view({ holds: [{ orderId: "ord_2", location: "DC1", held: 2, seenAt: null, createdAt: W + 10 }] });
    expect(compareCommitted(v, [{ location: "DC1", onHand: 50, committed: 7 }], "t", "erp")).toEqual([]);
    expect(compareCommitted(v, [{ location: "DC1", onHand: 50, committed: 8 }], "t", "erp")).toHaveLength(1);
  });

  it("compares a location only when Switchyard has an ERP snapshot of it", () => {
    expect(compareCommitted(view({ positions: [{ location: "DC1", onHand: 0, committed: 0, watermark: null, onHandAsOf: null }] }), [{ location: "DC1", onHand: 9, committed: 9 }], "t", "erp")).toEqual([]);
  });

  it("compares the latest WMS/3PL count with the ERP's on-hand and names the report", () => {
    const v = view({ reports: [{ location: "DC1", source: "3pl", onHand: 37, asOf: W, eventId: "cnt-1" }] });
    expect(compareOnHand(v, [{ location: "DC1", onHand: 37, committed: 0 }], "t", "erp")).toEqual([]);
    const [d] = compareOnHand(v, [{ location: "DC1", onHand: 40, committed: 0 }], "t", "erp");
    expect(d).toMatchObject({ type: "wms_vs_erp_on_hand", expected: 37, actual: 40, evidence: [{ kind: "stock_report", id: "cnt-1" }, { kind: "erp_answer" }] });
  });

  it("flags a confirmed order the ERP does not have, and nothing else", () => {
    const o = { orderId: "ord_9", channel: "web", externalId: "9", status: "erp_accepted", dispatchState: "confirmed", erpOrderId: "ERP-1", erpConnection: "erp", updatedAt: "2026-12-01T10:00:00Z" };
    expect(missingInErp(o, { found: true, at: W })).toBeNull();
    expect(missingInErp({ ...o, dispatchState: "enqueued" }, { found: false, at: W })).toBeNull();
    expect(missingInErp({ ...o, status: "cancelled" }, { found: false, at: W })).toBeNull();
    expect(missingInErp(o, { found: false, at: W })).toMatchObject({ id: "missing_in_erp:ord_9", healable: true, expected: "ERP-1", actual: null });
  });

  it("flags a channel told something other than its policy gives, with a stable id", () => {
    expect(comparePublished("A", { channel: "web", available: 4, at: "t" }, { channel: "web", available: 4, at: "t0", where: "projection" })).toBeNull();
    const a = comparePublished("A", { channel: "web", available: 4, at: "t" }, { channel: "web", available: 9, at: "t0", where: "projection" });
    const b = comparePublished("A", { channel: "web", available: 4, at: "t2" }, { channel: "web", available: 9, at: "t1", where: "projection" });
    expect(a).toMatchObject({ type: "published_vs_computed", expected: 4, actual: 9, healable: true });
    expect(a!.id).toBe(b!.id);
  });
});
