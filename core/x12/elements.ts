/**
 * Element-level helpers shared by the mappers: typed reads of X12 dates, times, quantities and
 * prices, product id pairs, N1 party loops, and the SetError shapes the 997 reports.
 * X12 dates and times carry no zone; they are read as UTC.
 */
import type { Address, ChannelEvent, InventoryEvent } from "../canonical";
import { ElementCode, SegmentCode, type MapContext, type Mapped, type Segment, type SetError } from "./types";

/** Element `n` of a segment, trimmed; "" when absent. */
export function elementText(seg: Segment | undefined, n: number): string {
  return (seg?.el[n] ?? "").trim();
}

/** Milliseconds since epoch of an X12 date (CCYYMMDD, or YYMMDD as in ISA09), or null. */
export function parseDate(s: string): number | null {
  let y: number, m: number, d: number;
  if (/^\d{8}$/.test(s)) [y, m, d] = [Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8))];
  else if (/^\d{6}$/.test(s)) {
    const yy = Number(s.slice(0, 2));
    [y, m, d] = [yy < 70 ? 2000 + yy : 1900 + yy, Number(s.slice(2, 4)), Number(s.slice(4, 6))];
  } else return null;
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? ms : null;
}

/** Milliseconds into the day of an X12 time (HHMM, HHMMSS, HHMMSSD, HHMMSSDD), or null. */
export function parseTime(s: string): number | null {
  const m = /^(\d{2})(\d{2})(\d{2})?(\d{1,2})?$/.exec(s);
  if (!m) return null;
  const [h, min, sec] = [Number(m[1]), Number(m[2]), Number(m[3] ?? "0")];
  if (h > 23 || min > 59 || sec > 59) return null;
  const frac = m[4] ? Number(m[4].padEnd(3, "0").slice(0, 3)) : 0;
  return ((h * 60 + min) * 60 + sec) * 1000 + frac;
}

/** Date plus optional time as ms since epoch; an unreadable time counts as midnight. */
export function dateTime(date: string, time = ""): number | null {
  const day = parseDate(date);
  if (day === null) return null;
  return day + (parseTime(time) ?? 0);
}

export const iso = (ms: number) => new Date(ms).toISOString();

/** An X12 numeric (R) value as an integer count; fractional or malformed values are refused. */
export function parseCount(s: string): { ok: true; value: number } | { ok: false; code: string } {
  if (!s) return { ok: false, code: ElementCode.mandatoryMissing };
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(s)) return { ok: false, code: ElementCode.invalidCharacter };
  const n = Number(s);
  if (!Number.isSafeInteger(n)) return { ok: false, code: ElementCode.invalidCharacter };
  return { ok: true, value: n };
}

/** An X12 decimal as the canonical decimal string ("9.25", ".5" → "0.5"), or null if unusable. */
export function decimalString(s: string): string | null {
  const m = /^(-?)(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (!m[2] && !m[3])) return null;
  const int = (m[2] || "0").replace(/^0+(?=\d)/, "");
  const frac = (m[3] ?? "").replace(/0+$/, "");
  if (int.length > 15 || frac.length > 6) return null;
  const out = `${m[1]}${int}${frac ? `.${frac}` : ""}`;
  return out === "-0" ? "0" : out;
}

/** Qualifier/id pairs from element `from` on (PO106/PO107, W1207/W1208, LIN02/LIN03, ...). */
export function productPairs(seg: Segment, from: number, to = seg.el.length - 1): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (let i = from; i + 1 <= to; i += 2) {
    const q = elementText(seg, i);
    const id = elementText(seg, i + 1);
    if (q && id) pairs.push([q, id]);
  }
  return pairs;
}

/**
 * Product id qualifiers (X12 element 235) in the order a SKU is taken from them: the seller's
 * own numbers first (VP vendor part, VN vendor item, SK stock keeping unit), then the buyer's
 * (BP buyer part, IN buyer item), then trade item codes (UP UPC, EN EAN, UK GTIN-14), then CB
 * buyer catalog. With none of these, the first pair wins.
 */
export const DEFAULT_SKU_QUALIFIERS = ["VP", "VN", "SK", "BP", "IN", "UP", "EN", "UK", "CB"] as const;

export function pickSku(pairs: Array<[string, string]>, order: readonly string[] = DEFAULT_SKU_QUALIFIERS): string | undefined {
  for (const q of order) {
    const hit = pairs.find(([pq]) => pq === q);
    if (hit) return hit[1];
  }
  return pairs[0]?.[1];
}

/** One N1 loop: the N1 and the N2/N3/N4 that follow it. */
export interface PartyLoop {
  code: string;
  name: string;
  id: string;
  names: string[];
  lines: string[];
  city: string;
  region: string;
  postalCode: string;
  country: string;
}

const N1_MEMBERS = new Set(["N2", "N3", "N4", "REF", "PER", "NX2", "G61"]);

export function partyLoops(segments: readonly Segment[]): PartyLoop[] {
  const loops: PartyLoop[] = [];
  let cur: PartyLoop | undefined;
  for (const seg of segments) {
    if (seg.id === "N1") {
      cur = { code: elementText(seg, 1), name: elementText(seg, 2), id: elementText(seg, 4), names: [], lines: [], city: "", region: "", postalCode: "", country: "" };
      loops.push(cur);
    } else if (cur && N1_MEMBERS.has(seg.id)) {
      if (seg.id === "N2") cur.names.push(...[elementText(seg, 1), elementText(seg, 2)].filter(Boolean));
      if (seg.id === "N3") cur.lines.push(...[elementText(seg, 1), elementText(seg, 2)].filter(Boolean));
      if (seg.id === "N4") [cur.city, cur.region, cur.postalCode, cur.country] = [1, 2, 3, 4].map((i) => elementText(seg, i)) as [string, string, string, string];
    } else cur = undefined;
  }
  return loops;
}

/** The first party whose N101 is in `codes`, in the order of `codes`. */
export function party(loops: readonly PartyLoop[], ...codes: string[]): PartyLoop | undefined {
  for (const c of codes) {
    const hit = loops.find((l) => l.code === c);
    if (hit) return hit;
  }
  return undefined;
}

/**
 * A canonical address from an N1 loop, or undefined when street, city or postal code is missing.
 * N404 is optional in X12 and most US partners leave it out, so the country defaults to "US".
 */
export function addressOf(p: PartyLoop | undefined): Address | undefined {
  if (!p) return undefined;
  const name = p.name || p.names[0] || p.id;
  const [line1, ...rest] = p.lines;
  if (!name || !line1 || !p.city || !p.postalCode) return undefined;
  return {
    name,
    line1,
    ...(rest.length ? { line2: rest.join(", ") } : {}),
    city: p.city,
    ...(p.region ? { region: p.region } : {}),
    postalCode: p.postalCode,
    country: p.country || "US",
  };
}

/** A segment-level finding (AK3) that rejects the set. */
export function segmentError(id: string, position: number, code: string, message: string, loop?: string): SetError {
  return { setCode: "5", reject: true, message, segment: { id, position, code, ...(loop ? { loop } : {}) } };
}

/** An element-level finding (AK3 code 8 + AK4). */
export function elementError(
  seg: Segment,
  position: number,
  element: number,
  ref: string,
  code: string,
  message: string,
  opts: { loop?: string; reject?: boolean } = {},
): SetError {
  const data = elementText(seg, element);
  return {
    setCode: "5",
    reject: opts.reject ?? true,
    message,
    segment: { id: seg.id, position, code: SegmentCode.elementErrors, ...(opts.loop ? { loop: opts.loop } : {}) },
    element: { position: element, ref, code, ...(data ? { data: data.slice(0, 99) } : {}) },
  };
}

/** A mandatory date element as an ISO timestamp, or an AK4 error. */
export function readDate(seg: Segment, at: number, el: number, errors: SetError[], time = ""): string | undefined {
  const ms = dateTime(elementText(seg, el), time);
  if (ms !== null) return iso(ms);
  const code = elementText(seg, el) ? ElementCode.invalidDate : ElementCode.mandatoryMissing;
  errors.push(elementError(seg, at + 1, el, "373", code, `${seg.id}${String(el).padStart(2, "0")} "${elementText(seg, el)}" is not a date`));
  return undefined;
}

/** The warehouse location: the first N1 of `codes` (id, else name), else the configured default, else the sender. */
export function locationOf(loops: readonly PartyLoop[], ctx: MapContext, ...codes: string[]): string {
  const p = party(loops, ...codes);
  return p?.id || p?.name || ctx.defaultLocation || ctx.senderId || ctx.channel;
}

export const inventory = (event: InventoryEvent): ChannelEvent => ({ kind: "inventory", event });

/** A mapper's answer: no events at all once anything rejects the set. */
export const finish = (events: ChannelEvent[], errors: SetError[]): Mapped => ({ events: errors.some((e) => e.reject) ? [] : events, errors });
