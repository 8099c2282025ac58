/**
 * Splits raw X12 text into segments. Delimiters come from the ISA: the element separator is the
 * character after "ISA", ISA16 is the component separator and the character after it ends each
 * segment. The ISA is read by counting element separators rather than by fixed offsets (103/104/105),
 * so partners that trim ISA padding (the Adobe 810 fixture) are still read; on a well-formed
 * 106-character ISA both give the same answer.
 */
import type { Segment, Separators } from "./types";

export type Tokenized =
  | { ok: true; headerless: boolean; separators: Separators; segments: Segment[] }
  | {
      ok: false;
      /** TA1 note code: 004 bad terminator, 022 no control structure, 023 premature end. */
      code: "004" | "022" | "023";
      message: string;
      /** ISA elements that could be read, for addressing the rejection. */
      isa?: string[];
    };

const LINE_BREAK = /\r\n|\r|\n/;
const isBreak = (c: string | undefined) => c === "\n" || c === "\r";

/**
 * Tokenizes an interchange (or a bare GS/ST stream). Never throws.
 * @example tokenize("ISA*00*...*>~GS*PO*...~ST*850*0001~...").segments[0].id === "ISA"
 */
export function tokenize(input: string): Tokenized {
  const text = input.replace(/^\uFEFF/, "");
  const start = text.search(/\S/);
  if (start < 0) return { ok: false, code: "022", message: "empty body" };
  if (text.startsWith("ISA", start)) return tokenizeIsa(text.slice(start));
  if (/^(GS|ST)[^A-Za-z0-9\s]/.test(text.slice(start, start + 3))) return tokenizeHeaderless(text.slice(start));
  return { ok: false, code: "022", message: "no ISA, GS or ST segment at the start of the body" };
}

function tokenizeIsa(text: string): Tokenized {
  const d = isaDelimiters(text);
  if (!d.ok) return d;
  const { element, component, segment, last } = d;
  const isa = text.slice(0, last + 1).split(element);
  const version = (isa[12] ?? "").trim();
  const isa11 = isa[11] ?? "";
  const repetition = version >= "00402" && isa11.length === 1 && !/[A-Za-z0-9 ]/.test(isa11) ? isa11 : undefined;
  const separators: Separators = { element, component, segment, lineBreak: lineBreakAfter(text, segment), ...(repetition ? { repetition } : {}) };
  return { ok: true, headerless: false, separators, segments: splitSegments(text, separators) };
}

export type IsaDelimiters =
  | { ok: true; element: string; component: string; segment: string; /** Index of the ISA's 16th element separator. */ last: number }
  | Extract<Tokenized, { ok: false }>;

/**
 * The delimiters of the ISA that `text` starts with: element separator, ISA16 and the segment
 * terminator ("\n" for line-break terminators). Reads only as far as the ISA and the start of the
 * next segment, so a caller may pass a window of a longer transmission.
 */
export function isaDelimiters(text: string): IsaDelimiters {
  const element = text[3] ?? "";
  if (!element || /[A-Za-z0-9\s]/.test(element)) {
    return { ok: false, code: "022", message: "the ISA element separator is missing or alphanumeric" };
  }
  let seen = 1;
  let last = 3;
  for (let i = 4; i < text.length && seen < 16; i++) {
    if (text[i] === element) {
      seen++;
      last = i;
    }
  }
  const partial = () => text.slice(0, Math.min(text.length, 120)).split(LINE_BREAK)[0]!.split(element);
  if (seen < 16) return { ok: false, code: "023", message: "the ISA segment is cut short", isa: partial() };

  const c1 = text[last + 1];
  const c2 = text[last + 2];
  let component: string;
  let segment: string;
  if (c1 !== undefined && !isBreak(c1) && isBreak(c2) && endsSegmentsLater(text, last + 2, c1, element)) {
    // "*P*~\nGS": an empty ISA16 with "~" ending segments, not ISA16 "~" with line-break terminators.
    component = "";
    segment = c1;
  } else if (c1 !== undefined && c2 !== undefined && !isBreak(c1) && nextLooksLikeSegment(text, last + 3, element)) {
    component = c1;
    segment = c2;
  } else if (c1 !== undefined && nextLooksLikeSegment(text, last + 2, element)) {
    // An empty ISA16: the character after the last separator is already the terminator.
    component = "";
    segment = c1;
  } else if (c1 !== undefined && c2 !== undefined) {
    component = c1;
    segment = c2;
  } else {
    return { ok: false, code: "023", message: "the body ends inside the ISA segment", isa: partial() };
  }
  if (/[A-Za-z0-9 ]/.test(segment) || segment === element) {
    return { ok: false, code: "004", message: `segment terminator ${JSON.stringify(segment)} is not usable`, isa: partial() };
  }
  return { ok: true, element, component, segment: isBreak(segment) ? "\n" : segment, last };
}

function tokenizeHeaderless(text: string): Tokenized {
  const element = text[2]!;
  let segment = "";
  for (let i = 3; i < text.length; i++) {
    const c = text[i]!;
    if (c !== element && !/[A-Za-z0-9 .\-_/]/.test(c)) {
      segment = isBreak(c) ? "\n" : c;
      break;
    }
  }
  if (!segment) return { ok: false, code: "023", message: "no segment terminator after the first segment" };
  const separators: Separators = { element, component: "", segment, lineBreak: lineBreakAfter(text, segment) };
  return { ok: true, headerless: true, separators, segments: splitSegments(text, separators) };
}

function nextLooksLikeSegment(text: string, from: number, element: string): boolean {
  let j = from;
  while (j < text.length && /\s/.test(text[j]!)) j++;
  if (j >= text.length) return true;
  const m = /^(GS|ST|IEA|TA1)/.exec(text.slice(j, j + 3));
  return m !== null && text[j + m[1]!.length] === element;
}

/** Whether `c` is seen again right before a segment id, i.e. it is used as the terminator. */
function endsSegmentsLater(text: string, from: number, c: string, element: string): boolean {
  const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
  return new RegExp(`${esc(c)}\\s*[A-Z][A-Z0-9]{1,2}${esc(element)}`).test(text.slice(from));
}

function lineBreakAfter(text: string, segment: string): string {
  if (segment === "\n") return "";
  if (text.includes(`${segment}\r\n`)) return "\r\n";
  return text.includes(`${segment}\n`) ? "\n" : "";
}

/**
 * Splits on the terminator, tolerating CR/LF after it. When the terminator is not a line break,
 * a line break inside a segment is a wrapped line and is dropped: the 940 fixture wraps W01 before
 * its last product id pair, and its SE01 counts it as one segment.
 */
function splitSegments(text: string, sep: Separators): Segment[] {
  const pieces = sep.segment === "\n" ? text.split(LINE_BREAK) : text.split(sep.segment).map((p) => p.replace(/\r|\n/g, ""));
  const out: Segment[] = [];
  for (const piece of pieces) {
    const s = piece.trim();
    if (!s) continue;
    const el = s.split(sep.element);
    out.push({ id: el[0]!, el });
  }
  return out;
}
