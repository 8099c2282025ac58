import { describe, expect, it } from "vitest";
import type { CanonicalOrder } from "../canonical";
import { write855, write856, write940, type PartnerSettings } from "../x12/outbound";
import { ownRead, textOf, x12Read, x12Segments } from "../x12/outbound/testing";
import { releaseEvent, releaseMessageId } from "./release-event";
import type { Release } from "./types";
import { purchaseOrderAck, shipNotice, shippingOrder } from "./x12-documents";

const partner: PartnerSettings = { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: "PARTNER" } };
const ctx = { last: null, now: new Date("2026-03-01T10:00:00Z") };
const order: CanonicalOrder = {
  channel: "dealer",
  externalId: "PO-4711",
  version: 1,
  customer: { id: "D1", name: "Dealer One" },
  // A region that is not a 2-letter code and a country spelled out: left out of N4, not refused.
  shipTo: { name: "Dealer*Store~5", line1: "1 Main St", city: "Springfield", region: "Illinois", postalCode: "62701", country: "United States" },
  currency: "USD",
  lines: [
    { sku: "A-1", quantity: 5, unitPrice: "9.99", externalLineId: "10", name: "Widget" },
    { sku: "B-2", quantity: 2, externalLineId: "20" },
    { sku: "C-3", quantity: 1 },
  ],
  placedAt: "2026-02-27T08:00:00Z",
};
const read = (text: string) => {
  expect(ownRead(text).findings).toEqual([]);
  return x12Segments(x12Read(text));
};

describe("order → outbound X12 documents", () => {
  it("855: IA / IB / IR per line from the reservation, PO1 line ids from the 850, BAK02 AC", () => {
    const doc = purchaseOrderAck(order, [
      { lineNo: 1, sku: "A-1", quantity: 5, reserved: 3, backordered: 2 },
      { lineNo: 2, sku: "B-2", quantity: 2, reserved: 0, backordered: 0 },
      { lineNo: 3, sku: "C-3", quantity: 1, reserved: 1, backordered: 0 },
    ], "2026-03-01T00:00:00Z");
    const segs = read(textOf(write855(doc, partner, ctx)));
    expect(segs.find((s) => s[0] === "BAK")!.slice(0, 5)).toEqual(["BAK", "00", "AC", "PO-4711", "20260227"]);
    expect(segs.filter((s) => s[0] === "PO1" || s[0] === "ACK").map((s) => s.slice(0, 3))).toEqual([
      ["PO1", "10", "5"], ["ACK", "IA", "3"], ["ACK", "IB", "2"],
      ["PO1", "20", "2"], ["ACK", "IR", "2"],
      ["PO1", "3", "1"], ["ACK", "IA", "1"],
    ]);
    expect(segs.find((s) => s[0] === "PO1")).toEqual(["PO1", "10", "5", "EA", "", "", "VN", "A-1"]);
  });

  it("940: a release's lines from its location, and its cancel as W05*F under the same order number", () => {
    const release: Release = { id: "r2", fulfillerId: "tpl", kind: "x12", location: "3PL-EAST", lines: [{ lineNo: 1, sku: "A-1", quantity: 3 }], state: "open", createdAt: "", ackDueAt: null, onFailure: "hold", messages: [] };
    const settings = { carrier: { scac: "ODFL" } };
    const n = read(textOf(write940({ ...shippingOrder(order, release, settings, "N", "East 3PL"), orderNumber: "SY0000000007" }, partner, ctx)));
    expect(n[0]).toEqual(["W05", "N", "SY0000000007", "PO-4711"]);
    expect(n.filter((s) => s[0] === "N1")).toEqual([["N1", "ST", "Dealer Store 5"], ["N1", "SF", "East 3PL", "ZZ", "3PL-EAST"]]);
    expect(n.find((s) => s[0] === "N4")).toEqual(["N4", "Springfield", "", "62701"]);
    expect(n.filter((s) => s[0] === "W01")).toEqual([["W01", "3", "EA", "", "VN", "A-1"]]);
    const f = read(textOf(write940({ ...shippingOrder(order, release, settings, "F"), orderNumber: "SY0000000007" }, partner, ctx)));
    expect(f[0]).toEqual(["W05", "F", "SY0000000007", "PO-4711"]);
  });

  it("940: a PO number X12 cannot carry is left out rather than refusing the release", () => {
    const release: Release = { id: "r1", fulfillerId: "tpl", kind: "x12", location: "3PL", lines: [{ lineNo: 1, sku: "A-1", quantity: 1 }], state: "open", createdAt: "", ackDueAt: null, onFailure: "hold", messages: [] };
    const doc = shippingOrder({ ...order, externalId: "shopify#1001~with*stars" }, release, {}, "N");
    expect(doc.poNumber).toBeUndefined();
    expect(read(textOf(write940({ ...doc, orderNumber: "SY1" }, partner, ctx)))[0]).toEqual(["W05", "N", "SY1"]);
  });

  it("856: shipped quantities per 850 line, the carrier as SCAC or name", () => {
    const ordered = new Map([["A-1", { lineNo: 1, quantity: 5 }], ["B-2", { lineNo: 2, quantity: 2 }]]);
    const doc = shipNotice(order, { location: "DC1", carrier: "Old Dominion", tracking: "PRO 123", lines: [{ sku: "A-1", quantity: 3 }, { sku: "B-2", quantity: 0 }], shippedAt: "2026-03-01T09:00:00Z" }, ordered, "2026-03-01T00:00:00Z");
    const segs = read(textOf(write856({ ...doc, shipmentId: "SH1" }, partner, ctx)));
    expect(segs.find((s) => s[0] === "TD5")).toEqual(["TD5", "B", "", "", "", "Old Dominion"]);
    expect(segs.find((s) => s[0] === "REF")).toEqual(["REF", "CN", "PRO 123"]);
    expect(segs.filter((s) => s[0] === "LIN" || s[0] === "SN1")).toEqual([["LIN", "10", "VN", "A-1"], ["SN1", "", "3", "EA", "", "5", "EA"]]);
  });

  it("the release event names one release of one order, and its id is the message's idempotency key", () => {
    const release: Release = { id: "r1", fulfillerId: "wms", kind: "standard", location: "DC1", lines: [{ lineNo: 1, sku: "A-1", quantity: 5 }], state: "open", createdAt: "", ackDueAt: Date.parse("2026-03-01T11:00:00Z"), onFailure: "reallocate", messages: [] };
    const o = { orderId: `ord_${"ab".repeat(32)}`, orchestrationId: "orc_1", order };
    const ev = releaseEvent(o, release, "release", ctx.now);
    expect(ev).toMatchObject({ id: `rel_${"ab".repeat(32)}_r1`, type: "fulfilment.release", data: { lines: [{ lineNo: 1, sku: "A-1", quantity: 5, name: "Widget" }], acknowledgeBy: "2026-03-01T11:00:00.000Z" } });
    const cancel = releaseEvent(o, release, "cancel", ctx.now, "rerouted");
    expect(cancel).toMatchObject({ id: releaseMessageId(o.orderId, "r1", "cancel"), type: "fulfilment.cancel", data: { reason: "rerouted" } });
    expect(cancel.data.shipTo).toBeUndefined();
  });
});
