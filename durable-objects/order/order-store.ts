/**
 * An order's own storage inside its TransactionDO: the state document, the timeline, and the
 * state machine's guard on every status change. Every call is synchronous SQLite, so callers can
 * check and write with nothing in between.
 */
import { canTransition, type OrderStatus } from "../../core/order-state";
import type { OrderDetail, OrderState, OrderView } from "./order-types";

/** What the last D1 projection by this instance covered (see `noteProjected`). */
interface ProjectionMarks {
  seq: number;
  lines: string;
  /** `updatedAt` of the state it wrote. */
  at: string;
}

export class OrderStore {
  #projected: ProjectionMarks | null = null;

  constructor(private readonly ctx: DurableObjectState) {}

  load(): OrderState | null {
    const row = this.ctx.storage.sql.exec<{ v: string }>("SELECT v FROM kv WHERE k = 'order'").toArray()[0];
    if (!row) return null;
    const s = JSON.parse(row.v) as OrderState;
    const m = this.#projected;
    if (m && m.seq >= s.projectedSeq) {
      s.projectedSeq = m.seq;
      s.projectedLines = m.lines;
      s.projectedAt = m.at;
    }
    return s;
  }

  /**
   * Records that D1 now holds the order as of `at` with timeline entries up to `seq`: in memory,
   * and durable with the next save (every save writes what `load` returned, marks included). A
   * save of its own would be a row written per projection; an object evicted before its next
   * change projects those entries again on that change, which the projection's idempotent
   * upserts make harmless.
   */
  noteProjected(marks: ProjectionMarks): void {
    this.#projected = marks;
  }

  save(s: OrderState, touch = true): void {
    if (touch) s.updatedAt = nextStamp(s.updatedAt);
    // An upsert: INSERT OR REPLACE deletes and re-inserts, two rows written per save.
    this.ctx.storage.sql.exec("INSERT INTO kv (k, v) VALUES ('order', ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v", JSON.stringify(s));
  }

  append(s: OrderState, type: string, source: string, detail: Record<string, unknown> = {}): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO timeline (at, type, source, detail) VALUES (?, ?, ?, ?)",
      new Date().toISOString(),
      type,
      source,
      JSON.stringify({ orchestrationId: s.orchestrationId, ...detail }),
    );
  }

  transition(s: OrderState, to: OrderStatus, source: string, detail: Record<string, unknown> = {}): boolean {
    if (s.status === to) return false;
    if (!canTransition(s.status, to)) {
      this.append(s, "transition_refused", source, { from: s.status, to, ...detail });
      return false;
    }
    this.append(s, "status_changed", source, { from: s.status, to, ...detail });
    s.status = to;
    return true;
  }

  view(s: OrderState | null = this.load()): OrderView | null {
    if (!s) return null;
    return {
      orderId: s.orderId,
      orchestrationId: s.orchestrationId,
      channel: s.channel,
      externalId: s.externalId,
      version: s.version,
      status: s.status,
      lines: s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, reserved: l.reserved, backordered: l.backordered })),
      ...(s.erpOrderId ? { erpOrderId: s.erpOrderId } : {}),
      ...(s.exceptionReason ? { exceptionReason: s.exceptionReason } : {}),
    };
  }

  /** The whole order with its timeline, for partners and ops. */
  detail(s: OrderState | null = this.load()): OrderDetail | null {
    if (!s) return null;
    const timeline = this.ctx.storage.sql
      .exec<{ at: string; type: string; source: string; detail: string }>("SELECT at, type, source, detail FROM timeline ORDER BY seq")
      .toArray()
      .map((t) => ({ at: t.at, type: t.type, source: t.source, detail: JSON.parse(t.detail) as Record<string, unknown> }));
    return {
      ...this.view(s)!,
      source: s.source,
      dispatchState: s.dispatch.state,
      ...(s.exceptionReason ? { exception: { reason: s.exceptionReason, detail: s.exceptionDetail ?? null } } : {}),
      lines: s.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity, ...(l.unitPrice ? { unitPrice: l.unitPrice } : {}), reserved: l.reserved, backordered: l.backordered, shipped: l.shipped })),
      timeline,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
  }

  /** Whether a marker (a delivery id, a shipment or return event id) was recorded. */
  seen(key: string): boolean {
    return this.ctx.storage.sql.exec("SELECT 1 FROM kv WHERE k = ?", key).toArray().length > 0;
  }

  marker(key: string): string | null {
    return this.ctx.storage.sql.exec<{ v: string }>("SELECT v FROM kv WHERE k = ?", key).toArray()[0]?.v ?? null;
  }

  remember(key: string, value: string): void {
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO kv (k, v) VALUES (?, ?)", key, value);
  }
}

/** A strictly increasing ISO stamp, so the D1 projection can refuse older writes. */
function nextStamp(prev: string): string {
  const now = new Date().toISOString();
  return now > prev ? now : new Date(Date.parse(prev) + 1).toISOString();
}
