/**
 * "Changed since" cursors over an Odoo datetime (`write_date`, `date_done`). PostgreSQL stores
 * them to the microsecond but Odoo reads them back in whole seconds, and Odoo has no row version.
 * So a cursor holds the last second read and, for each row read in that second, a fingerprint of
 * the fields read. The next page asks `>= that second` and drops only rows whose fingerprint is
 * unchanged: a row written again within the same second comes back, one merely re-read does not.
 * The page limit grows by the rows remembered, so a second crowded with writes cannot stall paging.
 * Still out of reach: a transaction that commits after a later second was read, with a
 * write_date (its start time) before it. A periodic full read (cursor null) covers that.
 */
import { decodeCursor, encodeCursor } from "../shared/cursor";
import { fingerprint as hash } from "../shared/memo";
import type { Row } from "./master-data";

export interface Watermark {
  /** A second as Odoo reads it: "2025-01-02 03:04:05". */
  t: string;
  /** id → fingerprint of the rows read in that second. */
  seen: Record<string, string>;
}

const isWatermark = (v: unknown): v is Watermark => !!v && typeof v === "object" && typeof (v as Watermark).t === "string" && typeof (v as Watermark).seen === "object";

/** The watermark a cursor carries: null for "from the start", undefined for a cursor that is not ours. */
export function readCursor(cursor: string | null): Watermark | null | undefined {
  if (!cursor) return null;
  return decodeCursor(cursor, isWatermark) ?? undefined;
}

/** Domain terms and limit for the page after the watermark. @example since("write_date", w, 100) // { domain: [["write_date", ">=", w.t]], limit: 103 } */
export function since(field: string, w: Watermark | null, pageSize: number): { domain: unknown[]; limit: number } {
  return w ? { domain: [[field, ">=", w.t]], limit: pageSize + Object.keys(w.seen).length } : { domain: [], limit: pageSize };
}

const fingerprint = (field: string, r: Row) => hash(JSON.stringify(Object.entries(r).filter(([k]) => k !== field).sort(([a], [b]) => a.localeCompare(b))));

/** The rows not yet reported, and the cursor after them (`rows` in `field asc, id asc` order). */
export function advance(field: string, w: Watermark | null, rows: Row[]): { fresh: Row[]; cursor: string } {
  let next = w;
  const fresh: Row[] = [];
  for (const r of rows) {
    const t = typeof r[field] === "string" ? (r[field] as string).slice(0, 19) : null;
    const id = String(r.id);
    const fp = fingerprint(field, r);
    if (!t) continue;
    if (!(w && t === w.t && w.seen[id] === fp)) fresh.push(r);
    if (!next || t > next.t) next = { t, seen: { [id]: fp } };
    else if (t === next.t) next = { t, seen: { ...next.seen, [id]: fp } };
  }
  return { fresh, cursor: next ? encodeCursor(next) : "" };
}
