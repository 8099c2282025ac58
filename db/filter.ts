/**
 * Substring filters for ops lists. `instr`, not LIKE: D1 caps LIKE patterns at 50 bytes (an
 * order id is longer), and a filter's `%` or `_` must match itself, not act as a wildcard.
 */
import { or, sql, type SQL, type SQLWrapper } from "drizzle-orm";

/** True when `text` occurs in any of `columns` (NULL counts as empty); an empty `text` matches all. */
export function containsAny(text: string, ...columns: SQLWrapper[]): SQL {
  if (!text) return sql`1 = 1`;
  return or(...columns.map((c) => sql`instr(IFNULL(${c}, ''), ${text}) > 0`))!;
}
