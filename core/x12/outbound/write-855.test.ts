/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import edi850 from "../../../test/fixtures/x12/node-x12/850.edi?raw";
import { processInterchange } from "../index";
import { ownRead, textOf, x12Query, x12Read, x12Segments } from "./testing";
import type { PartnerSettings } from "./types";
import { write855, type AckLine, type PurchaseOrderAck } from "./write-855";

const partner: PartnerSettings = { sender: { qualifier: "12", id: "4405197800" }, receiver: { qualifier: "01", id: "999999999" } };
const now = new Date("2024-05-06T07:08:09Z");

/** The fixture's 850 as our ingest reads it: the PO number, date and lines an 855 answers. */
function fixturePo() {
  const r = processInterchange(edi850, { channel: "xyz", now });
  const ev = r.transactions[0]!.events[0]!;
  if (ev.kind !== "order") throw new Error("the fixture is an order");
  return ev.order;
}

/** Groups the node-x12 segments of a set into PO1 loops: the PO1 and the ACKs under it. */
function po1Loops(segs: string[][]) {
  const loops: Array<{ po1: string[]; acks: string[][] }> = [];
  for (const s of segs) {
    if (s[0] === "PO1") loops.push({ po1: s, acks: [] });
    else if (s[0] === "ACK") loops.at(-1)!.acks.push(s);
  }
  return loops;
}

describe("write855: PO acknowledgment", () => {
  const order = fixturePo();
  // Line 1 in full, line 2 partly accepted and partly backordered, line 3 rejected, line 4 split three ways.
  const outcome: Array<Pick<AckLine, "accepted" | "backordered" | "rejected">> = [
    { accepted: 120 },
    { accepted: 200, backordered: 20 },
    { accepted: 0, rejected: 126 },
    { accepted: 50, backordered: 20, rejected: 6 },
    { accepted: 72 },
    { accepted: 696 },
  ];
  const ack: PurchaseOrderAck = {
    poNumber: order.externalId,
    poDate: order.placedAt!,
    sellerOrderId: "ord_01J0000000",
    lines: order.lines.map((l, i) => ({
      lineId: l.externalLineId!,
      item: { sku: l.sku, ids: { CB: `CB-${i}` } },
      ordered: l.quantity,
      unitPrice: l.unitPrice!,
      priceBasis: "PE",
      ...outcome[i]!,
      shipDate: "2010-12-10",
      backorderShipDate: "2011-01-15",
    })),
  };

  it("echoes the PO number and line ids, with one ACK per status: IA, IB and IR with their quantities", () => {
    const text = textOf(write855(ack, partner, { last: null, now }));
    expect(ownRead(text).findings).toEqual([]);

    const ic = x12Read(text);
    expect(ic.functionalGroups[0]!.header.valueOf(1)).toBe("PR");
    const segs = x12Segments(ic);
    expect(segs[0]).toEqual(["BAK", "00", "AC", "08292233294", "20101127", "", "", "", "ord_01J0000000", "20240506"]);
    const loops = po1Loops(segs);
    expect(loops.map((l) => l.po1.slice(0, 6))).toEqual([
      ["PO1", "1", "120", "EA", "9.25", "PE"],
      ["PO1", "2", "220", "EA", "13.79", "PE"],
      ["PO1", "3", "126", "EA", "10.99", "PE"],
      ["PO1", "4", "76", "EA", "4.35", "PE"],
      ["PO1", "5", "72", "EA", "7.5", "PE"],
      ["PO1", "6", "696", "EA", "9.55", "PE"],
    ]);
    expect(loops.map((l) => l.acks)).toEqual([
      [["ACK", "IA", "120", "EA", "068", "20101210"]],
      [["ACK", "IA", "200", "EA", "068", "20101210"], ["ACK", "IB", "20", "EA", "068", "20110115"]],
      [["ACK", "IR", "126", "EA"]],
      [["ACK", "IA", "50", "EA", "068", "20101210"], ["ACK", "IB", "20", "EA", "068", "20110115"], ["ACK", "IR", "6", "EA"]],
      [["ACK", "IA", "72", "EA", "068", "20101210"]],
      [["ACK", "IA", "696", "EA", "068", "20101210"]],
    ]);
    // The 850 keyed items by VN; the partner's setting (default VN) writes our SKU there, then its CB id.
    expect(loops[0]!.po1.slice(6)).toEqual(["VN", "AB3542", "CB", "CB-0"]);
    expect(x12Query(ic, "PO1-ACK01")).toEqual(["IA", "IA", "IB", "IR", "IA", "IB", "IR", "IA", "IA"]);
    expect(segs.at(-1)).toEqual(["CTT", "6", String(order.lines.reduce((n, l) => n + l.quantity, 0))]);
  });

  it("BAK02 is AD when nothing changed, RD when everything is rejected, AC otherwise", () => {
    const all = (f: (l: AckLine) => Partial<AckLine>) => ({ ...ack, lines: ack.lines.map((l) => ({ ...l, accepted: 0, backordered: 0, rejected: 0, ...f(l) })) });
    const bak02 = (a: PurchaseOrderAck) => x12Segments(x12Read(textOf(write855(a, partner, { last: null, now }))))[0]![2];
    expect(bak02(all((l) => ({ accepted: l.ordered })))).toBe("AD");
    expect(bak02(all((l) => ({ rejected: l.ordered })))).toBe("RD");
    expect(bak02(all((l) => ({ backordered: l.ordered })))).toBe("AC");
    expect(bak02(ack)).toBe("AC");
  });

  it("refuses a line whose statuses do not add up to the ordered quantity, and duplicate line ids", () => {
    const bad = { ...ack, lines: [{ ...ack.lines[0]!, accepted: 100 }, { ...ack.lines[1]!, lineId: "1" }] };
    const r = write855(bad, partner, { last: null, now });
    expect(r).toMatchObject({ ok: false, errors: [{ path: "lines[0]" }, { path: "lines[1].lineId" }] });
  });

  it("writes a batch of acknowledgments as consecutive sets of one group", () => {
    const r = write855([ack, { ...ack, poNumber: "PO-2" }], partner, { last: { isa: 7, gs: 7, st: 9998 }, now });
    expect(r).toMatchObject({ ok: true, control: { isa: 8, gs: 8, st: 10000 }, written: { isa13: "000000008", gs06: "8", st02: ["9999", "10000"] } });
    const ic = x12Read(textOf(r));
    expect(ic.functionalGroups[0]!.transactions.map((t) => t.header.valueOf(2))).toEqual(["9999", "10000"]);
    expect(x12Query(ic, "BAK03")).toEqual(["08292233294", "PO-2"]);
    expect(ownRead(textOf(r)).findings).toEqual([]);
  });
});
