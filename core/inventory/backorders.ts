/**
 * Backorders that fill themselves. When stock arrives at a SKU (a receipt, a snapshot, a return
 * restocked, a cancellation's released holds), the SKU's object re-reserves its waiting
 * backordered lines in the same storage transaction, first come, first served: lower
 * `backorderPriority` first (channel policy, default 100), then the order's reservation time.
 * A line takes what its channel may hold (eligible locations, pool) and stays waiting for the
 * rest, so a partially filled line keeps its remaining backorder visible. Strict order means a
 * later line never takes stock an earlier one of the same locations could use.
 */
import { allocateLine, type Allocation } from "./allocate";
import { addHolds, assertSellable, mergeAllocations } from "./holds";
import { sellableByLocation } from "./ledger";
import type { PolicyOrDefault } from "./policy";
import type { InventoryStore } from "./store";

export const DEFAULT_BACKORDER_PRIORITY = 100;

/** A backordered line waiting for stock, with the channel policy it was accepted under. */
export interface WaitingLine {
  orderId: string;
  lineNo: number;
  channel: string;
  policy: PolicyOrDefault;
  /** ms: when the line was reserved (its place in the queue). */
  createdAt: number;
}

/** Units a waiting line just got: its object tells the order. */
export interface Fill {
  orderId: string;
  lineNo: number;
  channel: string;
  quantity: number;
  allocations: Allocation[];
  /** Still backordered after this fill. */
  backordered: number;
}

/** Queue order: priority, then arrival, then a stable tie-break. */
export function queueOrder(a: WaitingLine, b: WaitingLine): number {
  const pa = a.policy?.backorderPriority ?? DEFAULT_BACKORDER_PRIORITY;
  const pb = b.policy?.backorderPriority ?? DEFAULT_BACKORDER_PRIORITY;
  return pa - pb || a.createdAt - b.createdAt || (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : a.lineNo - b.lineNo);
}

/**
 * Fills waiting lines from the stock sellable now. Returns what each line got and which lines
 * are no longer waiting (filled in full, cancelled, or gone after a revision).
 *
 * @example fillBackorders(store, [{ orderId: "ord_1", lineNo: 1, channel: "web", policy: null, createdAt: 0 }], Date.now())
 *   // { fills: [{ orderId: "ord_1", lineNo: 1, quantity: 3, allocations: [{ location: "DC1", quantity: 3 }], backordered: 0, ... }], settled: [...] }
 */
export function fillBackorders(s: InventoryStore, waiting: readonly WaitingLine[], at: number): { fills: Fill[]; settled: { orderId: string; lineNo: number }[] } {
  const fills: Fill[] = [];
  const settled: { orderId: string; lineNo: number }[] = [];
  for (const w of [...waiting].sort(queueOrder)) {
    const line = s.line(w.orderId, w.lineNo);
    if (!line || line.state === "cancelled" || line.backordered <= 0) {
      settled.push({ orderId: w.orderId, lineNo: w.lineNo });
      continue;
    }
    const d = allocateLine(line.backordered, w.policy, sellableByLocation(s), s.channelHeld(line.channel));
    if (d.reserved === 0) continue;
    addHolds(s, line, d.allocations, at);
    const backordered = line.backordered - d.reserved;
    s.putLine({ ...line, reserved: line.reserved + d.reserved, backordered, allocations: mergeAllocations(line.allocations, d.allocations), state: "held" });
    assertSellable(s, d.allocations.map((a) => a.location), line.channel, w.policy);
    fills.push({ orderId: w.orderId, lineNo: w.lineNo, channel: line.channel, quantity: d.reserved, allocations: d.allocations, backordered });
    if (backordered === 0) settled.push({ orderId: w.orderId, lineNo: w.lineNo });
  }
  return { fills, settled };
}
