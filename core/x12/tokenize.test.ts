/// <reference types="vite/client" />
import { describe, expect, it } from "vitest";
import edi850 from "../../test/fixtures/x12/node-x12/850.edi?raw";
import edi850NoTilde from "../../test/fixtures/x12/node-x12/850_2.edi?raw";
import napa850 from "../../test/fixtures/x12/x12-types/850_v5010_napa_1.x12?raw";
import adobe810 from "../../test/fixtures/x12/x12-types/810_v4010_adobe.x12?raw";
import gm940 from "../../test/fixtures/x12/x12-types/940_v4010_generalmills_new.x12?raw";
import { tokenize } from "./tokenize";

const ids = (text: string) => {
  const t = tokenize(text);
  if (!t.ok) throw new Error(t.message);
  return t.segments.map((s) => s.id);
};

describe("tokenize: delimiters from the ISA", () => {
  it("reads *, > and ~ with a newline after each terminator (node-x12 850)", () => {
    const t = tokenize(edi850);
    expect(t.ok && t.separators).toEqual({ element: "*", component: ">", segment: "~", lineBreak: "\n" });
    expect(ids(edi850)).toHaveLength(37);
    expect(ids(edi850).slice(0, 4)).toEqual(["ISA", "GS", "ST", "BEG"]);
    expect(ids(edi850).at(-1)).toBe("IEA");
  });

  it("reads newline-terminated segments when there is no ~ (850_2)", () => {
    const t = tokenize(edi850NoTilde);
    expect(t.ok && t.separators.segment).toBe("\n");
    expect(t.ok && t.separators.component).toBe(">");
    expect(ids(edi850NoTilde)).toEqual(ids(edi850));
    const po1 = t.ok ? t.segments.find((s) => s.id === "PO1") : undefined;
    expect(po1?.el).toEqual(["PO1", "1", "120", "EA", "9.25", "TE", "CB", "065322-117", "PR", "RO", "VN", "AB3542"]);
  });

  it("reads a 5010 ISA with ISA and GS on one line, repetition | and component :", () => {
    const t = tokenize(napa850);
    expect(t.ok && t.separators).toMatchObject({ element: "*", component: ":", segment: "~", repetition: "|" });
    expect(ids(napa850).slice(0, 3)).toEqual(["ISA", "GS", "ST"]);
  });

  it("does not treat a 4010 ISA11 (U) or a pre-00402 ISA11 as a repetition separator", () => {
    const t = tokenize(edi850);
    expect(t.ok && t.separators.repetition).toBeUndefined();
  });

  it("reads an ISA whose padding was trimmed (not 106 characters)", () => {
    const isaLine = adobe810.split("\n")[0]!;
    expect(isaLine.length).not.toBe(107);
    const t = tokenize(adobe810);
    expect(t.ok && t.separators).toMatchObject({ element: "*", component: ">", segment: "~" });
    expect(t.ok && t.segments[0]!.el[6]).toBe("102096559TEST ");
    expect(ids(adobe810)).toHaveLength(49);
  });

  it("joins a segment wrapped over two lines (940 W01 ... PI pair), as its SE01 counts it", () => {
    const t = tokenize(gm940);
    if (!t.ok) throw new Error(t.message);
    const w01 = t.segments.filter((s) => s.id === "W01");
    expect(w01).toHaveLength(2);
    expect(w01[0]!.el.slice(-2)).toEqual(["PI", "001089"]);
    expect(t.segments.some((s) => s.id === "PI")).toBe(false);
  });

  it("tolerates CR/LF after terminators and a BOM before the ISA", () => {
    const crlf = "\uFEFF" + edi850.replace(/~\n/g, "~\r\n");
    const t = tokenize(crlf);
    expect(t.ok && t.separators.lineBreak).toBe("\r\n");
    expect(ids(crlf)).toEqual(ids(edi850));
  });

  it("reads other delimiters: | elements, ^ components, ! terminators", () => {
    const other = edi850.replace(/\*/g, "|").replace("|>~", "|^~").replace(/~\n?/g, "!");
    const t = tokenize(other);
    expect(t.ok && t.separators).toEqual({ element: "|", component: "^", segment: "!", lineBreak: "" });
    expect(ids(other)).toEqual(ids(edi850));
  });

  it("reads an empty ISA16 (the terminator follows the last separator directly)", () => {
    const empty = edi850.replace("*P*>~", "*P*~");
    const t = tokenize(empty);
    expect(t.ok && t.separators).toMatchObject({ component: "", segment: "~" });
    expect(ids(empty)).toEqual(ids(edi850));
    const emptyNl = edi850NoTilde.replace("*P*>\n", "*P*\n");
    const t2 = tokenize(emptyNl);
    expect(t2.ok && t2.separators).toMatchObject({ component: "", segment: "\n" });
    expect(ids(emptyNl)).toEqual(ids(edi850));
  });
});

describe("tokenize: input without an ISA", () => {
  it("reads a bare ST..SE stream, guessing the terminator", () => {
    const bare = edi850.slice(edi850.indexOf("ST*850")).replace(/GE\*.*$/s, "");
    const t = tokenize(bare);
    expect(t.ok && t.headerless).toBe(true);
    expect(t.ok && t.separators.segment).toBe("~");
    expect(ids(bare)[0]).toBe("ST");
    expect(ids(bare).at(-1)).toBe("SE");
  });

  it("refuses garbage, an empty body and a cut ISA with TA1 note codes", () => {
    expect(tokenize("hello, this is not EDI")).toMatchObject({ ok: false, code: "022" });
    expect(tokenize("   \n ")).toMatchObject({ ok: false, code: "022" });
    const cut = tokenize(edi850.slice(0, 60));
    expect(cut).toMatchObject({ ok: false, code: "023" });
    expect(!cut.ok && cut.isa?.[6]).toBe("4405197800     ");
    expect(tokenize("ISAA00")).toMatchObject({ ok: false, code: "022" });
  });

  it("refuses an alphanumeric segment terminator", () => {
    expect(tokenize(edi850.replace("*P*>~", "*P*>X"))).toMatchObject({ ok: false, code: "004" });
  });
});
