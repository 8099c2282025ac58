import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_CONTROL_NUMBER, nextControlNumbers } from "./control-numbers";
import { x12Read } from "./testing";
import type { ControlNumbers, OutboundResult, PartnerSettings } from "./types";
import { write846 } from "./write-846";
import { write855 } from "./write-855";

const partner: PartnerSettings = { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: "DEALER1" } };
const now = new Date("2024-05-06T07:08:09Z");

describe("nextControlNumbers", () => {
  it("starts at 1, steps each number by one, and wraps from 999999999 to 1 (never 0)", () => {
    expect(nextControlNumbers(null)).toEqual({ isa: 1, gs: 1, st: 1 });
    expect(nextControlNumbers({ isa: 41, gs: 7, st: 9999 })).toEqual({ isa: 42, gs: 8, st: 10000 });
    expect(nextControlNumbers({ isa: MAX_CONTROL_NUMBER, gs: MAX_CONTROL_NUMBER, st: 5 })).toEqual({ isa: 1, gs: 1, st: 6 });
  });

  it("refuses a corrupt `last` instead of guessing", () => {
    for (const bad of [{ isa: 0, gs: 1, st: 1 }, { isa: 1.5, gs: 1, st: 1 }, { isa: 1, gs: MAX_CONTROL_NUMBER + 1, st: 1 }, { isa: 1, gs: 1, st: Number.NaN }, { isa: "7", gs: 1, st: 1 }]) {
      expect(() => nextControlNumbers(bad as unknown as ControlNumbers)).toThrow(RangeError);
    }
  });

  it("a run of any length from any start never repeats a number before the wrap", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_CONTROL_NUMBER }), fc.integer({ min: 1, max: 500 }), (start, n) => {
        let last: ControlNumbers = { isa: start, gs: start, st: start };
        const seen = new Set<number>([start]);
        for (let i = 0; i < n; i++) {
          last = nextControlNumbers(last);
          expect(seen.has(last.isa)).toBe(false);
          seen.add(last.isa);
          expect(last.isa).toBeGreaterThanOrEqual(1);
          expect(last.isa).toBeLessThanOrEqual(MAX_CONTROL_NUMBER);
        }
      }),
    );
  });
});

describe("control numbers across writers", () => {
  it("increase across calls for one partner and never repeat, whatever the document and batch size", () => {
    let last: ControlNumbers | null = null;
    const isa = new Set<string>();
    const gs = new Set<string>();
    const st = new Set<string>();
    for (let i = 0; i < 30; i++) {
      const batch = (i % 3) + 1;
      const r: OutboundResult =
        i % 2
          ? write846(Array.from({ length: batch }, (_, j) => ({ reference: `R${i}-${j}`, asOf: now, items: [{ item: { sku: "A" }, available: i }] })), partner, { last, now })
          : write855(Array.from({ length: batch }, () => ({ poNumber: `PO-${i}`, poDate: now, lines: [{ lineId: "1", item: { sku: "A" }, ordered: 1, accepted: 1 }] })), partner, { last, now });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      const ic = x12Read(r.text);
      // What is on the wire is what the result says, and it is new.
      expect(ic.header.valueOf(13)).toBe(String(Number(r.written.isa13)));
      expect(ic.functionalGroups[0]!.header.valueOf(6)).toBe(r.written.gs06);
      expect(ic.functionalGroups[0]!.transactions.map((t) => t.header.valueOf(2))).toEqual(r.written.st02);
      expect(isa.has(r.written.isa13) || gs.has(r.written.gs06) || r.written.st02.some((s) => st.has(s))).toBe(false);
      isa.add(r.written.isa13);
      gs.add(r.written.gs06);
      r.written.st02.forEach((s) => st.add(s));
      if (last) expect(r.control.isa).toBe(last.isa + 1);
      expect(r.control.st).toBe(Number(r.written.st02.at(-1)));
      last = r.control;
    }
    expect(isa.size).toBe(30);
    expect(st.size).toBe(60);
  });

  it("a refused document uses no numbers: the caller keeps its `last`", () => {
    const last = { isa: 5, gs: 5, st: 5 };
    expect(write846({ reference: "", asOf: now, items: [] }, partner, { last, now })).toMatchObject({ ok: false });
    const r = write846({ reference: "R", asOf: now, items: [{ item: { sku: "A" }, available: 1 }] }, partner, { last, now });
    expect(r).toMatchObject({ ok: true, control: { isa: 6, gs: 6, st: 6 } });
    expect(write846({ reference: "R", asOf: now, items: [{ item: { sku: "A" }, available: 1 }] }, partner, { last: { isa: 0, gs: 1, st: 1 }, now })).toMatchObject({ ok: false, errors: [{ path: "ctx.last" }] });
  });
});
