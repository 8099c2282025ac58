/** Test helpers: build small well-formed interchanges and read a 997 back. Not used at runtime. */
import { tokenize } from "./tokenize";

export interface TestSet {
  id: string;
  control: string;
  /** Segments between ST and SE, written with "*" and without terminators. */
  body: string[];
}

export interface TestGroup {
  functionalId: string;
  control: string;
  version?: string;
  sets: TestSet[];
}

/**
 * A well-formed interchange with "*", ">" and "~\n"; SE01, GE01 and IEA01 are counted, so a test
 * corrupts exactly the thing it is about.
 */
export function buildInterchange(groups: TestGroup[], opts: { sender?: string; receiver?: string; control?: string; date?: string; time?: string } = {}): string {
  const pad = (s: string, n: number) => s.padEnd(n, " ");
  const control = opts.control ?? "000000101";
  const date = opts.date ?? "240101";
  const time = opts.time ?? "1200";
  const out = [
    `ISA*00*${pad("", 10)}*00*${pad("", 10)}*ZZ*${pad(opts.sender ?? "PARTNER", 15)}*ZZ*${pad(opts.receiver ?? "SWITCHYARD", 15)}*${date}*${time}*U*00401*${control}*0*P*>`,
  ];
  for (const g of groups) {
    out.push(`GS*${g.functionalId}*${opts.sender ?? "PARTNER"}*${opts.receiver ?? "SWITCHYARD"}*20${date}*${time}*${g.control}*X*${g.version ?? "004010"}`);
    for (const s of g.sets) {
      out.push(`ST*${s.id}*${s.control}`, ...s.body, `SE*${s.body.length + 2}*${s.control}`);
    }
    out.push(`GE*${g.sets.length}*${g.control}`);
  }
  out.push(`IEA*${groups.length}*${control}`);
  return out.map((s) => `${s}~\n`).join("");
}

/** Segments of an acknowledgment as element arrays, e.g. `find("AK5")[0]` → ["AK5", "A"]. */
export function readAck(ack: string) {
  const tok = tokenize(ack);
  if (!tok.ok) throw new Error(`ack does not tokenize: ${tok.message}`);
  const segments = tok.segments.map((s) => [...s.el]);
  return {
    separators: tok.separators,
    segments,
    ids: segments.map((s) => s[0]),
    find: (id: string) => segments.filter((s) => s[0] === id),
  };
}
