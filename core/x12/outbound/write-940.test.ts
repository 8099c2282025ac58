import { describe, expect, it } from "vitest";
import { ownRead, textOf, x12Query, x12Read, x12Segments } from "./testing";
import type { PartnerSettings } from "./types";
import { write940, type WarehouseShippingOrder } from "./write-940";

const tpl: PartnerSettings = { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: "TESTTPLEDI" } };
const now = new Date("2024-05-06T07:08:09Z");

const order: WarehouseShippingOrder = {
  orderNumber: "SO-1001",
  poNumber: "52947945",
  shipTo: { code: "ST", name: "TRADER JOES COMPANY", idQualifier: "93", id: "0060034969", address: { lines: ["2121 BOEING WAY", "STOCKTON WHSE 989"], city: "STOCKTON", region: "CA", postalCode: "95206", country: "US" } },
  shipFrom: { code: "SF", name: "Switchyard 3PL East", idQualifier: "9", id: "0062507407323" },
  parties: [{ code: "DE", name: "Switchyard Distribution" }],
  requestedShipDate: "2024-05-08",
  notes: ["Call before delivery*~ 530-473-4226"],
  carrier: { payment: "PP", mode: "M", scac: "ODFL", routing: "Old Dominion" },
  lines: [
    { item: { sku: "0638746000", ids: { UK: "10725342387462" }, description: "Cereal 12oz" }, quantity: 750, unit: "CA", upcCaseCode: "072534238746" },
    { item: { sku: "0143872000" }, quantity: 170, unit: "CA" },
  ],
  weight: { value: 42670, unit: "LB" },
};

describe("write940: warehouse shipping order", () => {
  it("writes W05, the N1 loops, W66 carrier, LX/W01 lines and W76 totals, read alike by both parsers", () => {
    const text = textOf(write940(order, tpl, { last: null, now }));
    expect(ownRead(text).findings).toEqual([]);
    const ic = x12Read(text);
    expect(ic.functionalGroups[0]!.header.valueOf(1)).toBe("OW");
    const segs = x12Segments(ic);
    expect(segs.map((s) => s[0])).toEqual(["W05", "N1", "N3", "N4", "N1", "N1", "G62", "NTE", "W66", "LX", "W01", "G69", "LX", "W01", "W76"]);
    expect(segs[0]).toEqual(["W05", "N", "SO-1001", "52947945"]);
    expect(x12Query(ic, 'N102:N101["ST"]')).toEqual(["TRADER JOES COMPANY"]);
    expect(x12Query(ic, 'N1-N401:N101["ST"]')).toEqual(["STOCKTON"]);
    expect(x12Query(ic, 'N104:N101["SF"]')).toEqual(["0062507407323"]);
    expect(segs.find((s) => s[0] === "N3")).toEqual(["N3", "2121 BOEING WAY", "STOCKTON WHSE 989"]);
    expect(segs.find((s) => s[0] === "G62")).toEqual(["G62", "10", "20240508"]);
    // Delimiters inside free text become spaces; the note still reads.
    expect(segs.find((s) => s[0] === "NTE")).toEqual(["NTE", "WHI", "Call before delivery 530-473-4226"]);
    expect(segs.find((s) => s[0] === "W66")).toEqual(["W66", "PP", "M", "", "", "Old Dominion", "", "", "", "", "ODFL"]);
    expect(x12Query(ic, "LX01")).toEqual(["1", "2"]);
    expect(segs.filter((s) => s[0] === "W01")).toEqual([
      ["W01", "750", "CA", "072534238746", "VN", "0638746000", "UK", "10725342387462"],
      ["W01", "170", "CA", "", "VN", "0143872000"],
    ]);
    expect(x12Query(ic, "LX-W0101")).toEqual(["750", "170"]);
    expect(segs.at(-1)).toEqual(["W76", "920", "42670", "LB"]);
  });

  it("W0502 is AN 1/22: a longer order number is refused rather than cut (the 945 must quote it back)", () => {
    const r = write940({ ...order, orderNumber: "ord_01J0ABCDEFGHJKMNPQRSTVWX" }, tpl, { last: null, now });
    expect(r).toMatchObject({ ok: false, errors: [{ path: "orderNumber", message: expect.stringContaining("1 to 22") }] });
  });

  it("a cancel is W05*F; a batch of orders is one set each", () => {
    const r = write940([order, { ...order, orderNumber: "SO-1002", status: "F" }], tpl, { last: null, now });
    const ic = x12Read(textOf(r));
    expect(x12Query(ic, "W0501")).toEqual(["N", "F"]);
    expect(ic.functionalGroups[0]!.transactions).toHaveLength(2);
  });

  it("refuses lines without a quantity, a bad UPC case code and an unknown status", () => {
    const r = write940({ ...order, status: "X" as "N", lines: [{ item: { sku: "A" }, quantity: 0 }, { item: { sku: "B" }, quantity: 1, upcCaseCode: "12345" }] }, tpl, { last: null, now });
    expect(r).toMatchObject({ ok: false, errors: [{ path: "status" }, { path: "lines[0].quantity" }, { path: "lines[1].upcCaseCode" }] });
  });
});
