/** The audit log: admin changes and operator actions, newest first. */
import { and, desc, eq, lt, type SQL } from "drizzle-orm";
import { database } from "./client";
import { auditLog } from "./schema";

export type AuditRow = typeof auditLog.$inferSelect;

export async function appendAudit(d1: D1Database, row: AuditRow): Promise<void> {
  await database(d1).insert(auditLog).values(row);
}

export function listAudit(d1: D1Database, q: { resource?: string; resourceId?: string; before?: string; limit: number }): Promise<AuditRow[]> {
  const conds: SQL[] = [];
  if (q.resource) conds.push(eq(auditLog.resource, q.resource));
  if (q.resourceId) conds.push(eq(auditLog.resourceId, q.resourceId));
  if (q.before) conds.push(lt(auditLog.at, q.before));
  return database(d1).select().from(auditLog).where(conds.length ? and(...conds) : undefined).orderBy(desc(auditLog.at), desc(auditLog.id)).limit(q.limit).all();
}
