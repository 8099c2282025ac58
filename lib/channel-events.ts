/**
 * Applies canonical channel events (from webhooks and EDI) to the system: orders and
 * cancellations to their order's TransactionDO, stock facts to the SKU's InventoryDO,
 * observations and id-only references recorded for reconciliation and hydration.
 * Returns the delivery-level outcome the provider is answered with.
 */
import type { ChannelEvent, InventoryEvent } from "../core/canonical";
import type { Env } from "./env";
import { findOrderIdByExternal, findOrderRow, orderStub } from "./orders";

export type DeliveryStatus = "accepted" | "duplicate" | "stale";
export interface Applied {
  status: DeliveryStatus;
  orderId?: string;
  notes: string[];
}

export interface EventSource {
  kind: "webhook" | "edi";
  connectionId: string;
  deliveryId: string;
  topic?: string;
}

const rank: Record<DeliveryStatus, number> = { accepted: 0, duplicate: 1, stale: 2 };

/** Applies events in order; the delivery is `accepted` when any event applied, else the mildest of duplicate/stale. */
export async function applyChannelEvents(env: Env, events: ChannelEvent[], src: EventSource): Promise<Applied> {
  const out: Applied = { status: "duplicate", notes: [] };
  let anyAccepted = false;
  let worst: DeliveryStatus = "duplicate";
  const ref = { connectionId: src.connectionId, deliveryId: src.deliveryId, ...(src.topic ? { topic: src.topic } : {}) };
  const note = (s: DeliveryStatus) => {
    if (s === "accepted") anyAccepted = true;
    else if (rank[s] > rank[worst]) worst = s;
  };
  if (events.length === 0) anyAccepted = true;
  for (const ev of events) {
    switch (ev.kind) {
      case "order": {
        // Channels are answered once stock is held; the queue send and D1 write finish after.
        const r = await orderStub(env, ev.order.channel, ev.order.externalId).submitOrder(ev.order, src.kind, ref, { answerAfter: "reserve" });
        out.orderId = r.order.orderId;
        note(r.outcome === "accepted" || r.outcome === "updated" ? "accepted" : r.outcome);
        break;
      }
      case "cancellation": {
        const r = await orderStub(env, ev.channel, ev.externalId).cancelOrder(
          `${src.kind}:${src.connectionId}`,
          ev.requested ? `buyer requested cancellation${ev.reason ? `: ${ev.reason}` : ""}` : (ev.reason ?? "cancelled by the channel"),
        );
        if (r.order) out.orderId = r.order.orderId;
        if (r.outcome === "unknown_order") out.notes.push(`cancellation for unknown order ${ev.externalId}`);
        note(r.outcome === "already_cancelled" ? "duplicate" : "accepted");
        break;
      }
      case "order_reference":
        // Id-only hooks (BigCommerce): the dispatch consumer fetches the order before it exists here.
        await env.DISPATCH_QUEUE.send({
          kind: "channel.hydrate",
          key: `${src.connectionId}:${ev.externalId}:${ev.version}`,
          connectionId: src.connectionId,
          channel: ev.channel,
          externalId: ev.externalId,
          version: ev.version,
        });
        out.notes.push(`order ${ev.externalId} queued for hydration`);
        note("accepted");
        break;
      case "status_change":
      case "refund":
      case "fulfillment": {
        const orderId = await findOrderIdByExternal(env, ev.channel, ev.externalId);
        if (!orderId) {
          out.notes.push(`${ev.kind} for unknown order ${ev.externalId}`);
          note("accepted");
          break;
        }
        out.orderId = orderId;
        const { kind, channel: _c, externalId: _e, ...detail } = ev;
        await orderStub(env, ev.channel, ev.externalId).noteChannelEvent(`channel_${kind}`, `${src.kind}:${src.connectionId}`, { ...detail, ...ref });
        note("accepted");
        break;
      }
      case "inventory_observation":
        await env.DB.prepare(
          `INSERT INTO channel_observations (id, channel, connection_id, sku, external_item_id, location, available, observed_at, delivery_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        )
          .bind(`${src.connectionId}:${src.deliveryId}:${ev.externalItemId}`, ev.channel, src.connectionId, ev.sku ?? null, ev.externalItemId, ev.location ?? null, ev.available, ev.observedAt, src.deliveryId)
          .run();
        note("accepted");
        break;
      case "inventory": {
        const r = await applyInventory(env, [ev.event]);
        note(r.accepted ? "accepted" : r.stale ? "stale" : "duplicate");
        break;
      }
      case "shipment": {
        const ref2 = ev.event.orderRef;
        const orderId = ref2.orderId ?? (ref2.channel && ref2.externalId ? await findOrderIdByExternal(env, ref2.channel, ref2.externalId) : null);
        const row = orderId ? await findOrderRow(env, orderId) : null;
        if (!row) {
          out.notes.push(`shipment for unknown order ${ref2.externalId ?? ref2.orderId ?? "?"}`);
          note("accepted");
          break;
        }
        out.orderId = row.id;
        const { orderRef: _r, ...rest } = ev.event;
        const r = await orderStub(env, row.channel, row.external_id).recordShipment({ ...rest, orderId: row.id });
        note(r.outcome === "duplicate" ? "duplicate" : "accepted");
        break;
      }
      case "ignored":
        out.notes.push(ev.reason);
        note("accepted");
        break;
    }
  }
  out.status = anyAccepted ? "accepted" : worst;
  return out;
}

/** Applies stock facts, grouped per SKU: each SKU's InventoryDO is its single writer. */
export async function applyInventory(env: Env, events: InventoryEvent[]): Promise<{ accepted: number; duplicates: number; stale: number }> {
  const bySku = new Map<string, InventoryEvent[]>();
  for (const e of events) bySku.set(e.sku, [...(bySku.get(e.sku) ?? []), e]);
  const totals = { accepted: 0, duplicates: 0, stale: 0 };
  const results = await Promise.all([...bySku].map(([sku, evs]) => env.INVENTORY.getByName(sku).applyEvents(evs)));
  for (const r of results.flat()) {
    if (r === "accepted") totals.accepted++;
    else if (r === "duplicate") totals.duplicates++;
    else totals.stale++;
  }
  return totals;
}
