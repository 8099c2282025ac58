/** Dead letters: work that exhausted its retries, one row per (queue, message), replayable. */
import { and, desc, eq, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import { database } from "./client";
import { containsAny } from "./filter";
import { deadLetters } from "./schema";

export type DeadLetterRow = typeof deadLetters.$inferSelect;

/** Records a dead letter once per (queue, message id); true when this call recorded it. */
export async function recordDeadLetter(d1: D1Database, row: Omit<DeadLetterRow, "replayedAt" | "replayCount">): Promise<boolean> {
  const r = await database(d1).insert(deadLetters).values(row).onConflictDoNothing({ target: [deadLetters.queue, deadLetters.messageId] }).returning({ id: deadLetters.id });
  return r.length > 0;
}

export function getDeadLetter(d1: D1Database, id: string): Promise<DeadLetterRow | undefined> {
  return database(d1).select().from(deadLetters).where(eq(deadLetters.id, id)).get();
}

export async function markReplayed(d1: D1Database, id: string, at: string): Promise<void> {
  await database(d1).update(deadLetters).set({ replayedAt: at, replayCount: sql`${deadLetters.replayCount} + 1` }).where(eq(deadLetters.id, id));
}

export function listDeadLetters(d1: D1Database, q: { filter: string; state: "open" | "replayed" | "all"; limit: number }) {
  const conds: SQL[] = [containsAny(q.filter, deadLetters.reason, deadLetters.kind, deadLetters.orderId)];
  if (q.state === "open") conds.push(isNull(deadLetters.replayedAt));
  if (q.state === "replayed") conds.push(isNotNull(deadLetters.replayedAt));
  return database(d1)
    .select({ id: deadLetters.id, queue: deadLetters.queue, kind: deadLetters.kind, orderId: deadLetters.orderId, reason: deadLetters.reason, attempts: deadLetters.attempts, createdAt: deadLetters.createdAt, replayedAt: deadLetters.replayedAt, replayCount: deadLetters.replayCount })
    .from(deadLetters)
    .where(and(...conds))
    .orderBy(desc(deadLetters.createdAt))
    .limit(q.limit)
    .all();
}

export async function deadLetterCounts(d1: D1Database): Promise<{ total: number; open: number }> {
  const r = await database(d1)
    .select({ total: sql<number>`COUNT(*)`, open: sql<number>`COALESCE(SUM(CASE WHEN ${deadLetters.replayedAt} IS NULL THEN 1 ELSE 0 END), 0)` })
    .from(deadLetters)
    .get();
  return { total: r?.total ?? 0, open: r?.open ?? 0 };
}

/** Open dead letters of one queue (the publishers' are `publisher`). */
export async function openDeadLettersOf(d1: D1Database, queue: string): Promise<number> {
  const r = await database(d1)
    .select({ n: sql<number>`COUNT(*)` })
    .from(deadLetters)
    .where(and(eq(deadLetters.queue, queue), isNull(deadLetters.replayedAt)))
    .get();
  return r?.n ?? 0;
}
