import { describe, expect, it } from "vitest";
import type { CanonicalOrder } from "../canonical";
import { processInterchange, type ProcessOptions } from "./index";
import { buildInterchange, readAck } from "./testing";

const opts: ProcessOptions = { channel: "dealer-edi", now: new Date("2024-03-01T10:00:00Z"), controlNumber: 900 };

const HEADER = ["BEG*00*SA*PO-77**20240115", "CUR*BY*CAD", "REF*DP*12", "MSG*LEAVE AT DOCK 4", "DTM*004*20240114*0930"];
const BUYER = ["N1*BY*ACME HARDWARE*92*ACME-001"];
const SHIP_TO = ["N1*ST*ACME STORE 12*92*S12", "N3*100 MAIN ST*SUITE 4", "N4*TORONTO*ON*M5V 2T6*CA"];
const LINES = [
  "PO1*1*3*EA*12.5*PE*UP*012345678905*VP*WID-1*BP*B-1",
  "PID*F****RED WIDGET",
  "PO1*2*10*EA*.75*PE*BP*B-2",
  "CTT*2*13",
];

function run850(body: string[], extra: Partial<ProcessOptions> = {}) {
  const text = buildInterchange([{ functionalId: "PO", control: "31", sets: [{ id: "850", control: "0001", body }] }], { date: "240116", time: "0815" });
  const r = processInterchange(text, { ...opts, ...extra });
  const tx = r.transactions[0]!;
  const order = tx.events[0]?.kind === "order" ? (tx.events[0].order as CanonicalOrder) : undefined;
  return { r, tx, order, ack: readAck(r.ack997) };
}

describe("850 → canonical order", () => {
  it("maps header, parties, lines and totals", () => {
    const { tx, order } = run850([...HEADER, ...BUYER, ...SHIP_TO, ...LINES]);
    expect(tx).toMatchObject({ set: "850", accepted: true, status: "A", errors: [] });
    expect(order).toEqual({
      channel: "dealer-edi",
      externalId: "PO-77",
      version: Date.UTC(2024, 0, 16, 8, 15),
      customer: { id: "ACME-001", name: "ACME HARDWARE" },
      shipTo: { name: "ACME STORE 12", line1: "100 MAIN ST", line2: "SUITE 4", city: "TORONTO", region: "ON", postalCode: "M5V 2T6", country: "CA" },
      currency: "CAD",
      lines: [
        { sku: "WID-1", quantity: 3, unitPrice: "12.5", externalLineId: "1", name: "RED WIDGET" },
        { sku: "B-2", quantity: 10, unitPrice: "0.75", externalLineId: "2" },
      ],
      placedAt: "2024-01-14T09:30:00.000Z",
      channelStatus: "original",
      notes: "LEAVE AT DOCK 4\nREF DP: 12",
    });
  });

  it("takes the customer from the ISA sender and USD when N1*BY and CUR are absent", () => {
    const { order } = run850(["BEG*00*SA*PO-78**20240115", ...LINES]);
    expect(order?.customer).toEqual({ id: "PARTNER" });
    expect(order?.currency).toBe("USD");
    expect(order?.placedAt).toBe("2024-01-15T00:00:00.000Z");
    expect(order?.shipTo).toBeUndefined();
  });

  it("picks the SKU by qualifier preference, overridable per connection", () => {
    const line = ["PO1*1*1*EA*1*PE*UP*012345678905*BP*B-1*SK*S-1", "CTT*1"];
    expect(run850(["BEG*00*SA*P**20240115", ...line]).order?.lines[0]!.sku).toBe("S-1");
    expect(run850(["BEG*00*SA*P**20240115", ...line], { skuQualifiers: ["UP"] }).order?.lines[0]!.sku).toBe("012345678905");
    expect(run850(["BEG*00*SA*P**20240115", "PO1*1*1*EA*1*PE*ZZ*OTHER-1", "CTT*1"]).order?.lines[0]!.sku).toBe("OTHER-1");
  });

  it("keeps PO103 as the line's unit unless it means each", () => {
    const lines = run850(["BEG*00*SA*P**20240115", "PO1*1*2*CA*1*PE*VP*A-1", "PO1*2*3*EA*1*PE*VP*B-1", "PO1*3*4*un*1*PE*VP*C-1", "CTT*3"]).order?.lines;
    expect(lines?.map((l) => [l.sku, l.quantity, l.unit])).toEqual([["A-1", 2, "CA"], ["B-1", 3, undefined], ["C-1", 4, undefined]]);
  });

  it("turns BEG01 01 (cancellation) into a cancellation event", () => {
    const { tx } = run850(["BEG*01*SA*PO-77**20240115"]);
    expect(tx.events).toEqual([{ kind: "cancellation", channel: "dealer-edi", externalId: "PO-77", version: Date.UTC(2024, 0, 16, 8, 15), reason: "850 BEG01 01" }]);
  });

  it("rejects an 850 without BEG: AK3 mandatory segment missing, AK5 R 5", () => {
    const { r, tx, ack } = run850(LINES);
    expect(tx).toMatchObject({ accepted: false, status: "R", events: [] });
    expect(ack.find("AK3")).toEqual([["AK3", "BEG", "2", "", "3"]]);
    expect(ack.find("AK5")).toEqual([["AK5", "R", "5"]]);
    expect(ack.find("AK9")).toEqual([["AK9", "R", "1", "1", "0"]]);
    expect(r.ok).toBe(true);
  });

  it("rejects a non-numeric quantity with AK3 (PO1, position, loop) and AK4 (PO102, 330, code 6, bad data)", () => {
    const { tx, ack } = run850([...HEADER, "PO1*1*THREE*EA*12.5*PE*VP*WID-1", "CTT*1"]);
    expect(tx.accepted).toBe(false);
    expect(tx.errors[0]).toMatchObject({ segment: { id: "PO1", position: 7 }, element: { position: 2, ref: "330", code: "6", data: "THREE" } });
    expect(ack.find("AK3")).toEqual([["AK3", "PO1", "7", "PO1", "8"]]);
    expect(ack.find("AK4")).toEqual([["AK4", "2", "330", "6", "THREE"]]);
    expect(ack.find("AK5")).toEqual([["AK5", "R", "5"]]);
  });

  it("rejects a fractional or zero quantity, a bad price, a missing product id, a bad currency and a bad date", () => {
    const cases: Array<[string[], string, string]> = [
      [["BEG*00*SA*P**20240115", "PO1*1*2.5*EA*1*PE*VP*A", "CTT*1"], "PO1", "2"],
      [["BEG*00*SA*P**20240115", "PO1*1*0*EA*1*PE*VP*A", "CTT*1"], "PO1", "2"],
      [["BEG*00*SA*P**20240115", "PO1*1*1*EA*1,50*PE*VP*A", "CTT*1"], "PO1", "4"],
      [["BEG*00*SA*P**20240115", "PO1*1*1*EA*1.5", "CTT*1"], "PO1", "7"],
      [["BEG*00*SA*P**20240115", "CUR*BY*dollars", "PO1*1*1*EA*1*PE*VP*A", "CTT*1"], "CUR", "2"],
      [["BEG*00*SA*P**20241345", "PO1*1*1*EA*1*PE*VP*A", "CTT*1"], "BEG", "5"],
      [["BEG*00*SA***20240115", "PO1*1*1*EA*1*PE*VP*A", "CTT*1"], "BEG", "3"],
    ];
    for (const [body, segment, element] of cases) {
      const { tx, ack } = run850(body);
      expect(tx.accepted, body.join("~")).toBe(false);
      expect(ack.find("AK3")[0]?.[1], body.join("~")).toBe(segment);
      expect(ack.find("AK4")[0]?.[1], body.join("~")).toBe(element);
    }
  });

  it("rejects a CTT01 line count that does not match the PO1 segments", () => {
    const { tx, ack } = run850([...HEADER, ...LINES.slice(0, 3), "CTT*3*13"]);
    expect(tx.accepted).toBe(false);
    expect(ack.find("AK4")).toEqual([["AK4", "1", "354", "6", "3"]]);
  });

  it("notes a CTT02 hash total mismatch (AK5 E), and rejects it when strict", () => {
    const body = [...HEADER, ...LINES.slice(0, 3), "CTT*2*99"];
    const lenient = run850(body);
    expect(lenient.tx).toMatchObject({ accepted: true, status: "E" });
    expect(lenient.tx.events).toHaveLength(1);
    expect(lenient.ack.find("AK5")).toEqual([["AK5", "E", "5"]]);
    expect(lenient.ack.find("AK9")).toEqual([["AK9", "E", "1", "1", "1"]]);
    expect(run850(body, { strict: true }).tx).toMatchObject({ accepted: false, status: "R" });
  });
});
