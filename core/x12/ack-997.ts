/**
 * Writes the acknowledgment interchange: ISA (sender and receiver swapped, same delimiters and
 * version as received), an optional TA1 for interchange-level findings, then one GS*FA group per
 * received functional group holding its 997 (AK1, AK2/AK3/AK4/AK5 per set, AK9), GE, IEA.
 */
import type { Party, Separators, SetError } from "./types";

export type SetStatus = "A" | "E" | "R";
export type GroupStatus = "A" | "E" | "P" | "R";

export interface AckSet {
  id: string;
  control: string;
  status: SetStatus;
  errors: readonly SetError[];
}

export interface AckGroup {
  functionalId: string;
  control: string;
  version: string;
  /** GS02 / GS03 of the received group (ours is their receiver). */
  senderCode: string;
  receiverCode: string;
  status: GroupStatus;
  /** AK902: GE01 as received (or the count when GE01 was unreadable). */
  included: number;
  accepted: number;
  codes: readonly string[];
  sets: readonly AckSet[];
}

export interface AckInput {
  separators: Separators;
  ours: Party;
  theirs: Party;
  /** ISA11 / ISA12 / ISA15 as received. */
  isa11: string;
  version: string;
  usage: string;
  control: number;
  now: Date;
  ta1?: { control: string; date: string; time: string; status: SetStatus; note: string };
  groups: readonly AckGroup[];
}

type Element = string | number | undefined | Array<string | number>;

const pad = (s: string, n: number) => s.slice(0, n).padEnd(n, " ");
const two = (n: number) => String(n).padStart(2, "0");

/** Returns the full acknowledgment interchange text. */
export function buildAck(input: AckInput): string {
  const sep = ackSeparators(input.separators);
  const esc = (c: string) => c.replace(/[\\\]^-]/g, "\\$&");
  const unsafe = new RegExp(`[${[sep.element, sep.segment, sep.component, "\r", "\n"].map(esc).join("")}]`, "g");
  const clean = (s: string) => s.replace(unsafe, "");
  const out: string[] = [];
  /** Writes one segment; an array element is a composite, joined with the component separator. */
  const seg = (...el: Element[]) => {
    const values = el.map((e) => (Array.isArray(e) ? e.map((c) => clean(String(c))).join(sep.component) : clean(e === undefined ? "" : String(e))));
    while (values.length > 1 && values[values.length - 1] === "") values.pop();
    out.push(values.join(sep.element));
  };

  const d = input.now;
  const yymmdd = `${two(d.getUTCFullYear() % 100)}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
  const hhmm = `${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
  const version = /^\d{5}$/.test(input.version) ? input.version : "00401";
  const isa11 = input.isa11.length === 1 && ![sep.element, sep.segment, sep.component].includes(input.isa11) ? input.isa11 : version >= "00402" ? "^" : "U";
  const control = String(input.control).padStart(9, "0");

  // ISA is fixed-width: joined by hand so that its padding survives seg()'s trimming.
  out.push(
    [
      "ISA", "00", pad("", 10), "00", pad("", 10),
      pad(clean(input.ours.qualifier) || "ZZ", 2), pad(clean(input.ours.id), 15),
      pad(clean(input.theirs.qualifier) || "ZZ", 2), pad(clean(input.theirs.id), 15),
      yymmdd, hhmm, isa11, version, control, "0", input.usage === "T" ? "T" : "P", sep.component,
    ].join(sep.element),
  );
  if (input.ta1) {
    const t = input.ta1;
    seg("TA1", t.control.replace(/\D/g, "").slice(-9).padStart(9, "0"), /^\d{6}$/.test(t.date) ? t.date : yymmdd, /^\d{4}$/.test(t.time) ? t.time : hhmm, t.status, t.note);
  }

  input.groups.forEach((g, gi) => {
    const groupControl = String(((input.control - 1 + gi) % 999_999_999) + 1);
    seg("GS", "FA", g.receiverCode || input.ours.id, g.senderCode || input.theirs.id, `${d.getUTCFullYear()}${yymmdd.slice(2)}`, hhmm, groupControl, "X", g.version || versionOfGroup(version));
    const start = out.length;
    const st = "0001";
    seg("ST", "997", st);
    seg("AK1", g.functionalId, g.control, g.version >= "005010" ? g.version : undefined);
    for (const s of g.sets) {
      // A set with neither a readable ST01 nor ST02 cannot be named: AK9's counts carry it.
      if (!clean(s.id) && !clean(s.control)) continue;
      seg("AK2", s.id, s.control);
      writeSegmentNotes(s.errors, seg);
      const codes = [...new Set(s.errors.filter((e) => s.status === "R" ? e.reject : true).map((e) => e.setCode))].slice(0, 5);
      seg("AK5", s.status, ...codes);
    }
    seg("AK9", g.status, g.included, g.sets.length, g.accepted, ...g.codes.slice(0, 5));
    seg("SE", out.length - start + 1, st);
    seg("GE", 1, groupControl);
  });
  seg("IEA", input.groups.length, control);
  return out.map((s) => s + sep.segment + sep.lineBreak).join("");
}

/** AK3 per segment in error (first finding's code, or 8 when it carries element notes), AK4 per element. */
function writeSegmentNotes(errors: readonly SetError[], seg: (...el: Element[]) => void): void {
  const bySegment = new Map<string, SetError[]>();
  for (const e of errors) {
    if (!e.segment) continue;
    const key = `${e.segment.id}@${e.segment.position}`;
    bySegment.set(key, [...(bySegment.get(key) ?? []), e]);
  }
  for (const list of bySegment.values()) {
    const s = list[0]!.segment!;
    const code = list.some((e) => e.element) ? "8" : s.code;
    seg("AK3", s.id, s.position, s.loop, code);
    for (const e of list) {
      if (!e.element) continue;
      const pos = e.element.component ? [e.element.position, e.element.component] : e.element.position;
      seg("AK4", pos, e.element.ref, e.element.code, e.element.data);
    }
  }
}

/**
 * The received delimiters, except an ISA16 we cannot write back: empty, equal to another
 * delimiter, or a letter, digit or space (mirroring ISA16 "A" would strip every "A" from the
 * 997's own data, "IEA" included).
 */
function ackSeparators(s: Separators): Separators {
  const usable = s.component.length === 1 && !/[A-Za-z0-9\s]/.test(s.component) && s.component !== s.element && s.component !== s.segment;
  const component = usable ? s.component : s.element === ">" || s.segment === ">" ? (s.element === ":" || s.segment === ":" ? "^" : ":") : ">";
  return { ...s, component };
}

function versionOfGroup(isaVersion: string): string {
  return isaVersion >= "00501" ? "005010" : "004010";
}
