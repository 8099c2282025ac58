import { describe, expect, it } from "vitest";
import { processInterchange } from "../index";
import { readAck } from "../testing";
import { ownRead, textOf, x12Read } from "./testing";
import type { PartnerSettings } from "./types";
import { write846, type InventoryAdvice } from "./write-846";
import { write855 } from "./write-855";
import { write856 } from "./write-856";
import { write940 } from "./write-940";

const partner: PartnerSettings = { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "01", id: "123456789" } };
const now = new Date("2024-05-06T07:08:09Z");
const advice: InventoryAdvice = { reference: "R-1", asOf: now, items: [{ item: { sku: "A*1" }, available: 5 }, { item: { sku: "B-2" }, available: 6 }] };
const pipes: PartnerSettings["separators"] = { element: "|", segment: "\\", component: "^", lineBreak: "" };

describe("outbound envelope", () => {
  it("4010 by default: ISA11 U, ISA12 00401, GS08 004010, a 106-character ISA, dates in UTC", () => {
    const text = textOf(write846({ ...advice, items: [advice.items[1]!] }, partner, { last: null, now }));
    const isa = text.slice(0, text.indexOf("~") + 1);
    expect(isa).toHaveLength(106);
    expect(isa).toBe("ISA*00*          *00*          *ZZ*SWITCHYARD     *01*123456789      *240506*0708*U*00401*000000001*0*P*>~");
    expect(text.split("\n")[1]).toBe("GS*IB*SWITCHYARD*123456789*20240506*0708*1*X*004010~");
    const ic = x12Read(text);
    expect(ic.header.valueOf(12)).toBe("00401");
    expect(ic.functionalGroups[0]!.header.valueOf(8)).toBe("004010");
  });

  it("5010 when the partner asks: ISA11 is the repetition separator, ISA12 00501, GS08 005010; both read it", () => {
    const text = textOf(write846({ ...advice, items: [advice.items[1]!] }, { ...partner, version: "5010" }, { last: null, now }));
    const ic = x12Read(text);
    expect([ic.header.valueOf(11), ic.header.valueOf(12), ic.functionalGroups[0]!.header.valueOf(8)]).toEqual(["^", "00501", "005010"]);
    const own = ownRead(text);
    expect(own.findings).toEqual([]);
    expect(own.separators.repetition).toBe("^");
    expect(own.interchange.version).toBe("00501");
  });

  it("custom separators with no line breaks: a value holding our default '*' is fine, one holding '|' is refused", () => {
    const text = textOf(write846(advice, { ...partner, version: "5010", separators: { ...pipes, repetition: "!" } }, { last: null, now }));
    expect(text).not.toContain("\n");
    expect(text.slice(0, 106).endsWith("|^\\")).toBe(true);
    const ic = x12Read(text);
    expect(ic.header.valueOf(11)).toBe("!");
    expect(ic.functionalGroups[0]!.transactions[0]!.segments.filter((s) => s.tag === "LIN").map((s) => s.valueOf(3))).toEqual(["A*1", "B-2"]);
    const own = ownRead(text);
    expect(own.findings).toEqual([]);
    expect(own.separators).toMatchObject({ element: "|", segment: "\\", component: "^" });
    // Our own ingest reads what we wrote, SKU with '*' included, and acknowledges it.
    const back = processInterchange(text, { channel: "dealer", now });
    expect(back.transactions[0]!.events.map((e) => e.kind === "inventory" && e.event.sku)).toEqual(["A*1", "B-2"]);
    expect(readAck(back.ack997).find("AK5")).toEqual([["AK5", "A"]]);

    const refused = write846({ ...advice, items: [{ item: { sku: "A|1" }, available: 1 }] }, { ...partner, separators: pipes }, { last: null, now });
    expect(refused).toMatchObject({ ok: false, errors: [{ path: "items[0].item.sku", message: expect.stringContaining("delimiter") }] });
  });

  it("usage T, ISA14 1, a partner GS08 and GS application codes that differ from the ISA ids", () => {
    const text = textOf(write846({ ...advice, items: [advice.items[1]!] }, { ...partner, usage: "T", ackRequested: true, gsVersion: "004010VICS", senderCode: "SWY", receiverCode: "DLR" }, { last: null, now }));
    const ic = x12Read(text);
    expect([ic.header.valueOf(14), ic.header.valueOf(15)]).toEqual(["1", "T"]);
    const gs = ic.functionalGroups[0]!.header;
    expect([gs.valueOf(2), gs.valueOf(3), gs.valueOf(8)]).toEqual(["SWY", "DLR", "004010VICS"]);
  });

  it("refuses partner settings it cannot honour, naming each", () => {
    const r = write846(advice, {
      sender: { qualifier: "Z", id: "THIS ID IS WAY TOO LONG" },
      receiver: { qualifier: "ZZ", id: "" },
      version: "6020" as "5010",
      separators: { element: "*", segment: "*", component: "A" },
      usage: "X" as "P",
    }, { last: null, now });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual([
      "partner.version", "partner.separators.component", "partner.separators", "partner.sender.qualifier", "partner.sender.id",
      "partner.receiver.id", "partner.senderCode", "partner.receiverCode", "partner.usage",
    ]);
    expect(write846(advice, undefined as unknown as PartnerSettings, { last: null, now })).toMatchObject({ ok: false, errors: [{ path: "partner." }] });
    expect(write846(advice, partner, { last: null, now: new Date("nope") })).toMatchObject({ ok: false, errors: [{ path: "ctx.now" }] });
  });
  it("every document, in 4010 and in 5010 with custom separators, reads back in both parsers with its functional group", () => {
    const shipTo = { code: "ST", name: "Store 9", address: { lines: ["1 Main St"], city: "Solon", region: "OH", postalCode: "44139" } };
    const writers = [
      ["IB", (p: PartnerSettings) => write846({ ...advice, items: [advice.items[1]!] }, p, { last: null, now })],
      ["PR", (p: PartnerSettings) => write855({ poNumber: "PO-1", poDate: now, lines: [{ lineId: "1", item: { sku: "B-2" }, ordered: 3, accepted: 2, rejected: 1 }] }, p, { last: null, now })],
      ["SH", (p: PartnerSettings) => write856({ shipmentId: "S-1", shippedAt: now, carrier: { scac: "UPSN" }, shipTo, shipFrom: { ...shipTo, code: "SF" }, orders: [{ poNumber: "PO-1", items: [{ item: { sku: "B-2" }, shipped: 2 }] }] }, p, { last: null, now })],
      ["OW", (p: PartnerSettings) => write940({ orderNumber: "SO-1", shipTo, carrier: {}, lines: [{ item: { sku: "B-2" }, quantity: 2 }] }, p, { last: null, now })],
    ] as const;
    for (const p of [partner, { ...partner, version: "5010" as const, separators: { ...pipes, repetition: "!" } }]) {
      for (const [functionalId, write] of writers) {
        const text = textOf(write(p));
        expect(ownRead(text).findings, `${functionalId} ${p.version ?? "4010"}`).toEqual([]);
        const ic = x12Read(text);
        expect([ic.header.valueOf(12), ic.functionalGroups[0]!.header.valueOf(1)]).toEqual([p.version === "5010" ? "00501" : "00401", functionalId]);
        // Our own ingest acknowledges every one of them as syntactically sound.
        const back = processInterchange(text, { channel: "self", now });
        expect(back.ok).toBe(true);
        expect(readAck(back.ack997).find("AK5")).toEqual([["AK5", "A"]]);
      }
    }
  });

  it("refuses interchange ids that hold a separator (they would break the fixed-width ISA)", () => {
    const r = write846(advice, { ...partner, sender: { qualifier: "ZZ", id: "SW~YARD" } }, { last: null, now });
    expect(r).toMatchObject({ ok: false, errors: [{ path: "partner.sender.id" }, { path: "partner.senderCode" }] });
  });
});
