import { describe, expect, it } from "vitest";
import { buildSscc } from "./sscc";
import { ownRead, textOf, x12Query, x12Read, x12Segments } from "./testing";
import type { PartnerSettings } from "./types";
import { write856, type ShipNotice } from "./write-856";

const partner: PartnerSettings = { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: "RETAILER" } };
const withSscc: PartnerSettings = { ...partner, sscc: true };
const now = new Date("2024-05-06T07:08:09Z");
const sscc = (serial: number) => {
  const r = buildSscc({ extension: 0, companyPrefix: "0614141", serial });
  if (!r.ok) throw new Error(r.reason);
  return r.sscc;
};

const notice: ShipNotice = {
  shipmentId: "SHP-0001",
  shippedAt: "2024-05-06T06:30:00Z",
  carrier: { scac: "UPSN", mode: "U", name: "UPS", trackingNumber: "1Z999AA10123456784", billOfLading: "BOL-77" },
  packaging: { weight: 60.31, weightUnit: "LB" },
  shipTo: { code: "ST", name: "XYZ RETAIL DC 4", idQualifier: "92", id: "0004", address: { lines: ["31875 SOLON RD"], city: "SOLON", region: "OH", postalCode: "44139" } },
  shipFrom: { code: "SF", name: "Switchyard East", address: { lines: ["1 Dock St"], city: "Newark", region: "NJ", postalCode: "07102", country: "US" } },
  orders: [
    {
      poNumber: "PO-1",
      poDate: "2024-05-01",
      packs: [
        { sscc: sscc(1), items: [{ lineId: "1", item: { sku: "A" }, shipped: 6, ordered: 10 }, { lineId: "2", item: { sku: "B" }, shipped: 2 }] },
        { sscc: sscc(2), items: [{ lineId: "1", item: { sku: "A" }, shipped: 4 }] },
      ],
    },
    { poNumber: "PO-2", packs: [{ sscc: sscc(3), items: [{ lineId: "7", item: { sku: "C", ids: { UP: "012345678905" } }, shipped: 1 }] }] },
  ],
};

type Hl = { id: string; parent: string; level: string; children: string };
const hls = (segs: string[][]): Hl[] => segs.filter((s) => s[0] === "HL").map((s) => ({ id: s[1]!, parent: s[2]!, level: s[3]!, children: s[4]! }));

/** Every HL points at an earlier HL of the level above it; HL04 says whether children follow. */
function expectWellFormedTree(list: Hl[], levels: string[]) {
  list.forEach((h, i) => {
    expect(h.id).toBe(String(i + 1));
    const depth = levels.indexOf(h.level);
    expect(depth).toBeGreaterThanOrEqual(0);
    if (depth === 0) expect(h.parent).toBe("");
    else expect(list.find((p) => p.id === h.parent)?.level).toBe(levels[depth - 1]);
    expect(h.children).toBe(list.some((c) => c.parent === h.id) ? "1" : "0");
  });
}

describe("write856: ship notice", () => {
  it("with SSCC: Shipment → Order → Pack (MAN*GM*00<SSCC>) → Item, parents and counts right in both readers", () => {
    const text = textOf(write856(notice, withSscc, { last: null, now }));
    expect(ownRead(text).findings).toEqual([]);
    const ic = x12Read(text);
    expect(ic.functionalGroups[0]!.header.valueOf(1)).toBe("SH");
    const segs = x12Segments(ic);
    expect(segs[0]).toEqual(["BSN", "00", "SHP-0001", "20240506", "0708", "0001"]);

    const tree = hls(segs);
    expect(tree.map((h) => h.level).join("")).toBe("SOPIIPIOPI");
    expectWellFormedTree(tree, ["S", "O", "P", "I"]);
    // node-x12's HL paths follow one parent step at a time (its query engine resets on a new parent).
    // MAN02 under GM is the GS1-128 string: AI 00, then the SSCC.
    expect(x12Query(ic, "HL+P-MAN02")).toEqual([`00${sscc(1)}`, `00${sscc(2)}`, `00${sscc(3)}`]);
    expect(x12Query(ic, 'MAN02:MAN01["GM"]')).toHaveLength(3);
    expect(x12Query(ic, "HL+P+I-LIN-SN102")).toEqual(["6", "2", "4", "1"]);
    expect(x12Query(ic, "HL+O-PRF01")).toEqual(["PO-1", "PO-2"]);
    expect(segs.find((s) => s[0] === "PRF")).toEqual(["PRF", "PO-1", "", "", "20240501"]);
    expect(segs.find((s) => s[0] === "TD1")).toEqual(["TD1", "CTN25", "3", "", "", "", "G", "60.31", "LB"]);
    expect(segs.find((s) => s[0] === "TD5")).toEqual(["TD5", "B", "2", "UPSN", "U", "UPS"]);
    expect(x12Query(ic, 'REF02:REF01["CN"]')).toEqual(["1Z999AA10123456784"]);
    expect(x12Query(ic, 'REF02:REF01["BM"]')).toEqual(["BOL-77"]);
    expect(x12Query(ic, 'DTM02:DTM01["011"]')).toEqual(["20240506"]);
    expect(x12Query(ic, 'N102:N101["ST"]')).toEqual(["XYZ RETAIL DC 4"]);
    expect(segs.find((s) => s[0] === "SN1")).toEqual(["SN1", "", "6", "EA", "", "10", "EA"]);
    expect(segs.at(-1)).toEqual(["CTT", String(tree.length), "13"]);
  });

  it("without SSCC: Shipment → Order → Item, a line shipped from two cartons merged into one item", () => {
    const text = textOf(write856(notice, partner, { last: null, now }));
    expect(ownRead(text).findings).toEqual([]);
    const segs = x12Segments(x12Read(text));
    expect(segs[0]![5]).toBe("0004");
    const tree = hls(segs);
    expect(tree.map((h) => h.level).join("")).toBe("SOIIOI");
    expectWellFormedTree(tree, ["S", "O", "I"]);
    expect(segs.some((s) => s[0] === "MAN")).toBe(false);
    expect(segs.filter((s) => s[0] === "LIN")).toEqual([["LIN", "1", "VN", "A"], ["LIN", "2", "VN", "B"], ["LIN", "7", "VN", "C", "UP", "012345678905"]]);
    expect(segs.filter((s) => s[0] === "SN1").map((s) => s[2])).toEqual(["10", "2", "1"]);
    expect(segs.at(-1)).toEqual(["CTT", "6", "13"]);
  });

  it("a partner that needs SSCC gets no ship notice with a missing, wrong or repeated SSCC, or loose items", () => {
    const bad: ShipNotice = {
      ...notice,
      orders: [
        { poNumber: "PO-1", items: [{ item: { sku: "A" }, shipped: 1 }], packs: [{ sscc: "006141411234567891", items: [{ item: { sku: "A" }, shipped: 1 }] }] },
        { poNumber: "PO-2", packs: [{ items: [{ item: { sku: "B" }, shipped: 1 }] }, { sscc: sscc(5), items: [{ item: { sku: "B" }, shipped: 1 }] }, { sscc: sscc(5), items: [{ item: { sku: "C" }, shipped: 1 }] }] },
      ],
    };
    const r = write856(bad, withSscc, { last: null, now });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.path)).toEqual(["orders[0].items", "orders[0].packs[0].sscc", "orders[1].packs[0].sscc", "orders[1].packs[2].sscc"]);
  });

  it("needs a carrier it can name and at least one shipped unit per item", () => {
    const r = write856({ ...notice, carrier: {}, orders: [{ poNumber: "PO-1", items: [{ item: { sku: "A" }, shipped: 0 }] }] }, partner, { last: null, now });
    expect(r).toMatchObject({ ok: false, errors: [{ path: "carrier" }, { path: "orders[0].items[0].shipped" }] });
  });
});
