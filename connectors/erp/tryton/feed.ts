/**
 * A change feed over a Tryton model's timestamps, for the pollers. Tryton sets `create_date` on
 * insert and `write_date` on every later write, leaving `write_date` NULL until the first write,
 * so two streams are read: rows already written, ordered by (write_date, id), and rows never
 * written, ordered by (create_date, id). Each stream resumes strictly after its last (time, id),
 * which keeps paging stable when many rows share a timestamp. A row that moves from the second
 * stream to the first (its first write) is seen again there, with its newer state.
 *
 * Limit: Tryton stamps a row with its transaction's start time. A transaction that started
 * before, and committed after, a poll that already read past that time is not seen until the
 * row changes again (Tryton has no commit-ordered change log); reconciliation covers it.
 */
import type { ErpResult } from "../types";
import { fromIsoMicro } from "./codec";
import { searchRead, type Domain, type Row } from "./orm";
import type { Context, TrytonRpc } from "./rpc";

/** A stream position: the last (time, id) returned. */
export type Pos = [string, number] | null;
export interface FeedCursor { w: Pos; c: Pos }

export const START: FeedCursor = { w: null, c: null };

function after(field: string, pos: Pos): Domain {
  if (!pos) return [];
  const at = fromIsoMicro(pos[0]);
  return [["OR", [[field, ">", at]], [[field, "=", at], ["id", ">", pos[1]]]]];
}

async function stream(rpc: TrytonRpc, model: string, base: Domain, fields: string[], field: "write_date" | "create_date", pos: Pos, limit: number, context?: Context) {
  const nullWrite = field === "create_date" ? [["write_date", "=", null]] : [["write_date", "!=", null]];
  return searchRead(rpc, model, [...base, ...nullWrite, ...after(field, pos)], [...new Set([...fields, "write_date", "create_date"])], {
    limit,
    order: [[field, "ASC"], ["id", "ASC"]],
    ...(context ? { context } : {}),
  });
}

const last = (rows: Row[], field: string, prev: Pos): Pos => {
  const r = rows[rows.length - 1];
  return r ? [String(r[field]), r.id] : prev;
};

/**
 * The next page of rows of `model` matching `base` that changed after `cursor`.
 * `writtenOnly` skips the never-written stream (documents that only count once written, such
 * as a shipment that is done).
 * @example const p = await feedPage(rpc, "sale.sale", [], ["state"], START, 100);
 */
export async function feedPage(rpc: TrytonRpc, model: string, base: Domain, fields: string[], cursor: FeedCursor, limit: number, writtenOnly = false, context?: Context): Promise<ErpResult<{ rows: Row[]; cursor: FeedCursor; more: boolean }>> {
  const created = writtenOnly ? ({ kind: "ok", value: [] as Row[] } as const) : await stream(rpc, model, base, fields, "create_date", cursor.c, limit, context);
  if (created.kind !== "ok") return created;
  const written = await stream(rpc, model, base, fields, "write_date", cursor.w, limit, context);
  if (written.kind !== "ok") return written;
  return {
    kind: "ok",
    value: {
      rows: [...created.value, ...written.value],
      cursor: { c: last(created.value, "create_date", cursor.c), w: last(written.value, "write_date", cursor.w) },
      more: created.value.length === limit || written.value.length === limit,
    },
  };
}

/** The newest position of each stream now (to start a feed from "now"). */
export async function feedHead(rpc: TrytonRpc, model: string, base: Domain): Promise<ErpResult<FeedCursor>> {
  const head = async (field: "write_date" | "create_date") => {
    const nullWrite = field === "create_date" ? [["write_date", "=", null]] : [["write_date", "!=", null]];
    return searchRead(rpc, model, [...base, ...nullWrite], [field], { limit: 1, order: [[field, "DESC"], ["id", "DESC"]] });
  };
  const c = await head("create_date");
  if (c.kind !== "ok") return c;
  const w = await head("write_date");
  if (w.kind !== "ok") return w;
  return { kind: "ok", value: { c: last(c.value, "create_date", null), w: last(w.value, "write_date", null) } };
}

/** Cursors are opaque to callers: versioned, base64url JSON. */
export function encodeCursor(kind: string, value: unknown): string {
  return `${kind}.${btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "")}`;
}

export function decodeCursor<T>(kind: string, cursor: string): T | null {
  if (!cursor.startsWith(`${kind}.`)) return null;
  try {
    const b64 = cursor.slice(kind.length + 1).replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4))) as T;
  } catch {
    return null;
  }
}

const validPos = (p: unknown): p is Pos => p === null || (Array.isArray(p) && p.length === 2 && typeof p[0] === "string" && fromIsoMicro(p[0]) !== null && Number.isInteger(p[1]));

export function validFeedCursor(v: unknown): v is FeedCursor {
  const o = v as FeedCursor | null;
  return !!o && typeof o === "object" && validPos(o.w) && validPos(o.c);
}
