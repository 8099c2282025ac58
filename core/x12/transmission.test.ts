/// <reference types="vite/client" />
import { X12FatInterchange, X12Parser } from "node-x12";
import { describe, expect, it } from "vitest";
import edi850 from "../../test/fixtures/x12/node-x12/850.edi?raw";
import edi850NoTerminator from "../../test/fixtures/x12/node-x12/850_2.edi?raw";
import { processInterchange, processTransmission, type InterchangeResult, type ProcessOptions } from "./index";
import { buildInterchange, readAck } from "./testing";
import { splitInterchanges } from "./transmission";

const opts: ProcessOptions = { channel: "dealer-edi", now: new Date("2024-03-01T10:00:00Z"), controlNumber: 500 };
const po = (control: string, number: string) => ({ id: "850", control, body: [`BEG*00*SA*${number}**20240101`, "PO1*1*2*EA*1.50**VP*SKU-1", "CTT*1"] });
const ic = (control: string, number: string) => buildInterchange([{ functionalId: "PO", control: "7", sets: [po("0001", number)] }], { control });
const orderIds = (r: InterchangeResult) => r.transactions.flatMap((t) => t.events.map((e) => (e.kind === "order" ? e.order.externalId : e.kind)));

describe("splitInterchanges", () => {
  it("splits at each ISA that begins a segment, whatever each interchange's delimiters", () => {
    const a = ic("000000101", "PO-A");
    const parts = splitInterchanges(`\uFEFF${a}\r\n\n${edi850NoTerminator}${a}`);
    expect(parts).toHaveLength(3);
    expect(parts[0]!.trim()).toBe(`\uFEFF${a}`.trim());
    expect(parts[1]!.startsWith("ISA*01")).toBe(true);
    expect(parts[2]).toBe(a);
  });

  it("does not split on ISA inside an element, or on anything other than an ISA after IEA", () => {
    const tricky = ic("000000101", "ISA*X").replace("CTT*1", "N1*ST*ISA*92*ISA");
    expect(splitInterchanges(tricky)).toEqual([tricky]);
    expect(splitInterchanges(`${tricky}GS*PO*X*Y~`)).toHaveLength(1);
    expect(splitInterchanges("GS*PO*A*B*20240101*1200*1*X*004010~")).toHaveLength(1);
  });
});

describe("processTransmission: several interchanges in one body", () => {
  it("answers each interchange on its own, numbered from opts.controlNumber, in one transmission node-x12 reads", () => {
    const body = `${ic("000000101", "PO-A")}${ic("000000102", "PO-B")}${edi850}`;
    const t = processTransmission(body, opts);
    expect(t.interchanges.map((r) => [r.ok, r.controlNumber, r.ackControlNumber])).toEqual([
      [true, "000000101", "000000500"],
      [true, "000000102", "000000501"],
      [true, "000003438", "000000502"],
    ]);
    expect(t.interchanges.map(orderIds)).toEqual([["PO-A"], ["PO-B"], ["08292233294"]]);
    expect(t.ack997).toBe(t.interchanges.map((r) => r.ack997).join(""));
    // An independent reader sees three acknowledgment interchanges with their own control numbers.
    const fat = new X12Parser(true).parse(t.ack997);
    if (!(fat instanceof X12FatInterchange)) throw new Error("node-x12 read one interchange");
    // X12FatInterchange extends Array and its constructor does not survive Array#map (species): copy first.
    expect(Array.from(fat.interchanges, (i) => i.header.valueOf(13))).toEqual(["500", "501", "502"]);
  });

  it("a broken interchange is rejected alone; the ones around it are applied", () => {
    const broken = ic("000000102", "PO-B").replace("IEA*1*000000102", "IEA*1*000000999");
    const t = processTransmission(`${ic("000000101", "PO-A")}${broken}${ic("000000103", "PO-C")}`, opts);
    expect(t.interchanges.map((r) => r.ok)).toEqual([true, false, true]);
    expect(t.interchanges.map(orderIds)).toEqual([["PO-A"], [], ["PO-C"]]);
    expect(readAck(t.interchanges[1]!.ack997).find("TA1")).toEqual([["TA1", "000000102", "240101", "1200", "R", "001"]]);
    expect(readAck(t.interchanges[0]!.ack997).find("TA1")).toEqual([]);
  });

  it("a repeated interchange keeps its control number, so the caller can drop it as a duplicate", () => {
    const t = processTransmission(`${ic("000000101", "PO-A")}${ic("000000101", "PO-A")}`, { ...opts, controlNumber: undefined });
    const [one, two] = t.interchanges;
    expect([one!.sender, one!.controlNumber]).toEqual([two!.sender, two!.controlNumber]);
    expect(one!.ackControlNumber).not.toBe(two!.ackControlNumber);
  });

  it("an interchange cut short before the next ISA gets TA1 023; the next is read normally", () => {
    const cut = ic("000000101", "PO-A").split("\n").filter((l) => !l.startsWith("IEA") && !l.startsWith("GE")).join("\n");
    const t = processTransmission(`${cut}${ic("000000102", "PO-B")}`, opts);
    expect(t.interchanges.map((r) => [r.ok, r.errors.map((e) => e.code)])).toEqual([[false, ["023"]], [true, []]]);
    expect(orderIds(t.interchanges[1]!)).toEqual(["PO-B"]);
  });
});

describe("processInterchange given several interchanges", () => {
  it("no longer rejects the file (TA1 022): it merges the per-interchange answers", () => {
    const r = processInterchange(`${ic("000000101", "PO-A")}${ic("000000102", "PO-B")}`, opts);
    expect(r.ok).toBe(true);
    expect(r.errors).toEqual([]);
    expect(r.controlNumber).toBe("000000101+000000102");
    expect(r.ackControlNumber).toBe("000000500+000000501");
    expect(r.transactions.map((t) => [t.interchange, t.control, t.accepted])).toEqual([["000000101", "0001", true], ["000000102", "0001", true]]);
    expect(orderIds(r)).toEqual(["PO-A", "PO-B"]);
    expect(r.interchanges).toHaveLength(2);
    expect(r.ack997).toBe(r.interchanges!.map((i) => i.ack997).join(""));
  });

  it("is ok while any interchange is accepted, and not ok only when all are rejected", () => {
    const bad = (c: string) => ic(c, "PO-X").replace(`IEA*1*${c}`, "IEA*1*000000999");
    expect(processInterchange(`${bad("000000101")}${ic("000000102", "PO-B")}`, opts)).toMatchObject({ ok: true });
    expect(processInterchange(`${bad("000000101")}${bad("000000102")}`, opts)).toMatchObject({ ok: false });
  });

  it("a single interchange is answered exactly as before, and junk after its IEA is still TA1 022", () => {
    const one = ic("000000101", "PO-A");
    const r = processInterchange(one, opts);
    expect(r.interchanges).toBeUndefined();
    expect(r.transactions[0]!.interchange).toBeUndefined();
    const junk = processInterchange(`${one}GS*PO*X*Y*20240101*1200*9*X*004010~`, opts);
    expect(junk).toMatchObject({ ok: false, errors: [expect.objectContaining({ code: "022" })] });
  });
});
