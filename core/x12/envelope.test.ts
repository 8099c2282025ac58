import { describe, expect, it } from "vitest";
import { walkEnvelopes } from "./envelope";
import { buildInterchange, type TestGroup } from "./testing";
import { tokenize } from "./tokenize";

const po = (control: string, body = ["BEG*00*SA*PO-1**20240101", "PO1*1*2*EA*1.50**VP*SKU-1"]) => ({ id: "850", control, body });
const group = (control = "7", sets = [po("0001")]): TestGroup => ({ functionalId: "PO", control, sets });

function walk(text: string, strict = false) {
  const t = tokenize(text);
  if (!t.ok) throw new Error(t.message);
  return walkEnvelopes(t.segments, { strict });
}

describe("walkEnvelopes", () => {
  it("builds the tree of a clean interchange with no findings", () => {
    const ic = walk(buildInterchange([group("7", [po("0001"), po("0002")]), group("8")], { control: "000000555", sender: "ACME" }));
    expect(ic.errors).toEqual([]);
    expect(ic).toMatchObject({ enveloped: true, control: "000000555", sender: { qualifier: "ZZ", id: "ACME" }, receiver: { id: "SWITCHYARD" } });
    expect(ic.groups.map((g) => [g.functionalId, g.control, g.sets.length, g.declaredSets])).toEqual([["PO", "7", 2, 2], ["PO", "8", 1, 1]]);
    expect(ic.groups[0]!.sets.map((s) => [s.id, s.control, s.segments.length, s.errors.length])).toEqual([["850", "0001", 4, 0], ["850", "0002", 4, 0]]);
  });

  it("notes a wrong SE01 count (E), and rejects it when strict", () => {
    const text = buildInterchange([group()]).replace("SE*4*0001", "SE*9*0001");
    expect(walk(text).groups[0]!.sets[0]!.errors).toEqual([expect.objectContaining({ setCode: "4", reject: false })]);
    expect(walk(text, true).groups[0]!.sets[0]!.errors).toEqual([expect.objectContaining({ setCode: "4", reject: true })]);
  });

  it("rejects SE02 different from ST02", () => {
    const text = buildInterchange([group()]).replace("SE*4*0001", "SE*4*0002");
    expect(walk(text).groups[0]!.sets[0]!.errors).toEqual([expect.objectContaining({ setCode: "3", reject: true })]);
  });

  it("accepts control numbers equal as numbers (0005 vs 5)", () => {
    const text = buildInterchange([group()]).replace("SE*4*0001", "SE*4*1");
    expect(walk(text).groups[0]!.sets[0]!.errors).toEqual([]);
  });

  it("rejects GE02 different from GS06 and notes a wrong GE01 count", () => {
    const mismatch = walk(buildInterchange([group("7")]).replace("GE*1*7", "GE*1*8"));
    expect(mismatch.groups[0]!.errors).toEqual([expect.objectContaining({ code: "4", reject: true })]);
    const count = walk(buildInterchange([group("7")]).replace("GE*1*7", "GE*3*7"));
    expect(count.groups[0]!.errors).toEqual([expect.objectContaining({ code: "5", reject: false })]);
    expect(count.groups[0]!.declaredSets).toBe(3);
  });

  it("rejects IEA02 different from ISA13 and notes a wrong IEA01", () => {
    const text = buildInterchange([group()], { control: "000000101" });
    expect(walk(text.replace("IEA*1*000000101", "IEA*1*000000102")).errors).toEqual([expect.objectContaining({ code: "001", reject: true })]);
    expect(walk(text.replace("IEA*1*000000101", "IEA*2*000000101")).errors).toEqual([expect.objectContaining({ code: "021", reject: false })]);
  });

  it("reports every missing trailer of a truncated interchange", () => {
    const full = buildInterchange([group()]);
    const ic = walk(full.slice(0, full.indexOf("PO1*1*2") + 5));
    expect(ic.groups[0]!.sets[0]!.errors).toEqual([expect.objectContaining({ setCode: "2", reject: true })]);
    expect(ic.groups[0]!.errors).toEqual([expect.objectContaining({ code: "3", reject: true })]);
    expect(ic.errors).toEqual([expect.objectContaining({ code: "023", reject: true })]);
  });

  it("closes a set with no SE when the next ST arrives, and rejects a repeated ST02", () => {
    const text = buildInterchange([group("7", [po("0001"), po("0001")])]).replace("SE*4*0001~\nST", "ST");
    const sets = walk(text).groups[0]!.sets;
    expect(sets.map((s) => s.errors.map((e) => e.setCode))).toEqual([["2"], ["7"]]);
  });

  it("rejects a bad ST01, an unrecognized segment id and an ST outside any GS", () => {
    const badId = walk(buildInterchange([group()]).replace("ST*850", "ST*85X"));
    expect(badId.groups[0]!.sets[0]!.errors[0]).toMatchObject({ setCode: "6", reject: true });
    const badSeg = walk(buildInterchange([group()]).replace("PO1*1", "po1*1"));
    expect(badSeg.groups[0]!.sets[0]!.errors[0]).toMatchObject({ setCode: "5", segment: { id: "po1", position: 3, code: "1" } });
    const noGs = walk(buildInterchange([group()]).replace(/GS\*[^~]*~\n/, "").replace(/GE\*[^~]*~\n/, ""));
    expect(noGs.errors).toEqual([expect.objectContaining({ code: "024", reject: true })]);
  });

  it("rejects content after IEA (one interchange per request)", () => {
    const one = buildInterchange([group()]);
    expect(walk(one + one).errors).toEqual([expect.objectContaining({ code: "022", reject: true })]);
  });

  it("puts bare ST..SE sets into an implicit group named from the set id", () => {
    const bare = "ST*945*0001~W06*F*ORD1~W12*CC*1*1*0*EA**VP*A~SE*4*0001~ST*945*0002~W06*F*ORD2~W12*CC*1*1*0*EA**VP*A~SE*4*0002~";
    const ic = walk(bare);
    expect(ic.enveloped).toBe(false);
    expect(ic.errors).toEqual([]);
    expect(ic.groups).toHaveLength(1);
    expect(ic.groups[0]).toMatchObject({ functionalId: "SW", control: "0", enveloped: false, errors: [] });
    expect(ic.groups[0]!.sets.map((s) => s.control)).toEqual(["0001", "0002"]);
  });
});
