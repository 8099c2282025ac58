/**
 * A transmission may carry several interchanges back to back (ISA..IEA ISA..IEA): legal X12, and
 * partners batch that way. This splits one at each ISA that begins a segment, so each
 * interchange is read and acknowledged on its own with its own control number.
 *
 * Only an ISA starts a new piece: anything else after an IEA stays with the interchange before
 * it (the envelope walker then rejects that one with TA1 022, as before). An interchange cut
 * short before the next ISA is its own piece (TA1 023). A body that does not start with an ISA
 * (a bare GS/ST stream, or garbage) is one piece.
 */
import { isaDelimiters } from "./tokenize";

/** Room enough for the ISA and the start of the segment after it, where the delimiters are read. */
const ISA_WINDOW = 4096;

/**
 * The interchanges of a transmission, as text, in order (never empty for a non-empty body).
 * @example splitInterchanges(a + "\n" + b) // → [a + "\n", b]
 */
export function splitInterchanges(text: string): string[] {
  const body = typeof text === "string" ? text : "";
  const first = body.search(/[^\s\uFEFF]/);
  if (first < 0 || !body.startsWith("ISA", first)) return [body];
  const pieces: string[] = [];
  let start = 0;
  let at = first;
  for (;;) {
    const d = isaDelimiters(body.slice(at, at + ISA_WINDOW));
    if (!d.ok) break;
    const next = nextIsa(body, at + d.last + 1, d.segment);
    if (next < 0) break;
    pieces.push(body.slice(start, next));
    start = at = next;
  }
  pieces.push(body.slice(start));
  return pieces;
}

/**
 * Index of the next "ISA" that begins a segment: right after the terminator (a line break when
 * segments end with line breaks), white space allowed between, and followed by a delimiter.
 * Scans forward with indexOf and back only over the white space before each candidate, so a
 * body of any shape costs linear time.
 */
function nextIsa(body: string, from: number, terminator: string): number {
  for (let i = body.indexOf("ISA", from); i >= 0; i = body.indexOf("ISA", i + 3)) {
    const after = body[i + 3];
    if (after === undefined || /[A-Za-z0-9\s]/.test(after)) continue;
    let j = i - 1;
    let sawBreak = false;
    while (j >= from && /\s/.test(body[j]!)) {
      if (body[j] === "\n" || body[j] === "\r") sawBreak = true;
      j--;
    }
    if (terminator === "\n" ? sawBreak : j >= from && body[j] === terminator) return i;
  }
  return -1;
}
