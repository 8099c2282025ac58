/**
 * The release event a standard fulfiller (a WMS) receives: the same envelope as subscriber
 * events (`{ id, type, occurredAt, orchestrationId, data }`), signed the Standard Webhooks way
 * with the fulfiller's secret. `id` is also the `webhook-id` header and names exactly one
 * (order, fulfiller, release) and message type, so a fulfiller dedupes retries on it.
 */
import type { Address, CanonicalOrder } from "../canonical";
import type { Release } from "./types";

export type ReleaseEventType = "fulfilment.release" | "fulfilment.cancel";

export interface ReleaseEvent {
  id: string;
  type: ReleaseEventType;
  occurredAt: string;
  orchestrationId: string;
  data: {
    releaseId: string;
    orderId: string;
    channel: string;
    externalId: string;
    fulfillerId: string;
    location: string;
    lines: { lineNo: number; sku: string; quantity: number; name?: string }[];
    customer?: CanonicalOrder["customer"];
    shipTo?: Address;
    /** fulfilment.release: acknowledge (`POST /v1/shipments` type acknowledged) before this, or the order may be rerouted. */
    acknowledgeBy?: string;
    /** fulfilment.cancel: why the release is withdrawn. */
    reason?: string;
  };
}

/** The message id of one release's release or cancel: `rel_<order object id>_<release id>[_cancel]`. */
export function releaseMessageId(orderId: string, releaseId: string, type: "release" | "cancel"): string {
  return `rel_${orderId.replace(/^ord_/, "")}_${releaseId}${type === "cancel" ? "_cancel" : ""}`;
}

/**
 * @example releaseEvent({ orderId, orchestrationId, order }, release, "release", new Date())
 *   // { id: "rel_3f…_r1", type: "fulfilment.release", data: { location: "DC1", lines: [...], acknowledgeBy: "…" } }
 */
export function releaseEvent(
  o: { orderId: string; orchestrationId: string; order: CanonicalOrder },
  r: Release,
  type: "release" | "cancel",
  now: Date,
  reason?: string,
): ReleaseEvent {
  const names = new Map(o.order.lines.map((l, i) => [i + 1, l.name]));
  return {
    id: releaseMessageId(o.orderId, r.id, type),
    type: type === "release" ? "fulfilment.release" : "fulfilment.cancel",
    occurredAt: now.toISOString(),
    orchestrationId: o.orchestrationId,
    data: {
      releaseId: r.id,
      orderId: o.orderId,
      channel: o.order.channel,
      externalId: o.order.externalId,
      fulfillerId: r.fulfillerId,
      location: r.location,
      lines: r.lines.map((l) => ({ ...l, ...(names.get(l.lineNo) ? { name: names.get(l.lineNo)! } : {}) })),
      ...(type === "release"
        ? { customer: o.order.customer, ...(o.order.shipTo ? { shipTo: o.order.shipTo } : {}), ...(r.ackDueAt !== null ? { acknowledgeBy: new Date(r.ackDueAt).toISOString() } : {}) }
        : { reason: reason ?? "withdrawn" }),
    },
  };
}
