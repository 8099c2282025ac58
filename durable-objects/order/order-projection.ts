/**
 * What an order's object writes to D1, the queryable copy: its row, its lines and the subscriber
 * events (CONTRACT "Outbound") its new timeline entries give rise to. The timeline itself stays
 * in the object (reads come from there); event ids are deterministic per entry, so a retried
 * projection appends nothing twice.
 */
import type { OrderProjection } from "../../db/orders";
import type { OrderState, TimelineEntry } from "./order-types";

export function projectionOf(s: OrderState, entries: TimelineEntry[]): OrderProjection {
  return {
    order: {
      id: s.orderId,
      orchestrationId: s.orchestrationId,
      channel: s.channel,
      externalId: s.externalId,
      version: s.version,
      status: s.status,
      source: s.source,
      customerId: s.order.customer.id,
      currency: s.order.currency,
      payload: s.order as unknown as Record<string, unknown>,
      erpOrderId: s.erpOrderId ?? null,
      exceptionReason: s.exceptionReason ?? null,
      exceptionDetail: s.exceptionDetail ?? null,
      dispatchState: s.dispatch.state,
      dispatchVersion: s.dispatch.version,
      enqueuedAt: s.dispatch.enqueuedAt ?? null,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    },
    lines: s.lines.map((l) => ({ orderId: s.orderId, lineNo: l.lineNo, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice ?? null, reserved: l.reserved, backordered: l.backordered, shipped: l.shipped })),
    events: entries.flatMap((e) =>
      outboundFor(s, e).map((ev) => ({
        id: `evt_${s.orderId}_${e.seq}_${ev.type}`,
        type: ev.type,
        occurredAt: e.at,
        orchestrationId: s.orchestrationId,
        data: ev.data,
        state: "pending",
        attempts: 0,
        createdAt: e.at,
        // One order's events reach each subscriber in timeline order (workers/dispatch/subscribers.ts).
        stream: s.orderId,
        seq: e.seq,
      })),
    ),
  };
}

/** Subscriber events a timeline entry gives rise to. */
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
      if (e.type.startsWith("shipment_") && e.type !== "shipment_deferred") return [{ type: "shipment.updated", data: { ...base, type: e.type.slice("shipment_".length), ...e.detail } }];
      return [];
  }
}
