/**
 * Test helpers: read a generated interchange back twice, with our own tokenizer and envelope
 * walker (strict, so any SE01/GE01/IEA01 miscount is an error) and with node-x12's strict parser
 * (an independent reader that throws on wrong counts or control numbers). Not used at runtime.
 */
import { X12Parser, X12QueryEngine, type X12Interchange, type X12Segment } from "node-x12";
import { walkEnvelopes } from "../envelope";
import { tokenize } from "../tokenize";
import type { OutboundResult } from "./types";

/** The text of a successful result; fails the test with the errors otherwise. */
export function textOf(r: OutboundResult): string {
  if (!r.ok) throw new Error(`writer refused: ${JSON.stringify(r.errors)}`);
  return r.text;
}

/** Our own reading: the envelope tree and every finding at any level (expected empty). */
export function ownRead(text: string) {
  const tok = tokenize(text);
  if (!tok.ok) throw new Error(`our tokenizer refused it: ${tok.message}`);
  const ic = walkEnvelopes(tok.segments, { strict: true });
  const findings = [
    ...ic.errors.map((e) => `ISA: ${e.message}`),
    ...ic.groups.flatMap((g) => [...g.errors.map((e) => `GS ${g.control}: ${e.message}`), ...g.sets.flatMap((s) => s.errors.map((e) => `ST ${s.control}: ${e.message}`))]),
  ];
  const sets = ic.groups.flatMap((g) => g.sets);
  return { separators: tok.separators, interchange: ic, findings, sets, segments: tok.segments };
}

/** node-x12's strict reading of one interchange. */
export function x12Read(text: string): X12Interchange {
  const parsed = new X12Parser(true).parse(text);
  if (!("functionalGroups" in parsed)) throw new Error("node-x12 read more than one interchange");
  return parsed;
}

/** Elements of a node-x12 segment as strings, `[tag, el1, el2, …]`. */
export const els = (s: X12Segment): string[] => [s.tag, ...s.elements.map((e) => e.value)];

/** The segments of the first transaction set, as element arrays (ST and SE excluded). */
export function x12Segments(ic: X12Interchange, set = 0): string[][] {
  const txn = ic.functionalGroups.flatMap((g) => g.transactions)[set];
  if (!txn) throw new Error(`no transaction set ${set}`);
  return txn.segments.map(els);
}

/** node-x12's query engine over an interchange it parsed (e.g. `HL+S+O+P+I-LIN-SN102`). */
export function x12Query(ic: X12Interchange, query: string): string[] {
  return new X12QueryEngine(false).query(ic, query).map((r) => r.value);
}
