import { describe, expect, it } from "vitest";
import { processInterchange } from "../index";
import { readAck } from "../testing";
import { ownRead, textOf, x12Query, x12Read, x12Segments } from "./testing";
import type { PartnerSettings } from "./types";
import { write846, type InventoryAdvice } from "./write-846";

const partner: PartnerSettings = { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: "DEALER1" } };
const now = new Date("2024-05-06T07:08:09Z");
const asOf = new Date("2024-05-06T07:00:30Z");
const skus = Array.from({ length: 250 }, (_, i) => ({ item: { sku: `SKU-${String(i).padStart(4, "0")}` }, available: (i * 7) % 50 }));
const advice: InventoryAdvice = { reference: "SNAP-77", asOf, items: skus };

describe("write846: inventory advice, one LIN loop per SKU", () => {
  it("writes 250 SKUs in one set that our reader and node-x12 count the same way", () => {
    const r = write846(advice, partner, { last: null, now });
    const text = textOf(r);

    const own = ownRead(text);
    expect(own.findings).toEqual([]);
    expect(own.sets).toHaveLength(1);
    const body = own.sets[0]!.segments;
    expect(body.filter((s) => s.id === "LIN")).toHaveLength(250);
    expect(body.at(-1)!.el).toEqual(["SE", String(body.length), "0001"]);

    const ic = x12Read(text);
    expect(Number(ic.header.valueOf(13))).toBe(1);
    expect(ic.functionalGroups).toHaveLength(1);
    expect(ic.functionalGroups[0]!.header.valueOf(1)).toBe("IB");
    expect(ic.functionalGroups[0]!.transactions).toHaveLength(1);
    const segs = x12Segments(ic);
    expect(segs[0]).toEqual(["BIA", "00", "SI", "SNAP-77", "20240506", "070030"]);
    expect(x12Query(ic, "LIN03")).toEqual(skus.map((s) => s.item.sku));
    expect(x12Query(ic, 'QTY02:QTY01["33"]')).toEqual(skus.map((s) => String(s.available)));
    expect(x12Query(ic, 'DTM02:DTM01["007"]')).toEqual(skus.map(() => "20240506"));
    expect(segs.at(-1)).toEqual(["CTT", "250", String(skus.reduce((n, s) => n + s.available, 0))]);
  });

  it("sends the channel's figure as QTY*33, never an on-hand quantity (QTY*17)", () => {
    const segs = x12Segments(x12Read(textOf(write846(advice, partner, { last: null, now }))));
    const qualifiers = new Set(segs.filter((s) => s[0] === "QTY").map((s) => s[1]));
    expect([...qualifiers]).toEqual(["33"]);
  });

  it("reads back through our own 846 mapper as the same per-SKU figures, and is acknowledged A", () => {
    const small: InventoryAdvice = { reference: "SNAP-1", asOf, items: [{ item: { sku: "A-1" }, available: 12 }, { item: { sku: "B-2" }, available: 0 }] };
    const r = processInterchange(textOf(write846(small, partner, { last: null, now })), { channel: "dealer1", now });
    expect(r.ok).toBe(true);
    const snapshots = r.transactions[0]!.events.map((e) => (e.kind === "inventory" ? [e.event.sku, e.event.quantities?.onHand, e.event.asOf] : e.kind));
    expect(snapshots).toEqual([["A-1", 12, asOf.toISOString()], ["B-2", 0, asOf.toISOString()]]);
    expect(readAck(r.ack997).find("AK5")).toEqual([["AK5", "A"]]);
  });

  it("keys items by the partner's qualifier: our SKU under SK, the partner's id under BP", () => {
    const items = [{ item: { sku: "A-1", ids: { BP: "BUYER-9", UP: "012345678905" } }, available: 3 }];
    const sk = x12Segments(x12Read(textOf(write846({ ...advice, items }, { ...partner, itemQualifier: "SK" }, { last: null, now }))));
    expect(sk.find((s) => s[0] === "LIN")).toEqual(["LIN", "1", "SK", "A-1", "BP", "BUYER-9", "UP", "012345678905"]);
    const bp = x12Segments(x12Read(textOf(write846({ ...advice, items }, { ...partner, itemQualifier: "BP" }, { last: null, now }))));
    expect(bp.find((s) => s[0] === "LIN")).toEqual(["LIN", "1", "BP", "BUYER-9", "UP", "012345678905"]);

    const missing = write846({ ...advice, items: [{ item: { sku: "A-1" }, available: 3 }] }, { ...partner, itemQualifier: "BP" }, { last: null, now });
    expect(missing).toMatchObject({ ok: false, errors: [{ path: "items[0].item.ids.BP" }] });
  });

  it("an item's own as-of goes into its DTM; the report's into BIA04/05", () => {
    const own = new Date("2024-05-05T23:59:00Z");
    const segs = x12Segments(x12Read(textOf(write846({ ...advice, items: [{ item: { sku: "A" }, available: 1, asOf: own }, { item: { sku: "B" }, available: 2 }] }, partner, { last: null, now }))));
    expect(segs.filter((s) => s[0] === "DTM")).toEqual([["DTM", "007", "20240505", "235900", "UT"], ["DTM", "007", "20240506", "070030", "UT"]]);
  });

  it("refuses what it cannot write faithfully, naming every field", () => {
    const r = write846(
      { reference: "", asOf: "not a date", items: [{ item: { sku: "BAD*SKU" }, available: -1 }, { item: { sku: "OK" }, available: 2.5 }, { item: { sku: "OK" }, available: 1 }] },
      partner,
      { last: null, now },
    );
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual(["reference", "asOf", "items[0].item.sku", "items[0].available", "items[1].available", "items[2].item"]);
    expect(write846({ ...advice, items: [] }, partner, { last: null, now })).toMatchObject({ ok: false, errors: [{ path: "items" }] });
  });
});
