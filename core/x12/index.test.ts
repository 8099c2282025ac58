/// <reference types="vite/client" />
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import edi850 from "../../test/fixtures/x12/node-x12/850.edi?raw";
import { processInterchange, type ProcessOptions } from "./index";
import { buildInterchange, readAck, type TestGroup } from "./testing";

const opts: ProcessOptions = { channel: "dealer-edi", now: new Date("2024-03-01T10:00:00Z"), controlNumber: 321 };
const po = (control: string, number = `PO-${control}`) => ({ id: "850", control, body: [`BEG*00*SA*${number}**20240101`, "PO1*1*2*EA*1.50**VP*SKU-1", "CTT*1"] });
const group = (control = "7", sets = [po("0001")]): TestGroup => ({ functionalId: "PO", control, sets });
const clean = buildInterchange([group()], { control: "000000101" });

describe("processInterchange: rejections still answer with a 997", () => {
  it("corrupted SE01: noted with AK5 E 4 by default, rejected with AK5 R 4 when strict", () => {
    const text = clean.replace("SE*5*0001", "SE*6*0001");
    const lenient = processInterchange(text, opts);
    expect(lenient.transactions[0]).toMatchObject({ accepted: true, status: "E" });
    expect(readAck(lenient.ack997).find("AK5")).toEqual([["AK5", "E", "4"]]);
    const strict = processInterchange(text, { ...opts, strict: true });
    expect(strict.transactions[0]).toMatchObject({ accepted: false, status: "R", events: [] });
    expect(readAck(strict.ack997).find("AK5")).toEqual([["AK5", "R", "4"]]);
    expect(readAck(strict.ack997).find("AK9")).toEqual([["AK9", "R", "1", "1", "0"]]);
  });

  it("ST02/SE02 mismatch rejects the set (AK5 R 3)", () => {
    const r = processInterchange(clean.replace("SE*5*0001", "SE*5*0009"), opts);
    expect(r.transactions[0]).toMatchObject({ accepted: false, events: [] });
    expect(readAck(r.ack997).find("AK5")).toEqual([["AK5", "R", "3"]]);
  });

  it("GS06/GE02 mismatch rejects the group (AK9 R with code 4)", () => {
    const r = processInterchange(clean.replace("GE*1*7", "GE*1*8"), opts);
    expect(r.ok).toBe(true);
    expect(r.transactions[0]).toMatchObject({ accepted: false, status: "R", events: [] });
    expect(readAck(r.ack997).find("AK9")).toEqual([["AK9", "R", "1", "1", "0", "4"]]);
  });

  it("ISA13/IEA02 mismatch rejects the interchange: ok false, TA1 R 001, sets R", () => {
    const r = processInterchange(clean.replace("IEA*1*000000101", "IEA*1*000000999"), opts);
    expect(r.ok).toBe(false);
    expect(r.errors).toEqual([expect.objectContaining({ code: "001", reject: true })]);
    expect(r.transactions[0]).toMatchObject({ accepted: false, events: [] });
    const ack = readAck(r.ack997);
    expect(ack.find("TA1")).toEqual([["TA1", "000000101", "240101", "1200", "R", "001"]]);
    expect(ack.find("AK5")).toEqual([["AK5", "R"]]);
  });

  it("a truncated interchange gets TA1 R 023 and a 997 rejecting the cut set (AK5 R 2, AK9 R 3)", () => {
    const r = processInterchange(edi850.slice(0, edi850.indexOf("PO1*4")), opts);
    expect(r.ok).toBe(false);
    expect(r.controlNumber).toBe("000003438");
    const ack = readAck(r.ack997);
    expect(ack.find("TA1")[0]).toEqual(["TA1", "000003438", "101127", "1719", "R", "023"]);
    expect(ack.find("AK2")).toEqual([["AK2", "850", "000000010"]]);
    expect(ack.find("AK5")).toEqual([["AK5", "R", "2"]]);
    expect(ack.find("AK9")).toEqual([["AK9", "R", "1", "1", "0", "3"]]);
  });

  it("garbage and a cut ISA get an interchange holding only a TA1 rejection", () => {
    for (const [text, note] of [["this is not X12 at all", "022"], ["", "022"], [edi850.slice(0, 50), "023"]] as const) {
      const r = processInterchange(text, opts);
      expect(r.ok, text).toBe(false);
      expect(r.transactions).toEqual([]);
      const ack = readAck(r.ack997);
      expect(ack.ids).toEqual(["ISA", "TA1", "IEA"]);
      expect(ack.find("TA1")[0]![4]).toBe("R");
      expect(ack.find("TA1")[0]![5]).toBe(note);
      expect(ack.find("IEA")[0]).toEqual(["IEA", "0", "000000321"]);
    }
    const cut = readAck(processInterchange(edi850.slice(0, 60), opts).ack997).find("ISA")[0]!;
    expect([cut[7], cut[8]!.trim()]).toEqual(["12", "4405197800"]);
  });

  it("reads other delimiters (| elements, ^ components, newline terminators) and answers in them", () => {
    const other = edi850.replace(/\*/g, "|").replace("|>~", "|^~").replace(/~\n?/g, "\n");
    const r = processInterchange(other, opts);
    const base = processInterchange(edi850, opts);
    expect(r.transactions[0]!.events).toEqual(base.transactions[0]!.events);
    expect(r.ack997.split("\n")[0]).toMatch(/^ISA\|00\|.*\|\^$/);
    expect(r.ack997).toContain("\nAK5|A\n");
    expect(r.ack997).not.toContain("*");
    const bang = processInterchange(edi850.replace(/~\n/g, "!").replace(/~$/, "!"), opts);
    expect(bang.ack997).toContain("!AK5*A!");
  });

  it("reads an ISA of the wrong length (padding trimmed) and still acknowledges", () => {
    const short = clean.replace(/PARTNER {8}/, "PARTNER").replace(/SWITCHYARD {5}/, "SWITCHYARD");
    expect(short.split("~")[0]!.length).toBeLessThan(106);
    const r = processInterchange(short, opts);
    expect(r).toMatchObject({ ok: true, sender: { id: "PARTNER" }, receiver: { id: "SWITCHYARD" } });
    expect(readAck(r.ack997).find("AK5")).toEqual([["AK5", "A"]]);
  });
});

describe("processInterchange: envelopes and the 997", () => {
  it("acknowledges several groups and sets, with P when some sets are rejected", () => {
    const text = buildInterchange([group("7", [po("0001"), { id: "850", control: "0002", body: ["PO1*1*2*EA"] }]), group("8", [po("0003")])]);
    const r = processInterchange(text, opts);
    expect(r.transactions.map((t) => [t.group, t.control, t.status])).toEqual([["7", "0001", "A"], ["7", "0002", "R"], ["8", "0003", "A"]]);
    const ack = readAck(r.ack997);
    expect(ack.find("GS").map((g) => g[6])).toEqual(["321", "322"]);
    expect(ack.find("AK1").map((a) => a.slice(1))).toEqual([["PO", "7"], ["PO", "8"]]);
    expect(ack.find("AK9").map((a) => a.slice(1))).toEqual([["P", "2", "2", "1"], ["A", "1", "1", "1"]]);
    expect(ack.find("IEA")[0]).toEqual(["IEA", "2", "000000321"]);
  });

  it("writes a fixed-width ISA with sender and receiver swapped, or our own id", () => {
    const r = processInterchange(clean, { ...opts, ourId: "SWYD" });
    const isaLine = r.ack997.split("~")[0]!;
    expect(r.ack997[105]).toBe("~");
    expect(isaLine).toBe("ISA*00*          *00*          *ZZ*SWYD           *ZZ*PARTNER        *240301*1000*U*00401*000000321*0*P*>");
    expect(r.ackControlNumber).toBe("000000321");
  });

  it("derives a stable control number when none is given", () => {
    const a = processInterchange(clean, { channel: "c", now: opts.now });
    const b = processInterchange(clean, { channel: "c", now: opts.now });
    expect(a.ackControlNumber).toBe(b.ackControlNumber);
    expect(Number(a.ackControlNumber)).toBeGreaterThan(0);
    expect(a.ackControlNumber).toMatch(/^\d{9}$/);
    expect(processInterchange(clean, { channel: "c", now: new Date(opts.now.getTime() + 1000) }).ackControlNumber).not.toBe(a.ackControlNumber);
  });

  it("reads a bare ST..SE stream and answers with a full interchange", () => {
    const bare = "ST*850*0001~BEG*00*SA*PO-9**20240101~PO1*1*2*EA*1**VP*A~SE*4*0001~";
    const r = processInterchange(bare, opts);
    expect(r).toMatchObject({ ok: true, controlNumber: "", sender: { id: "" } });
    expect(r.transactions[0]!.events[0]).toMatchObject({ kind: "order", order: { externalId: "PO-9", customer: { id: "dealer-edi" }, version: Date.UTC(2024, 0, 1) } });
    const ack = readAck(r.ack997);
    expect(ack.ids).toEqual(["ISA", "GS", "ST", "AK1", "AK2", "AK5", "AK9", "SE", "GE", "IEA"]);
    expect(ack.find("AK1")[0]).toEqual(["AK1", "PO", "0"]);
    expect(ack.find("ISA")[0]![8]!.trim()).toBe("dealer-edi");
  });

  it("does not acknowledge a 997 it receives (no 997 for an FA group)", () => {
    const fa = buildInterchange([{ functionalId: "FA", control: "3", sets: [{ id: "997", control: "0001", body: ["AK1*PO*7", "AK9*A*1*1*1"] }] }]);
    const r = processInterchange(fa, opts);
    expect(r.transactions[0]).toMatchObject({ set: "997", accepted: true, events: [{ kind: "ignored" }] });
    expect(readAck(r.ack997).ids).toEqual(["ISA", "TA1", "IEA"]);
    expect(readAck(r.ack997).find("TA1")[0]![4]).toBe("A");
  });

  it("never throws, and always answers with an ISA..IEA interchange", () => {
    const mutate = fc.tuple(fc.nat(edi850.length), fc.nat(40), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.oneof(fc.string(), mutate.map(([at, cut, ins]) => edi850.slice(0, at) + ins + edi850.slice(at + cut))), (text) => {
        const r = processInterchange(text, opts);
        const ack = readAck(r.ack997);
        expect(ack.ids[0]).toBe("ISA");
        expect(ack.ids.at(-1)).toBe("IEA");
        expect(r.ack997[105]).toBe(ack.separators.segment);
      }),
      { numRuns: 300 },
    );
  });
});
