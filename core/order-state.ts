/**
 * The order lifecycle (DESIGN.md "Order lifecycle") as a pure state machine: which status may
 * follow which, and the typed exception reasons. Every transition is appended to the order's
 * timeline by the TransactionDO; this module only says whether it is allowed.
 */

export const ORDER_STATUSES = [
  "received",
  "validated",
  "reserved",
  "partially_reserved",
  "backordered",
  "sent_to_erp",
  "erp_accepted",
  "erp_rejected",
  "released",
  "acknowledged",
  "short_picked",
  "reallocated",
  "partially_shipped",
  "shipped",
  "delivered",
  "closed",
  "cancelled",
  "returned",
  "exception",
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const EXCEPTION_REASONS = [
  "erp_rejected",
  "ack_timeout",
  "short_pick_unresolved",
  "dead_letter",
  "validation",
  "insufficient_stock",
  // The ERP refused the order because it does not know the customer or an item (master data):
  // typed so ops can filter them, and replayable once the master data is fixed.
  "unknown_customer",
  "unknown_item",
  "fulfiller_rejected",
  // Checks against Switchyard's own master data (core/master/check.ts, docs/master-data.md).
  "unknown_sku",
  "blocked_sku",
  "discontinued_sku",
  "unknown_unit",
  "price_mismatch",
  "credit_hold",
] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

const holding = ["reserved", "partially_reserved", "backordered"] as const;

const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  received: ["validated", "exception", "cancelled"],
  validated: [...holding, "exception", "cancelled"],
  reserved: ["sent_to_erp", ...holding, "exception", "cancelled"],
  partially_reserved: ["sent_to_erp", ...holding, "exception", "cancelled"],
  // After the ERP accepted, a backorder that fills (or a short pick's stock found again) is released to the warehouse.
  backordered: ["sent_to_erp", ...holding, "released", "exception", "cancelled"],
  // erp_accepted may arrive on a message that was redelivered after a retry, hence from exception too.
  sent_to_erp: ["erp_accepted", "erp_rejected", "exception", "cancelled"],
  erp_accepted: ["released", "acknowledged", "short_picked", "partially_shipped", "shipped", "cancelled", "exception"],
  erp_rejected: ["exception", "cancelled", "sent_to_erp"],
  // reallocated: a fulfiller that did not acknowledge in time, or rejected, is rerouted (order-release.ts).
  released: ["acknowledged", "short_picked", "reallocated", "partially_shipped", "shipped", "cancelled", "exception"],
  acknowledged: ["short_picked", "reallocated", "partially_shipped", "shipped", "cancelled", "exception"],
  short_picked: ["reallocated", "backordered", "partially_shipped", "shipped", "cancelled", "exception"],
  reallocated: ["released", "acknowledged", "partially_shipped", "shipped", "short_picked", "cancelled", "exception"],
  partially_shipped: ["partially_shipped", "shipped", "short_picked", "returned", "exception"],
  shipped: ["delivered", "returned", "closed"],
  delivered: ["closed", "returned"],
  closed: ["returned"],
  cancelled: [],
  returned: ["closed"],
  // A late acknowledgement or shipment clears an ack_timeout.
  exception: ["sent_to_erp", "erp_accepted", "cancelled", "released", "acknowledged", "reallocated", "partially_shipped", "shipped", "short_picked", ...holding],
};

/** Whether `to` may follow `from`. Re-entering the same status is a no-op, not a transition. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** Statuses after which the order is with the ERP (a cancel must also be sent there). */
export function isBookedInErp(status: OrderStatus): boolean {
  return !["received", "validated", "reserved", "partially_reserved", "backordered", "sent_to_erp", "erp_rejected", "cancelled"].includes(status);
}

/** Statuses in which a cancellation is still possible. */
export function isCancellable(status: OrderStatus): boolean {
  return canTransition(status, "cancelled");
}

/**
 * The order status that follows from per-line reservation outcomes — the one rule, used by the
 * order object and the timeline alike: every unit held → reserved; some held → partially_reserved;
 * none held but some backordered → backordered; nothing held or backordered → rejected.
 *
 * @example statusFromLines([{ quantity: 2, reserved: 0, backordered: 1 }]) // "backordered"
 */
export function statusFromLines(lines: { quantity: number; reserved: number; backordered: number }[]): "reserved" | "partially_reserved" | "backordered" | "rejected" {
  const qty = lines.reduce((s, l) => s + l.quantity, 0);
  const reserved = lines.reduce((s, l) => s + l.reserved, 0);
  const backordered = lines.reduce((s, l) => s + l.backordered, 0);
  if (reserved === qty) return "reserved";
  if (reserved > 0) return "partially_reserved";
  return backordered > 0 ? "backordered" : "rejected";
}

/** Statuses before the ERP has the order: a warehouse fact arriving now is held until the ERP accepts. */
export function isBeforeErp(status: OrderStatus): boolean {
  return ["received", "validated", "reserved", "partially_reserved", "backordered", "sent_to_erp"].includes(status);
}
