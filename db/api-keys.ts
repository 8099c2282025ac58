/** API keys: stored as a SHA-256 hash with their scopes; revocation is a timestamp. */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { database } from "./client";
import { apiKeys } from "./schema";

export type ApiKeyRow = typeof apiKeys.$inferSelect;

// Every authenticated request runs this lookup: its query is built once per database binding
// and executed with the hash as a bound value, not rebuilt by the query builder per request.
const byHash = (d1: D1Database) =>
  database(d1)
    .select({ id: apiKeys.id, name: apiKeys.name, scopes: apiKeys.scopes, ratePerMinute: apiKeys.ratePerMinute })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, sql.placeholder("hash")), isNull(apiKeys.revokedAt)))
    .prepare();
const prepared = new WeakMap<D1Database, ReturnType<typeof byHash>>();

export function activeKeyByHash(d1: D1Database, keyHash: string): Promise<Pick<ApiKeyRow, "id" | "name" | "scopes" | "ratePerMinute"> | undefined> {
  let q = prepared.get(d1);
  if (!q) prepared.set(d1, (q = byHash(d1)));
  return q.get({ hash: keyHash });
}

/** Inserts a key unless its hash is already registered; false when it was. */
export async function insertKey(d1: D1Database, row: Omit<ApiKeyRow, "revokedAt">): Promise<boolean> {
  const inserted = await database(d1).insert(apiKeys).values(row).onConflictDoNothing({ target: apiKeys.keyHash }).returning({ id: apiKeys.id });
  return inserted.length > 0;
}

export function listKeys(d1: D1Database): Promise<Omit<ApiKeyRow, "keyHash">[]> {
  return database(d1)
    .select({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, scopes: apiKeys.scopes, ratePerMinute: apiKeys.ratePerMinute, createdAt: apiKeys.createdAt, revokedAt: apiKeys.revokedAt })
    .from(apiKeys)
    .orderBy(asc(apiKeys.createdAt))
    .all();
}

/** Revokes (idempotently); false when there is no such key. */
export async function revokeKey(d1: D1Database, id: string, at: string): Promise<boolean> {
  const r = await database(d1).update(apiKeys).set({ revokedAt: sql`COALESCE(${apiKeys.revokedAt}, ${at})` }).where(eq(apiKeys.id, id)).returning({ id: apiKeys.id });
  return r.length > 0;
}
