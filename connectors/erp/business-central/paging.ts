/**
 * "Changed since" over `lastModifiedDateTime`, paged by BC's `@odata.nextLink`. The cursor holds
 * the watermark and the ids already seen at exactly that instant: the query asks `ge` the
 * watermark and drops those ids, so a record stamped in the same millisecond as the last one
 * read is neither lost (as `gt` would) nor repeated. While BC has more pages, the cursor carries
 * the next link and the watermark reached so far.
 */
import type { ErpResult } from "../types";
import { decodeCursor, encodeCursor } from "../shared/cursor";
import { str } from "../shared/http";
import { config, failed, ok } from "../shared/result";
import type { BcClient, Row } from "./client";

interface Mark {
  t: string | null;
  ids: string[];
}
interface WatermarkCursor extends Mark {
  /** Set while a listing is being paged: the next page and the watermark reached so far. */
  next?: string;
  hw?: Mark;
}

const isCursor = (v: unknown): v is WatermarkCursor =>
  !!v && typeof v === "object" && "ids" in v && Array.isArray((v as WatermarkCursor).ids) && ((v as WatermarkCursor).t === null || typeof (v as WatermarkCursor).t === "string");

/**
 * One page of `entitySet` changed since `cursor`.
 * @example await changedSince(bc, "salesOrders", "$select=id,number", cursor, 100, "GET salesOrders")
 */
export async function changedSince(bc: BcClient, entitySet: string, query: string, cursor: string | null, pageSize: number, what: string): Promise<ErpResult<{ rows: Row[]; cursor: string; more: boolean }>> {
  const from: WatermarkCursor | null = cursor ? decodeCursor(cursor, isCursor) : { t: null, ids: [] };
  if (!from) return config(`${what}: the cursor is not one this connector wrote`);
  const filter = from.t ? `$filter=${encodeURIComponent(`lastModifiedDateTime ge ${from.t}`)}&` : "";
  const path = from.next ?? `${entitySet}?${filter}$orderby=lastModifiedDateTime asc&${query}`;
  const r = await bc.list(path, what, pageSize);
  if (failed(r)) return r;
  const at = (row: Row) => Date.parse(str(row.lastModifiedDateTime) ?? "");
  const start = from.t ? Date.parse(from.t) : Number.NEGATIVE_INFINITY;
  const rows = r.value.rows.filter((row) => !(at(row) === start && from.ids.includes(str(row.id) ?? "")));
  let hw: Mark = from.hw ?? { t: from.t, ids: [...from.ids] };
  for (const row of rows) {
    const t = str(row.lastModifiedDateTime) ?? null;
    const id = str(row.id) ?? "";
    if (!t) continue;
    const cur = hw.t ? Date.parse(hw.t) : Number.NEGATIVE_INFINITY;
    if (Date.parse(t) > cur) hw = { t, ids: [id] };
    else if (Date.parse(t) === cur) hw = { t: hw.t, ids: [...hw.ids, id] };
  }
  const next: WatermarkCursor = r.value.next ? { t: from.t, ids: from.ids, next: r.value.next, hw } : hw;
  return ok({ rows, cursor: encodeCursor(next), more: r.value.next !== null });
}
