import { describe, expect, it } from "vitest";
import { buildAck, type AckGroup, type AckInput } from "./ack-997";
import { readAck } from "./testing";

const group = (over: Partial<AckGroup> = {}): AckGroup => ({
  functionalId: "PO",
  control: "7",
  version: "004010",
  senderCode: "THEM",
  receiverCode: "US",
  status: "A",
  included: 1,
  accepted: 1,
  codes: [],
  sets: [{ id: "850", control: "0001", status: "A", errors: [] }],
  ...over,
});

const input = (over: Partial<AckInput> = {}): AckInput => ({
  separators: { element: "*", component: ">", segment: "~", lineBreak: "\n" },
  ours: { qualifier: "ZZ", id: "US" },
  theirs: { qualifier: "01", id: "THEM" },
  isa11: "U",
  version: "00401",
  usage: "T",
  control: 12,
  now: new Date("2024-12-31T23:59:59Z"),
  groups: [group()],
  ...over,
});

describe("buildAck", () => {
  it("writes ISA, GS*FA, ST*997, AK1/AK2/AK5/AK9, SE with its count, GE, IEA", () => {
    expect(buildAck(input())).toBe(
      [
        "ISA*00*          *00*          *ZZ*US             *01*THEM           *241231*2359*U*00401*000000012*0*T*>",
        "GS*FA*US*THEM*20241231*2359*12*X*004010",
        "ST*997*0001",
        "AK1*PO*7",
        "AK2*850*0001",
        "AK5*A",
        "AK9*A*1*1*1",
        "SE*6*0001",
        "GE*1*12",
        "IEA*1*000000012",
      ].map((s) => `${s}~\n`).join(""),
    );
  });

  it("groups findings into one AK3 per segment with its AK4s, and lists AK5 codes once", () => {
    const errors = [
      { setCode: "5", reject: true, message: "", segment: { id: "PO1", position: 7, loop: "PO1", code: "8" }, element: { position: 2, ref: "330", code: "6", data: "X" } },
      { setCode: "5", reject: true, message: "", segment: { id: "PO1", position: 7, loop: "PO1", code: "8" }, element: { position: 4, ref: "212", code: "6", data: "1,5" } },
      { setCode: "5", reject: true, message: "", segment: { id: "BEG", position: 2, code: "3" } },
      { setCode: "4", reject: false, message: "" },
    ];
    const ack = readAck(buildAck(input({ groups: [group({ status: "R", accepted: 0, sets: [{ id: "850", control: "0001", status: "R", errors }] })] })));
    expect(ack.segments.slice(4, 9)).toEqual([
      ["AK2", "850", "0001"],
      ["AK3", "PO1", "7", "PO1", "8"],
      ["AK4", "2", "330", "6", "X"],
      ["AK4", "4", "212", "6", "1,5"],
      ["AK3", "BEG", "2", "", "3"],
    ]);
    // A rejected set lists the codes that rejected it, not the ones merely noted.
    expect(ack.find("AK5")).toEqual([["AK5", "R", "5"]]);
    expect(ack.find("SE")[0]![1]).toBe(String(ack.ids.indexOf("SE") - ack.ids.indexOf("ST") + 1));
  });

  it("writes a component position with the component separator and keeps separators out of copied data", () => {
    const errors = [{ setCode: "5", reject: true, message: "", segment: { id: "QTY", position: 4, code: "8" }, element: { position: 3, component: 1, ref: "355", code: "7", data: "E>A" } }];
    const text = buildAck(input({ groups: [group({ status: "R", accepted: 0, sets: [{ id: "846", control: "1", status: "R", errors }] })] }));
    expect(text).toContain("AK4*3>1*355*7*EA~");
  });

  it("adds AK103 for 5010 groups, mirrors a 5010 repetition separator and picks a component separator when none was sent", () => {
    const text = buildAck(input({ version: "00501", isa11: "^", separators: { element: "*", component: "", segment: "~", lineBreak: "" }, groups: [group({ version: "005010" })] }));
    const ack = readAck(text);
    expect(ack.find("ISA")[0]!.slice(11)).toEqual(["^", "00501", "000000012", "0", "T", ">"]);
    expect(ack.find("AK1")[0]).toEqual(["AK1", "PO", "7", "005010"]);
    expect(text).not.toContain("\n");
  });

  it("writes a TA1 after the ISA, padding the control number to nine digits", () => {
    const ack = readAck(buildAck(input({ ta1: { control: "3438", date: "101127", time: "1719", status: "R", note: "023" }, groups: [] })));
    expect(ack.ids).toEqual(["ISA", "TA1", "IEA"]);
    expect(ack.find("TA1")[0]).toEqual(["TA1", "000003438", "101127", "1719", "R", "023"]);
    expect(ack.find("IEA")[0]).toEqual(["IEA", "0", "000000012"]);
  });
  it("does not mirror a letter, digit or space as ISA16: that character would vanish from the 997's own data", () => {
    for (const component of ["A", "1", " ", ""]) {
      const ack = readAck(buildAck(input({ separators: { element: "*", component, segment: "~", lineBreak: "\n" } })));
      expect(ack.separators.component).toBe(">");
      expect(ack.ids.at(-1)).toBe("IEA");
      expect(ack.find("AK1")).toEqual([["AK1", "PO", "7"]]);
    }
  });

  it("writes no AK2 for a set with neither a readable ST01 nor ST02; AK9 still counts it", () => {
    const ack = readAck(buildAck(input({ groups: [group({ status: "R", accepted: 0, sets: [{ id: ">", control: "", status: "R", errors: [] }] })] })));
    expect(ack.find("AK2")).toEqual([]);
    expect(ack.find("AK5")).toEqual([]);
    expect(ack.find("AK9")).toEqual([["AK9", "R", "1", "1", "0"]]);
  });
});
