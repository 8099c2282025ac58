/**
 * Applies canonical channel events (from webhooks and EDI) to the system: orders and
 * cancellations to their order's object, stock facts to the SKU's InventoryDO, observations and
 * id-only references recorded for reconciliation and hydration. Every order is reached by its
 * business identity or its id, never through D1. A connection acts only on orders of the
 * channels it may report for (its own, unless `settings.shipmentChannels` widens it): an event
 * naming another channel's order is refused and quarantined, nothing applied.
 * Returns the delivery-level outcome the provider is answered with.
 */
import type { ChannelEvent, FactScope, InventoryEvent } from "../core/canonical";
import { recordException } from "../db/exceptions";
import { recordObservation } from "../db/observations";
import type { Env } from "./env";
import { resolveFulfillerOrder } from "./fulfilment";
import { refusal, submitChecked } from "./master-checks";
import { orderStub, orderStubById } from "./orders";
import { publisherObjectName } from "../core/keys";

export type DeliveryStatus = "accepted" | "duplicate" | "stale" | "quarantined";
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
  scope: FactScope;
  /** For the quarantine record of a refused event. */
  eventId: string;
}

const rank: Record<DeliveryStatus, number> = { accepted: 0, duplicate: 1, stale: 2, quarantined: 3 };

/** Applies events in order; the delivery is `accepted` when any event applied, else the mildest of the rest. */
export async function applyChannelEvents(env: Env, events: ChannelEvent[], src: EventSource): Promise<Applied> {
  const out: Applied = { status: "duplicate", notes: [] };
  let anyAccepted = events.length === 0;
  let worst: DeliveryStatus = "duplicate";
  const refused: string[] = [];
  const ref = { connectionId: src.connectionId, deliveryId: src.deliveryId, ...(src.topic ? { topic: src.topic } : {}) };
  const by = `${src.kind}:${src.connectionId}`;
  const note = (s: DeliveryStatus) => {
    if (s === "accepted") anyAccepted = true;
    else if (rank[s] > rank[worst]) worst = s;
  };
  for (const ev of events) {
    switch (ev.kind) {
      case "order": {
        // Channels are answered once the order is durable in its object: the reservation's outcome
        // does not change their answer, so it, the queue send and the D1 write run after.
        const checked = await submitChecked(env, ev.order, src.kind, ref, { answerAfter: "stored" });
        if (checked.kind === "rejected") {
          refused.push(`order ${ev.order.externalId} refused by master data: ${refusal(checked.check).map((f) => `${f.path} ${f.message}`).join("; ")}`);
          break;
        }
        const r = checked.result;
        out.orderId = r.order.orderId;
        note(r.outcome === "accepted" || r.outcome === "updated" ? "accepted" : r.outcome);
        break;
      }
      case "cancellation": {
        const r = await orderStub(env, ev.channel, ev.externalId).cancelOrder(
          by,
          ev.requested ? `buyer requested cancellation${ev.reason ? `: ${ev.reason}` : ""}` : (ev.reason ?? "cancelled by the channel"),
        );
        if (r.outcome === "unknown_order") out.notes.push(`cancellation for unknown order ${ev.externalId}`);
        else out.orderId = r.order.orderId;
        note(r.outcome === "already_cancelled" ? "duplicate" : "accepted");
        break;
      }
      case "order_reference":
        // Id-only hooks (BigCommerce): the dispatch consumer fetches the order before it exists here.
        await env.DISPATCH_QUEUE.send({ kind: "channel.hydrate", key: `${src.connectionId}:${ev.externalId}:${ev.version}`, connectionId: src.connectionId, channel: ev.channel, externalId: ev.externalId, version: ev.version });
        out.notes.push(`order ${ev.externalId} queued for hydration`);
        note("accepted");
        break;
      case "status_change":
      case "refund":
      case "fulfillment": {
        const { kind, channel, externalId, ...detail } = ev;
        const view = await orderStub(env, channel, externalId).noteChannelEvent(`channel_${kind}`, by, { ...detail, ...ref }, src.scope);
        if (!view) out.notes.push(`${kind} for unknown order ${externalId}`);
        else out.orderId = view.orderId;
        note("accepted");
        break;
      }
      case "inventory_observation":
        // Our own push reported back by the channel (same figure, soon after): not news.
        if (src.kind === "webhook" && (await env.PUBLISHERS.getByName(publisherObjectName(src.connectionId)).isEcho({ ...(ev.sku ? { sku: ev.sku } : {}), externalItemId: ev.externalItemId, ...(ev.location ? { location: ev.location } : {}), available: ev.available, observedAt: ev.observedAt }))) {
          out.notes.push(`echo of our own publish (${ev.sku ?? ev.externalItemId})`);
          note("duplicate");
          break;
        }
        await recordObservation(env.DB, {
          id: `${src.connectionId}:${src.deliveryId}:${ev.externalItemId}`,
          channel: ev.channel,
          connectionId: src.connectionId,
          sku: ev.sku ?? null,
          externalItemId: ev.externalItemId,
          location: ev.location ?? null,
          available: ev.available,
          observedAt: ev.observedAt,
          deliveryId: src.deliveryId,
        });
        note("accepted");
        break;
      case "inventory": {
        const r = await applyInventory(env, [ev.event]);
        note(r.accepted ? "accepted" : r.stale ? "stale" : "duplicate");
        break;
      }
      case "shipment": {
        const { orderRef, ...rest } = ev.event;
        // A 3PL quotes the order number its 940 carried (ours to map back), at the release's location, for whichever channel.
        const mapped = orderRef.orderId ? await resolveFulfillerOrder(env, src.connectionId, orderRef.orderId) : null;
        if (mapped) {
          orderRef.orderId = mapped.orderId;
          rest.location = mapped.location;
        }
        const stub = orderRef.orderId ? orderStubById(env, orderRef.orderId) : orderRef.channel && orderRef.externalId ? orderStub(env, orderRef.channel, orderRef.externalId) : null;
        const r = stub ? await stub.recordShipment({ ...rest, orderId: orderRef.orderId ?? "" }, mapped ? { channels: "*" } : src.scope) : ({ outcome: "unknown_order" } as const);
        const named = orderRef.externalId ?? orderRef.orderId ?? "?";
        if (r.outcome === "unknown_order") {
          out.notes.push(`shipment for unknown order ${named}`);
          note("accepted");
        } else if (r.outcome === "foreign_channel") {
          refused.push(`shipment ${rest.eventId} names order ${named} of another channel`);
        } else if (r.outcome === "refused") {
          out.orderId = r.order.orderId;
          refused.push(`shipment ${rest.eventId} (${rest.type}) refused: the order is ${r.status}`);
        } else {
          out.orderId = r.order.orderId;
          note(r.outcome === "duplicate" ? "duplicate" : "accepted");
        }
        break;
      }
      case "ignored":
        out.notes.push(ev.reason);
        note("accepted");
        break;
    }
  }
  if (refused.length) {
    await recordException(env.DB, {
      id: `${src.eventId}:refused`,
      kind: "quarantine",
      orderId: out.orderId ?? null,
      connectionId: src.connectionId,
      reason: refused.join("; ").slice(0, 500),
      detail: { deliveryId: src.deliveryId, topic: src.topic ?? null, refused },
      body: null,
      createdAt: new Date().toISOString(),
    });
    out.notes.push(...refused);
    note("quarantined");
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
