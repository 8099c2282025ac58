/** Recorded exceptions: quarantined deliveries, hydration failures and other cases for a person. */
import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { database } from "./client";
import { containsAny } from "./filter";
import { exceptions } from "./schema";

export type ExceptionRow = typeof exceptions.$inferSelect;

/** Third-party bodies are kept for diagnosis, but never unbounded. */
export const MAX_STORED_BODY = 64 * 1024;
export const MAX_STORED_DETAIL = 8 * 1024;

export async function recordException(d1: D1Database, row: Omit<ExceptionRow, "resolvedAt">): Promise<void> {
  const body = row.body && row.body.length > MAX_STORED_BODY ? `${row.body.slice(0, MAX_STORED_BODY)}…(truncated)` : row.body;
  const json = JSON.stringify(row.detail);
  const detail = json.length > MAX_STORED_DETAIL ? { truncated: json.slice(0, MAX_STORED_DETAIL) } : row.detail;
  await database(d1).insert(exceptions).values({ ...row, body, detail }).onConflictDoNothing();
}

export function openExceptions(d1: D1Database, filter: string, limit: number) {
  return database(d1)
    .select({ id: exceptions.id, kind: exceptions.kind, orderId: exceptions.orderId, connectionId: exceptions.connectionId, reason: exceptions.reason, detail: exceptions.detail, createdAt: exceptions.createdAt })
    .from(exceptions)
    .where(and(isNull(exceptions.resolvedAt), containsAny(filter, exceptions.reason, exceptions.kind, exceptions.connectionId)))
    .orderBy(desc(exceptions.createdAt))
    .limit(limit)
    .all();
}

export async function countOpenExceptions(d1: D1Database): Promise<number> {
  const r = await database(d1).select({ n: sql<number>`COUNT(*)` }).from(exceptions).where(isNull(exceptions.resolvedAt)).get();
  return r?.n ?? 0;
}

/** Marks an open exception resolved (a later success cleared its cause); answers whether one was open. */
export async function resolveException(d1: D1Database, id: string, at: string): Promise<boolean> {
  const r = await database(d1).update(exceptions).set({ resolvedAt: at }).where(and(eq(exceptions.id, id), isNull(exceptions.resolvedAt))).returning({ id: exceptions.id });
  return r.length > 0;
}
