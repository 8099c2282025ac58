/**
 * Returns close the loop at the warehouse. An authorised return's units go to `returnsPending`
 * at the location they shipped from (on hand, not sellable: availability does not move); the
 * warehouse's receipt of the return then restocks them (returnsPending → sellable, availability
 * rises and waiting backorders fill) or scraps them (returnsPending → damaged). Each step is an
 * inventory event with a deterministic id, applied by the owed effect `return_stock`, so a
 * retried step counts once in the SKU's object.
 *
 * Sources: a 3PL location (an x12 fulfiller's) owns all its figures, so its steps come from
 * "3pl"; elsewhere the on-hand part is booked as the ERP will ("erp", superseded by the next
 * ERP snapshot after it by watermark) and the unsellable buckets are the WMS's ("wms").
 */
import type { InventoryEvent } from "../../core/canonical";
import type { Rma } from "../../core/fulfilment/types";
import { rmaIdOf } from "../../core/keys";
import { applyInventory } from "../../lib/channel-events";
import type { Env } from "../../lib/env";
import { fulfillerAt, loadFulfillers } from "../../lib/fulfilment";
import type { OrderStore } from "./order-store";
import type { OrderState } from "./order-types";

type Apply = (fresh: OrderState) => void;
export type ReceiptLine = { sku: string; quantity: number; disposition: "restock" | "scrap" };
export type ReceiptOutcome =
  | { outcome: "accepted" | "duplicate"; rma: RmaView }
  | { outcome: "unknown_rma" }
  | { outcome: "too_many"; sku: string; pending: number };
export type RmaView = { rmaId: string; lines: { sku: string; quantity: number; location: string | null; pending: number; restocked: number; scrapped: number }[] };

export const rmaView = (r: Rma): RmaView => ({
  rmaId: r.rmaId,
  lines: r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, location: l.location, pending: l.quantity - l.restocked - l.scrapped, restocked: l.restocked, scrapped: l.scrapped })),
});

export class OrderReturns {
  constructor(
    private readonly env: Env,
    private readonly store: OrderStore,
  ) {}

  /** The id of the order's next return authorisation. */
  nextRmaId(s: OrderState): string {
    return rmaIdOf(s.orderId, (s.rmas?.length ?? 0) + 1);
  }

  /** An authorised return (order-fulfilment.ts recordReturn): its units go to returns pending where they shipped from. */
  authorise(s: OrderState, rmaId: string, r: { eventId: string; lines: { sku: string; quantity: number }[] }): void {
    const lines = r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, location: shippedFrom(s, l.sku), restocked: 0, scrapped: 0 }));
    const rma: Rma = { rmaId, eventId: r.eventId, lines, receipts: [], steps: [] };
    for (const l of lines) {
      if (l.location) rma.steps.push({ id: `${rmaId}:${l.sku}:pending`, sku: l.sku, location: l.location, kind: "pending", quantity: l.quantity });
      else this.store.append(s, "return_location_unknown", "switchyard", { rmaId, sku: l.sku, note: "no shipment of this SKU is known: its stock is not moved" });
    }
    s.rmas = [...(s.rmas ?? []), rma];
    if (rma.steps.length && !s.pending.includes("return_stock")) s.pending.push("return_stock");
  }

  /** The warehouse received (and inspected) returned units: restock or scrap, at most what is pending per SKU. */
  receipt(s: OrderState, rmaId: string, r: { eventId: string; lines: ReceiptLine[] }): ReceiptOutcome {
    const rma = s.rmas?.find((x) => x.rmaId === rmaId);
    if (!rma) return { outcome: "unknown_rma" };
    if (rma.receipts.includes(r.eventId)) return { outcome: "duplicate", rma: rmaView(rma) };
    for (const [sku, want] of sumBySku(r.lines)) {
      const line = rma.lines.find((l) => l.sku === sku);
      const pending = line ? line.quantity - line.restocked - line.scrapped : 0;
      if (!line || want > pending) return { outcome: "too_many", sku, pending };
    }
    rma.receipts.push(r.eventId);
    r.lines.forEach((l, i) => {
      const line = rma.lines.find((x) => x.sku === l.sku)!;
      if (l.disposition === "restock") line.restocked += l.quantity;
      else line.scrapped += l.quantity;
      if (line.location) rma.steps.push({ id: `${rmaId}:${r.eventId}:${i}:${l.disposition}`, sku: l.sku, location: line.location, kind: l.disposition, quantity: l.quantity });
    });
    this.store.append(s, "return_received", "api", { rmaId, eventId: r.eventId, lines: r.lines });
    if (!s.pending.includes("return_stock")) s.pending.push("return_stock");
    return { outcome: "accepted", rma: rmaView(rma) };
  }

  async run(s: OrderState): Promise<Apply> {
    const todo = (s.rmas ?? []).flatMap((r) => r.steps.filter((st) => !st.applied).map((st) => ({ rmaId: r.rmaId, st })));
    if (!todo.length) return () => {};
    const fulfillers = await loadFulfillers(this.env);
    const asOf = new Date().toISOString();
    const events = todo.flatMap(({ rmaId, st }): InventoryEvent[] => {
      const tpl = fulfillerAt(fulfillers, st.location)?.kind === "x12";
      const base = { sku: st.sku, location: st.location, asOf, reason: `return ${rmaId}` };
      const buckets: InventoryEvent["source"] = tpl ? "3pl" : "wms";
      const q = st.quantity;
      switch (st.kind) {
        case "pending":
          return [
            { ...base, eventId: `${st.id}:on-hand`, source: tpl ? "3pl" : "erp", type: "receipt", delta: { onHand: q } },
            { ...base, eventId: `${st.id}:returns-pending`, source: buckets, type: "hold", delta: { returnsPending: q } },
          ];
        case "restock":
          return [{ ...base, eventId: st.id, source: buckets, type: "release", delta: { returnsPending: q } }];
        case "scrap":
          return [
            { ...base, eventId: `${st.id}:returns-pending`, source: buckets, type: "release", delta: { returnsPending: q } },
            { ...base, eventId: `${st.id}:damaged`, source: buckets, type: "hold", delta: { damaged: q } },
          ];
      }
    });
    const result = await applyInventory(this.env, events);
    return (f) => {
      for (const { rmaId, st } of todo) {
        const step = f.rmas?.find((r) => r.rmaId === rmaId)?.steps.find((x) => x.id === st.id);
        if (step) step.applied = true;
      }
      this.store.append(f, "return_stock_moved", "inventory", { steps: todo.map(({ rmaId, st }) => ({ rmaId, sku: st.sku, location: st.location, kind: st.kind, quantity: st.quantity })), ...result });
    };
  }
}

/** Where a SKU of the order last shipped from; else where it was held. */
function shippedFrom(s: OrderState, sku: string): string | null {
  const shipped = [...(s.shipments ?? [])].reverse().find((x) => x.sku === sku && x.quantity > 0);
  if (shipped) return shipped.location;
  return s.lines.find((l) => l.sku === sku)?.heldAt?.[0]?.location ?? null;
}

function sumBySku(lines: readonly { sku: string; quantity: number }[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const l of lines) m.set(l.sku, (m.get(l.sku) ?? 0) + l.quantity);
  return m;
}
