import type { CanonicalOrder, OrderSource, ShipmentEvent } from "../../core/canonical";
import type { EdiDocument, Release, Rma, Unreleased } from "../../core/fulfilment/types";
import type { MasterVerdict } from "../../core/master/check";
import type { OrderStatus } from "../../core/order-state";

export type DispatchState = "pending" | "enqueued" | "confirmed" | "rejected" | "dead" | "skipped";

export interface LineState {
  lineNo: number;
  sku: string;
  quantity: number;
  unitPrice?: string;
  reserved: number;
  backordered: number;
  shipped: number;
  /** Where the reserved units are held (the reservation's allocations), updated by reallocations, fills and reroutes. */
  heldAt?: { location: string; quantity: number }[];
}

/** Side effects still owed after a state change; drained in order, each idempotent. */
export type Effect =
  | "reserve" | "release" | "enqueue" | "enqueue_cancel" | "consume" | "reallocate" | "mark_seen"
  // After the ERP accepted (order-release.ts, order-edi.ts, order-returns.ts): release held units to their
  // fulfillers, deliver release/cancel messages, reroute failed releases, issue 855/856, move returned stock.
  | "plan_release" | "dispatch_fulfilment" | "reroute" | "edi_out" | "return_stock"
  // A customer on credit hold: register with the customer's hold registry (order-master.ts).
  | "credit_hold";

export interface OrderState {
  orderId: string;
  orchestrationId: string;
  channel: string;
  externalId: string;
  version: number;
  source: OrderSource;
  status: OrderStatus;
  order: CanonicalOrder;
  lines: LineState[];
  erpOrderId?: string;
  /** The ERP connection that booked the order. */
  erpConnection?: string;
  exceptionReason?: string;
  exceptionDetail?: string;
  dispatch: { state: DispatchState; version: number; enqueuedAt?: string; attempts: number };
  pending: Effect[];
  /** Shipped units per SKU and location; `consumed` once taken out of stock by the InventoryDO. */
  shipments?: { sku: string; quantity: number; location: string; eventId: string; consumed?: boolean }[];
  /** Highest timeline seq already written to D1. */
  projectedSeq: number;
  /** Short picks still to re-allocate (and those done), from WMS/3PL `short_pick` facts. */
  shortPicks?: { eventId: string; location: string; lines: { sku: string; quantity: number }[]; done?: boolean }[];
  /** When the warehouse/3PL must have acknowledged by (ms), once the ERP accepted; cleared by any shipment fact. */
  ackDueAt?: number;
  /** ms: when Switchyard learned the ERP accepted (the "seen by the ERP" mark of the holds uses it). */
  erpAcceptedAt?: number;
  /** When the ERP cancel was sent (the watch stops re-sending it). */
  cancelSentAt?: string;
  /** Warehouse facts that arrived before the ERP accepted: applied, in order, once it does. */
  deferred?: ShipmentEvent[];
  /** Releases to fulfillers (order-release.ts), numbered r1, r2, … per order. */
  releases?: Release[];
  /** Held units not yet released to their location's fulfiller (released once the ERP has the order). */
  unreleased?: Unreleased[];
  /** Locations whose fulfiller timed out or rejected this order: a reroute never goes back there. */
  refusedAt?: string[];
  /** EDI orders: the X12 connection they came on and the 855/856 owed to it (order-edi.ts). */
  edi?: { connectionId: string; documents: EdiDocument[] };
  /** Return authorisations and their stock steps (order-returns.ts). */
  rmas?: Rma[];
  /** Held away from the ERP while its customer is on credit hold (order-master.ts). */
  creditHold?: { customerId: string; since: string; releasedAt?: string };
  /** `updatedAt` of the state last written to D1. */
  projectedAt?: string;
  /** The lines as last written to D1 (a compact signature): unchanged lines are not written again. */
  projectedLines?: string;
  createdAt: string;
  updatedAt: string;
}

export interface TimelineEntry {
  seq: number;
  at: string;
  type: string;
  source: string;
  detail: Record<string, unknown>;
}

export type SubmitOutcome = "accepted" | "updated" | "duplicate" | "stale";

export interface OrderView {
  orderId: string;
  orchestrationId: string;
  channel: string;
  externalId: string;
  version: number;
  status: OrderStatus;
  lines: { sku: string; quantity: number; reserved: number; backordered: number }[];
  erpOrderId?: string;
  exceptionReason?: string;
}

/** The order as partners read it (GET /v1/orders/{id}): straight from its object, never from D1. */
export interface OrderDetail extends OrderView {
  source: OrderSource;
  dispatchState: DispatchState;
  exception?: { reason: string; detail: string | null };
  lines: (OrderView["lines"][number] & { lineNo: number; unitPrice?: string; shipped: number })[];
  timeline: Omit<TimelineEntry, "seq">[];
  createdAt: string;
  updatedAt: string;
}

export type ShipmentOutcome =
  | { outcome: "accepted" | "deferred" | "duplicate"; order: OrderView }
  | { outcome: "unknown_order" }
  | { outcome: "foreign_channel"; channel: string }
  | { outcome: "refused"; status: OrderStatus; event: string; order: OrderView };

export interface SubmitResult {
  outcome: SubmitOutcome;
  order: OrderView;
}

/** What dispatch reports back about one ERP hand-off. */
export type ErpReport =
  | { type: "attempt"; attempt: number; httpStatus: number | null; latencyMs: number; error?: string; retryInSeconds?: number; version: number }
  | { type: "accepted"; attempt: number; erpOrderId: string; httpStatus: number; latencyMs: number; version: number; /** The ERP connection that booked it (its cancel goes there too). */ connection?: string; /** The reference written into the ERP, when it is not the order id (lib/erp-reference.ts). */ reference?: string; /** Dispatch already marked the order's holds seen by the ERP (one call per SKU for its batch), at `at` ms; without it the order marks them itself. */ holdsSeen?: { at: number; marked: number } }
  | { type: "rejected"; attempt: number; httpStatus: number; reason: string; version: number; /** A typed exception reason (unknown_customer, unknown_item); default erp_rejected. */ code?: string }
  | { type: "dead_letter"; attempts: number; reason: string; deadLetterId: string }
  | { type: "cancel_sent"; httpStatus: number; detail?: string; /** The ERP refused to cancel (its reason in `detail`): kept on the timeline as `erp_cancel_refused`. */ refused?: boolean };

export interface SubmitOptions {
  /**
   * `"reserve"`: answer once stock is held and let the queue send and D1 projection finish after.
   * `"stored"`: answer once the revision is durable in this object (channel webhooks and EDI:
   * the reservation's outcome does not change their answer); every owed effect runs after.
   */
  answerAfter?: "all" | "reserve" | "stored";
  /** The order's checks against master data (lib/master-checks.ts): recorded, and an exception or a credit hold applied. */
  master?: MasterVerdict;
}
