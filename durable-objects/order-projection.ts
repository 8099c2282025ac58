/**
 * Writes an order's durable state from its TransactionDO into D1, the queryable copy.
 * Every statement is an idempotent upsert keyed by the order id or `<orderId>:<seq>`, and the
 * whole write is one `batch()` (one D1 transaction), so a retry after a failure converges.
 */
import type { OrderState, TimelineEntry } from "./order-types";

export function projectionStatements(db: D1Database, s: OrderState, entries: TimelineEntry[]): D1PreparedStatement[] {
  const stmts: D1PreparedStatement[] = [
    db
      .prepare(
        `INSERT INTO orders (id, orchestration_id, channel, external_id, version, status, source, customer_id, currency, payload,
           erp_order_id, exception_reason, exception_detail, dispatch_state, dispatch_version, enqueued_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, status = excluded.status, payload = excluded.payload,
           erp_order_id = excluded.erp_order_id, exception_reason = excluded.exception_reason,
           exception_detail = excluded.exception_detail, dispatch_state = excluded.dispatch_state,
           dispatch_version = excluded.dispatch_version, enqueued_at = excluded.enqueued_at, updated_at = excluded.updated_at
         WHERE excluded.updated_at >= orders.updated_at`,
      )
      .bind(
        s.orderId,
        s.orchestrationId,
        s.channel,
        s.externalId,
        s.version,
        s.status,
        s.source,
        s.order.customer.id,
        s.order.currency,
        JSON.stringify(s.order),
        s.erpOrderId ?? null,
        s.exceptionReason ?? null,
        s.exceptionDetail ?? null,
        s.dispatch.state,
        s.dispatch.version,
        s.dispatch.enqueuedAt ?? null,
        s.createdAt,
        s.updatedAt,
      ),
    db.prepare("DELETE FROM order_lines WHERE order_id = ? AND line_no > ?").bind(s.orderId, s.lines.length),
  ];
  for (const l of s.lines) {
    stmts.push(
      db
        .prepare(
          `INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price, reserved, backordered, shipped)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (order_id, line_no) DO UPDATE SET sku = excluded.sku, quantity = excluded.quantity,
             unit_price = excluded.unit_price, reserved = excluded.reserved, backordered = excluded.backordered,
             shipped = excluded.shipped`,
        )
        .bind(s.orderId, l.lineNo, l.sku, l.quantity, l.unitPrice ?? null, l.reserved, l.backordered, l.shipped),
    );
  }
  for (const e of entries) {
    for (const ev of outboundFor(s, e)) {
      stmts.push(
        db
          .prepare("INSERT OR IGNORE INTO outbound_events (id, type, occurred_at, orchestration_id, data, state, attempts, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?)")
          .bind(`evt_${s.orderId}_${e.seq}_${ev.type}`, ev.type, e.at, s.orchestrationId, JSON.stringify(ev.data), e.at),
      );
    }
    stmts.push(
      db
        .prepare(
          `INSERT OR IGNORE INTO timeline (id, order_id, orchestration_id, seq, at, type, source, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .bind(`${s.orderId}:${e.seq}`, s.orderId, s.orchestrationId, e.seq, e.at, e.type, e.source, JSON.stringify(e.detail)),
    );
  }
  return stmts;
}

/** Subscriber events (CONTRACT "Outbound") a timeline entry gives rise to; ids are deterministic per entry. */
function outboundFor(s: OrderState, e: TimelineEntry): { type: string; data: Record<string, unknown> }[] {
  const base = { orderId: s.orderId, channel: s.channel, externalId: s.externalId };
  switch (e.type) {
    case "received":
      return [{ type: "order.accepted", data: { ...base, version: e.detail.version, source: e.source } }];
    case "status_changed": {
      const out: { type: string; data: Record<string, unknown> }[] = [{ type: "order.status_changed", data: { ...base, from: e.detail.from, to: e.detail.to } }];
      if (e.detail.to === "exception") out.push({ type: "order.exception", data: { ...base, from: e.detail.from, to: "exception", reason: e.detail.reason ?? null, detail: e.detail.detail ?? null } });
      return out;
    }
    default:
      if (e.type.startsWith("shipment_")) return [{ type: "shipment.updated", data: { ...base, type: e.type.slice("shipment_".length), ...e.detail } }];
      return [];
  }
}
