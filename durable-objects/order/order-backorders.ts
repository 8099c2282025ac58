/**
 * A backordered line got stock (the SKU's object filled it in its own transaction and tells us
 * from its alarm, retrying until we answer): the order re-reads its line and moves on. Before
 * the ERP has the order the status follows the lines (backordered → partially_reserved →
 * reserved); after, the new holds are released to their fulfillers. Deduped on the notice id.
 */
import { statusFromLines } from "../../core/order-state";
import type { FillNotice } from "../inventory/backorder-queue";
import type { OrderRelease } from "./order-release";
import type { OrderStore } from "./order-store";
import type { OrderState, OrderView } from "./order-types";

const HOLDING = new Set(["reserved", "partially_reserved", "backordered"]);

export class OrderBackorders {
  constructor(
    private readonly store: OrderStore,
    private readonly release: OrderRelease,
    private readonly commit: (s: OrderState) => void,
  ) {}

  /** Applies one fill notice; true when it changed the order (the caller drains the effects it owes). */
  onFilled(n: FillNotice): { outcome: "applied" | "duplicate" | "unknown_order" | "not_applicable"; order?: OrderView } {
    const s = this.store.load();
    if (!s) return { outcome: "unknown_order" };
    const marker = `fill:${n.noticeId}`;
    if (this.store.seen(marker)) return { outcome: "duplicate", order: this.store.view(s)! };
    this.store.remember(marker, String(Date.now()));
    const line = s.lines.find((l) => l.lineNo === n.lineNo && l.sku === n.sku);
    if (!line || s.status === "cancelled") {
      // A cancel releases every row of its lines, these included: nothing is left held.
      this.store.append(s, "backorder_fill_ignored", "inventory", { sku: n.sku, lineNo: n.lineNo, quantity: n.quantity, status: s.status });
      this.commit(s);
      return { outcome: "not_applicable", order: this.store.view(s)! };
    }
    const take = Math.min(n.quantity, line.backordered);
    line.reserved += take;
    line.backordered -= take;
    const held = new Map((line.heldAt ?? []).map((h) => [h.location, h.quantity]));
    for (const a of n.allocations) held.set(a.location, (held.get(a.location) ?? 0) + a.quantity);
    line.heldAt = [...held].map(([location, quantity]) => ({ location, quantity }));
    this.store.append(s, "backorder_filled", "inventory", { sku: n.sku, lineNo: n.lineNo, filled: take, reserved: line.reserved, backordered: line.backordered, heldAt: n.allocations });
    if (HOLDING.has(s.status)) {
      const next = statusFromLines(s.lines);
      if (next !== "rejected" && next !== s.status) this.store.transition(s, next, "inventory", { reason: "backorder filled" });
    }
    this.release.releaseMore(s, n.allocations.map((a) => ({ lineNo: n.lineNo, sku: n.sku, location: a.location, quantity: a.quantity })));
    this.commit(s);
    return { outcome: "applied", order: this.store.view()! };
  }
}
