/**
 * The orders projection: each order's durable state from its TransactionDO, written as one
 * idempotent batch (orders row, lines, and the subscriber events its new timeline entries give
 * rise to). Rows are keyed by order id, events by (order, timeline seq, type), and an older
 * state never overwrites a newer one, so a retried or reordered write converges.
 * Read only by ops views and reports: routing and decisions never wait for it.
 */
import { and, count, desc, eq, gt, inArray, or, sql } from "drizzle-orm";
import { database } from "./client";
import { containsAny } from "./filter";
import { orderLines, orders, outboundEvents } from "./schema";

export type OrderRow = typeof orders.$inferSelect;
export type OrderLineRow = typeof orderLines.$inferSelect;
export type OutboundEventRow = typeof outboundEvents.$inferInsert;

export interface OrderProjection {
  order: typeof orders.$inferInsert;
  /** null: the lines are as the last projection wrote them. */
  lines: OrderLineRow[] | null;
  /** How many lines the last projection wrote (null: unknown, e.g. the first projection). */
  previousLineCount?: number | null;
  events: OutboundEventRow[];
}

/**
 * Writes many orders' projections in one D1 batch (one transaction): per order its row, its
 * lines in one statement when they changed (the rows past the end are deleted only when the
 * order may have had more lines), and its events in one statement.
 */
export async function writeOrderProjections(d1: D1Database, items: OrderProjection[]): Promise<void> {
  if (!items.length) return;
  const db = database(d1);
  const stmts = items.flatMap(({ order: o, lines, previousLineCount, events }) => {
    const out = [
      db
        .insert(orders)
        .values(o)
        .onConflictDoUpdate({
          target: orders.id,
          set: {
            version: o.version,
            status: o.status,
            payload: o.payload,
            erpOrderId: o.erpOrderId ?? null,
            exceptionReason: o.exceptionReason ?? null,
            exceptionDetail: o.exceptionDetail ?? null,
            dispatchState: o.dispatchState,
            dispatchVersion: o.dispatchVersion,
            enqueuedAt: o.enqueuedAt ?? null,
            updatedAt: o.updatedAt,
          },
          setWhere: sql`excluded.updated_at >= ${orders.updatedAt}`,
        }),
    ];
    if (lines && (previousLineCount === undefined || previousLineCount === null || previousLineCount > lines.length)) {
      out.push(db.delete(orderLines).where(and(eq(orderLines.orderId, o.id), gt(orderLines.lineNo, lines.length))) as never);
    }
    // D1 binds at most 100 parameters per statement: ten lines (eight columns each) per statement.
    for (let i = 0; lines && i < lines.length; i += 10) {
      out.push(
        db
          .insert(orderLines)
          .values(lines.slice(i, i + 10))
          .onConflictDoUpdate({
            target: [orderLines.orderId, orderLines.lineNo],
            set: {
              sku: sql`excluded.sku`,
              quantity: sql`excluded.quantity`,
              unitPrice: sql`excluded.unit_price`,
              reserved: sql`excluded.reserved`,
              backordered: sql`excluded.backordered`,
              shipped: sql`excluded.shipped`,
            },
          }) as never,
      );
    }
    // Eleven columns an event: nine events per statement.
    for (let i = 0; i < events.length; i += 9) out.push(db.insert(outboundEvents).values(events.slice(i, i + 9)).onConflictDoNothing() as never);
    return out;
  });
  await db.batch(stmts as [(typeof stmts)[number], ...(typeof stmts)[number][]]);
}

export async function countOrdersBy(d1: D1Database, column: "status" | "dispatchState"): Promise<Record<string, number>> {
  const col = column === "status" ? orders.status : orders.dispatchState;
  const rows = await database(d1).select({ k: col, n: count() }).from(orders).groupBy(col).all();
  return Object.fromEntries(rows.map((r) => [r.k, r.n]));
}

/** Orders in `exception`, newest first, optionally filtered by a substring of reason, detail or external id. */
export function exceptionOrders(d1: D1Database, filter: string, limit: number) {
  return database(d1)
    .select({ id: orders.id, channel: orders.channel, externalId: orders.externalId, reason: orders.exceptionReason, detail: orders.exceptionDetail, updatedAt: orders.updatedAt })
    .from(orders)
    // A literal, not a bound value: SQLite uses the partial index `orders_exceptions` only for it.
    .where(and(sql`${orders.status} = 'exception'`, containsAny(filter, orders.exceptionReason, orders.exceptionDetail, orders.externalId)))
    .orderBy(desc(orders.updatedAt))
    .limit(limit)
    .all();
}

/** Orders confirmed without an ERP id (reconciliation). */
export function confirmedWithoutErpId(d1: D1Database, limit = 100) {
  return database(d1)
    .select({ id: orders.id })
    .from(orders)
    .where(and(eq(orders.dispatchState, "confirmed"), or(sql`${orders.erpOrderId} IS NULL`, eq(orders.erpOrderId, ""))))
    .limit(limit)
    .all();
}

/** Orders whose hand-off has not moved since `before` (ISO), oldest first: a report, the orders themselves re-send. */
export function stuckOrders(d1: D1Database, before: string, limit = 100) {
  return database(d1)
    .select({ id: orders.id, channel: orders.channel, externalId: orders.externalId, dispatchState: orders.dispatchState, updatedAt: orders.updatedAt })
    .from(orders)
    .where(and(inArray(orders.dispatchState, ["pending", "enqueued"]), sql`${orders.status} != 'cancelled'`, sql`${orders.updatedAt} < ${before}`))
    .orderBy(orders.updatedAt)
    .limit(limit)
    .all();
}

/** How many orders' hand-off has not moved since `before` (ISO), per hand-off state. */
export async function countStuckOrders(d1: D1Database, before: string): Promise<Record<string, number>> {
  const rows = await database(d1)
    .select({ state: orders.dispatchState, n: sql<number>`COUNT(*)` })
    .from(orders)
    .where(and(inArray(orders.dispatchState, ["pending", "enqueued"]), sql`${orders.status} != 'cancelled'`, sql`${orders.updatedAt} < ${before}`))
    .groupBy(orders.dispatchState)
    .all();
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}
