/** ERP connections: kind, base URL, sealed credentials, settings, and which one is the default. */
import { and, asc, eq, ne } from "drizzle-orm";
import { database } from "./client";
import { erpConnections } from "./schema";

export type ErpConnectionRow = typeof erpConnections.$inferSelect;

export function getErpConnection(d1: D1Database, id: string): Promise<ErpConnectionRow | undefined> {
  return database(d1).select().from(erpConnections).where(eq(erpConnections.id, id)).get();
}

export function listErpConnections(d1: D1Database): Promise<ErpConnectionRow[]> {
  return database(d1).select().from(erpConnections).orderBy(asc(erpConnections.id)).all();
}

export function getDefaultErpConnection(d1: D1Database): Promise<ErpConnectionRow | undefined> {
  return database(d1).select().from(erpConnections).where(eq(erpConnections.isDefault, true)).get();
}

/**
 * Creates or replaces a connection; answers what was there before. Made the default, it takes
 * the flag from the previous default in the same batch (D1 runs a batch as one transaction), so
 * there is never a moment with two defaults, nor one with none.
 */
export async function upsertErpConnection(d1: D1Database, row: Omit<ErpConnectionRow, "createdAt">): Promise<{ previous: ErpConnectionRow | undefined; row: ErpConnectionRow }> {
  const db = database(d1);
  const previous = await getErpConnection(d1, row.id);
  const upsert = db
    .insert(erpConnections)
    .values({ ...row, createdAt: row.updatedAt })
    .onConflictDoUpdate({
      target: erpConnections.id,
      set: { kind: row.kind, name: row.name, baseUrl: row.baseUrl, credentialsEnc: row.credentialsEnc, credentialNames: row.credentialNames, settings: row.settings, isDefault: row.isDefault, updatedAt: row.updatedAt },
    })
    .returning();
  if (row.isDefault) {
    const clear = db.update(erpConnections).set({ isDefault: false, updatedAt: row.updatedAt }).where(and(eq(erpConnections.isDefault, true), ne(erpConnections.id, row.id)));
    const [, saved] = await db.batch([clear, upsert]);
    return { previous, row: saved[0]! };
  }
  const [saved] = await upsert;
  return { previous, row: saved! };
}

/** Deletes a connection; answers whether it existed. */
export async function deleteErpConnection(d1: D1Database, id: string): Promise<boolean> {
  const gone = await database(d1).delete(erpConnections).where(eq(erpConnections.id, id)).returning({ id: erpConnections.id });
  return gone.length > 0;
}
