/** Channel connections (configured inbound sources), their sealed secrets and settings. */
import { asc, eq } from "drizzle-orm";
import { database } from "./client";
import { connections } from "./schema";

export type ConnectionRow = typeof connections.$inferSelect;

export function getConnection(d1: D1Database, id: string): Promise<ConnectionRow | undefined> {
  return database(d1).select().from(connections).where(eq(connections.id, id)).get();
}

export function listConnections(d1: D1Database): Promise<ConnectionRow[]> {
  return database(d1).select().from(connections).orderBy(asc(connections.id)).all();
}

/** Creates or replaces a connection; answers whether it existed before. */
export async function upsertConnection(d1: D1Database, row: Omit<ConnectionRow, "createdAt">): Promise<{ existed: boolean; row: ConnectionRow }> {
  const db = database(d1);
  const existed = !!(await db.select({ id: connections.id }).from(connections).where(eq(connections.id, row.id)).get());
  const [saved] = await db
    .insert(connections)
    .values({ ...row, createdAt: row.updatedAt })
    .onConflictDoUpdate({
      target: connections.id,
      set: { kind: row.kind, name: row.name, channel: row.channel, secretEnc: row.secretEnc, settings: row.settings, updatedAt: row.updatedAt },
    })
    .returning();
  return { existed, row: saved! };
}

export async function rotateConnectionSecret(d1: D1Database, id: string, secretEnc: string, at: string): Promise<ConnectionRow | undefined> {
  const [row] = await database(d1).update(connections).set({ secretEnc, updatedAt: at }).where(eq(connections.id, id)).returning();
  return row;
}

export function connectionsForChannel(d1: D1Database, channel: string): Promise<ConnectionRow[]> {
  return database(d1).select().from(connections).where(eq(connections.channel, channel)).orderBy(asc(connections.id)).all();
}
