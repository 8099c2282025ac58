import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildSscc, gs1CheckDigit, isValidSscc } from "./sscc";

// Published SSCCs: 376104250021234569 is the worked check-digit example of the GS1 General
// Specifications (check digit table); 006141411234567890 the GS1 logistic label example (also
// GS1 General Specifications figure 6.6.5-1, as used in zint's GS1-128 tests); 106141411234567897
// the GS1 US example printed on SSCC-18 label guides; 340123451234567895 a GS1 example with the
// 4012345 company prefix.
const KNOWN = [
  { sscc: "376104250021234569", extension: 3, companyPrefix: "7610425", serial: "002123456" },
  { sscc: "006141411234567890", extension: 0, companyPrefix: "0614141", serial: "123456789" },
  { sscc: "106141411234567897", extension: 1, companyPrefix: "0614141", serial: "123456789" },
  { sscc: "340123451234567895", extension: 3, companyPrefix: "4012345", serial: "123456789" },
];

describe("SSCC-18", () => {
  it("rebuilds published SSCCs from their parts, check digit included", () => {
    for (const k of KNOWN) {
      expect(buildSscc(k)).toEqual({ ok: true, sscc: k.sscc });
      expect(isValidSscc(k.sscc)).toBe(true);
    }
    expect(gs1CheckDigit("37610425002123456")).toBe(9);
  });

  it("pads the serial to fill 17 digits whatever the company prefix length", () => {
    expect(buildSscc({ extension: 0, companyPrefix: "0614141", serial: 1 })).toEqual({ ok: true, sscc: "006141410000000012" });
    const ten = buildSscc({ extension: 9, companyPrefix: "1234567890", serial: 42 });
    expect(ten.ok && ten.sscc.slice(0, 17)).toBe("91234567890000042");
  });

  it("catches every single-digit error and every adjacent transposition of distinct digits that differ by other than 5", () => {
    for (const { sscc } of KNOWN) {
      for (let i = 0; i < 18; i++) {
        for (let d = 0; d <= 9; d++) {
          if (String(d) === sscc[i]) continue;
          expect(isValidSscc(sscc.slice(0, i) + d + sscc.slice(i + 1))).toBe(false);
        }
      }
      for (let i = 0; i < 17; i++) {
        const [a, b] = [Number(sscc[i]), Number(sscc[i + 1])];
        if (a === b || Math.abs(a - b) === 5) continue;
        expect(isValidSscc(sscc.slice(0, i) + sscc[i + 1] + sscc[i] + sscc.slice(i + 2))).toBe(false);
      }
    }
  });

  it("every built SSCC validates and keeps its parts in place", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 7, max: 10 }).chain((n) => fc.tuple(fc.stringMatching(new RegExp(`^\\d{${n}}$`)), fc.nat({ max: 10 ** (16 - n) - 1 }))), (ext, [prefix, serial]) => {
        const r = buildSscc({ extension: ext, companyPrefix: prefix, serial });
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect(isValidSscc(r.sscc)).toBe(true);
        expect(r.sscc.slice(0, 1 + prefix.length)).toBe(`${ext}${prefix}`);
        expect(Number(r.sscc.slice(1 + prefix.length, 17))).toBe(serial);
      }),
    );
  });

  it("refuses parts that cannot make an SSCC", () => {
    expect(buildSscc({ extension: 10, companyPrefix: "0614141", serial: 1 }).ok).toBe(false);
    expect(buildSscc({ extension: 0, companyPrefix: "061414", serial: 1 }).ok).toBe(false);
    expect(buildSscc({ extension: 0, companyPrefix: "0614141", serial: "1234567890" })).toMatchObject({ ok: false, reason: expect.stringContaining("9 digits") });
    expect(buildSscc({ extension: 0, companyPrefix: "0614141", serial: -1 }).ok).toBe(false);
    expect(isValidSscc("00614141123456789")).toBe(false);
    expect(isValidSscc("00614141123456789X")).toBe(false);
  });
});
