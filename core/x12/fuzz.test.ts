/// <reference types="vite/client" />
/**
 * Fuzzing processInterchange and processTransmission with mutated partner files: broken
 * separators, wrong SE/GE/IEA counts, missing envelopes, truncation, binary garbage, huge
 * segments and repeated loops, and transmissions of several such interchanges. Whatever comes
 * in, the answer must come back quickly, never as an exception, and be an acknowledgment
 * interchange (checked by our reader and by node-x12's strict parser) that says why anything
 * was not accepted.
 */
import fc from "fast-check";
import { X12Parser } from "node-x12";
import { describe, expect, it } from "vitest";
import edi850 from "../../test/fixtures/x12/node-x12/850.edi?raw";
import edi850NoTerminator from "../../test/fixtures/x12/node-x12/850_2.edi?raw";
import edi855 from "../../test/fixtures/x12/node-x12/855.edi?raw";
import edi856 from "../../test/fixtures/x12/node-x12/856.edi?raw";
import edi810 from "../../test/fixtures/x12/x12-types/810_v4010_adobe.x12?raw";
import edi846 from "../../test/fixtures/x12/x12-types/846_v5010_minimal.x12?raw";
import edi850Napa from "../../test/fixtures/x12/x12-types/850_v5010_napa_1.x12?raw";
import edi940 from "../../test/fixtures/x12/x12-types/940_v4010_generalmills_new.x12?raw";
import edi945 from "../../test/fixtures/x12/x12-types/945_v4010_full.x12?raw";
import { processInterchange, processTransmission, type InterchangeResult, type ProcessOptions } from "./index";
import { write846 } from "./outbound/write-846";
import { readAck } from "./testing";

const opts: ProcessOptions = { channel: "fuzz", now: new Date("2024-03-01T10:00:00Z"), controlNumber: 77 };
const ours = write846(
  { reference: "SNAP", asOf: opts.now, items: Array.from({ length: 20 }, (_, i) => ({ item: { sku: `S-${i}` }, available: i })) },
  { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: "FUZZ" } },
  { last: null, now: opts.now },
);
const FIXTURES = [edi850, edi850NoTerminator, edi855, edi856, edi810, edi846, edi850Napa, edi940, edi945, ours.ok ? ours.text : ""];

type Mutation =
  | { kind: "separator"; from: string; to: string }
  | { kind: "isaSeparator"; at: 3 | 104 | 105; to: string }
  | { kind: "count"; segment: "SE" | "GE" | "IEA"; value: string }
  | { kind: "drop"; segment: "ISA" | "GS" | "ST" | "SE" | "GE" | "IEA" }
  | { kind: "cut"; at: number }
  | { kind: "garbage"; at: number; bytes: Uint8Array }
  | { kind: "text"; at: number; text: string };

const ODD = ["", "A", " ", "~", "*", ">", "|", "\n", "\u0000", "\u00ff", "ISA*"];
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("separator" as const), from: fc.constantFrom("*", "~", ">", "\n", "^", ":"), to: fc.constantFrom(...ODD) }),
  fc.record({ kind: fc.constant("isaSeparator" as const), at: fc.constantFrom(3 as const, 104 as const, 105 as const), to: fc.constantFrom(...ODD) }),
  fc.record({
    kind: fc.constant("count" as const),
    segment: fc.constantFrom("SE" as const, "GE" as const, "IEA" as const),
    value: fc.oneof(fc.integer({ min: -3, max: 1_000_000 }).map(String), fc.constantFrom("", "x", "1.5", "99999999999999999999")),
  }),
  fc.record({ kind: fc.constant("drop" as const), segment: fc.constantFrom("ISA" as const, "GS" as const, "ST" as const, "SE" as const, "GE" as const, "IEA" as const) }),
  fc.record({ kind: fc.constant("cut" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("garbage" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
  fc.record({ kind: fc.constant("text" as const), at: fc.nat(), text: fc.string({ unit: "binary", maxLength: 40 }) }),
);

const segmentRe = (id: string) => new RegExp(`(^|[~\\n])${id}[*][^~\\n]*`, "g");

function mutate(text: string, m: Mutation): string {
  const at = (n: number) => (text.length ? n % (text.length + 1) : 0);
  switch (m.kind) {
    case "separator":
      return text.split(m.from).join(m.to);
    case "isaSeparator":
      return text.length > m.at ? text.slice(0, m.at) + m.to + text.slice(m.at + 1) : text;
    case "count":
      return text.replace(new RegExp(`(^|[~\\n])(${m.segment})[*][^*~\\n]*`, "g"), `$1$2*${m.value}`);
    case "drop":
      return text.replace(segmentRe(m.segment), "$1");
    case "cut":
      return text.slice(0, at(m.at));
    case "garbage":
      return text.slice(0, at(m.at)) + String.fromCharCode(...m.bytes) + text.slice(at(m.at));
    case "text":
      return text.slice(0, at(m.at)) + m.text + text.slice(at(m.at));
  }
}

const mutated = fc.tuple(fc.constantFrom(...FIXTURES), fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([t, ms]) => ms.reduce(mutate, t));

/** The acknowledgment is a sound interchange and says why anything was not accepted. */
function expectExplained(r: InterchangeResult) {
  if (r.interchanges) {
    // Several interchanges merged by processInterchange: each part answers for itself.
    expect(r.ack997).toBe(r.interchanges.map((i) => i.ack997).join(""));
    expect(r.ok).toBe(r.interchanges.some((i) => i.ok));
    return r.interchanges.forEach(expectExplained);
  }
  const ack = readAck(r.ack997);
  expect(ack.ids[0]).toBe("ISA");
  expect(ack.ids.at(-1)).toBe("IEA");
  if (ack.find("GS").length) {
    // An independent strict reader agrees that the counts and control numbers of the answer are
    // right. node-x12 refuses a TA1 before the first GS (legal X12), so it reads the rest.
    const { segment, element } = ack.separators;
    const withoutTa1 = r.ack997.split(segment).filter((s) => !s.trim().startsWith(`TA1${element}`)).join(segment);
    expect(() => new X12Parser(true).parse(withoutTa1)).not.toThrow();
  } else {
    expect(ack.ids).toEqual(["ISA", "TA1", "IEA"]);
    expect(ack.find("IEA")[0]).toEqual(["IEA", "0", ack.find("ISA")[0]![13]]);
  }

  const ta1 = ack.find("TA1")[0];
  const ta1Says = !!ta1 && ta1[5] !== "000";
  if (!r.ok) {
    expect(ta1?.[4], "a rejected interchange gets TA1 R").toBe("R");
    expect(ta1Says, "the TA1 names a note code").toBe(true);
    expect(r.errors.some((e) => e.reject && e.message.length > 0), "the result says why").toBe(true);
  }
  // Per group (AK1) and set (AK2): the AK5 and AK9 that answer it.
  const answers: Array<{ group: string; set: string; control: string; ak5: string[]; ak9: string[] }> = [];
  let group = "";
  let open: (typeof answers)[number] | undefined;
  for (const s of ack.segments) {
    if (s[0] === "AK1") group = s[2] ?? "";
    if (s[0] === "AK2") answers.push((open = { group, set: s[1] ?? "", control: s[2] ?? "", ak5: [], ak9: [] }));
    if (s[0] === "AK5" && open) open.ak5 = s.slice(1);
    if (s[0] === "AK9") for (const a of answers.filter((x) => x.group === group && !x.ak9.length)) a.ak9 = s.slice(1);
  }
  // The 997 writer drops delimiter characters from what it echoes (a garbled ST01 such as ">").
  const { element, segment, component } = ack.separators;
  const echo = (v: string) => [...v].filter((c) => c !== element && c !== segment && c !== component && c !== "\r" && c !== "\n").join("");
  for (const t of r.transactions) {
    const mine = answers.filter((a) => a.group === echo(t.group) && a.set === echo(t.set) && a.control === echo(t.control));
    if (mine.length === 0) {
      // Only acknowledgments we received go unanswered (a 997 gets no 997), and sets with no
      // readable ST01 or ST02, which AK9 counts as received and not accepted.
      if (!echo(t.set) && !echo(t.control)) {
        expect(t.accepted).toBe(false);
        expect(answers.length === 0 || ack.find("AK9").some((a) => Number(a[3]) > Number(a[4]))).toBe(true);
      } else expect(t.set, `set ${t.set} ${t.control} of group ${t.group} has no AK2`).toBe("997");
      continue;
    }
    expect(mine.some((a) => a.ak5[0] === t.status), `AK5 of ${t.control} is ${t.status}`).toBe(true);
    if (t.status !== "A") {
      const why = mine.some((a) => a.ak5.length > 1 || a.ak9.length > 4) || ta1Says;
      expect(why, `the ack says why ${t.control} is ${t.status}`).toBe(true);
    }
  }
}

/** Runs `f`, failing if one input takes longer than `ms` (a hang or a quadratic blow-up). */
function timed<T>(ms: number, f: () => T): T {
  const t0 = performance.now();
  const out = f();
  expect(performance.now() - t0).toBeLessThan(ms);
  return out;
}

describe("fuzz: mutated partner files", () => {
  it("processInterchange never throws and always answers with an acknowledgment that says why", () => {
    fc.assert(
      fc.property(mutated, (text) => {
        expectExplained(timed(1000, () => processInterchange(text, opts)));
      }),
      { numRuns: 600 },
    );
  });

  it("processTransmission answers each mutated interchange of a transmission on its own", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(mutated, fc.constantFrom(...FIXTURES)), { minLength: 1, maxLength: 4 }), fc.constantFrom("", "\n", "\r\n  "), (parts, glue) => {
        const t = timed(2000, () => processTransmission(parts.join(glue), opts));
        expect(t.interchanges.length).toBeGreaterThanOrEqual(1);
        expect(t.ack997).toBe(t.interchanges.map((r) => r.ack997).join(""));
        t.interchanges.forEach(expectExplained);
        const controls = t.interchanges.map((r) => r.ackControlNumber);
        expect(new Set(controls).size).toBe(controls.length);
      }),
      { numRuns: 200 },
    );
  });

  it("binary garbage and arbitrary text get a TA1 rejection, never an exception", () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 2000 }).map((b) => String.fromCharCode(...b)), fc.string({ unit: "binary", maxLength: 2000 })), (text) => {
        const r = timed(1000, () => processInterchange(text, opts));
        expectExplained(r);
        expect(processTransmission(text, opts).interchanges.length).toBeGreaterThanOrEqual(1);
      }),
      { numRuns: 300 },
    );
  });

  it("huge segments and loops are read in bounded time", () => {
    const set = (body: string) => edi846.replace("CTT*1~", `${body}CTT*1~`);
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: 10_000, max: 200_000 }).map((n) => set(`REF*ZZ${"*X".repeat(n)}~`)),
          fc.integer({ min: 5_000, max: 40_000 }).map((n) => set("LIN*1*VN*ABC123~QTY*33*1*EA~".repeat(n))),
          fc.integer({ min: 50_000, max: 300_000 }).map((n) => `${edi850}${"~".repeat(n)}`),
          fc.integer({ min: 50_000, max: 300_000 }).map((n) => `${"\n".repeat(n)}${edi850}${" ".repeat(n)}ISA*`),
          fc.integer({ min: 200, max: 2_000 }).map((n) => edi856.repeat(n)),
          fc.integer({ min: 1_000, max: 20_000 }).map((n) => edi850.replace("IEA*1*000003438~", `${"GS*PO*A*B*20240101*1200*9*X*004010~GE*0*9~".repeat(n)}IEA*1*000003438~`)),
        ),
        (text) => {
          const t = timed(5000, () => processTransmission(text, opts));
          t.interchanges.slice(0, 3).forEach(expectExplained);
        },
      ),
      { numRuns: 12 },
    );
  });
});
