/**
 * What happens to an order after the ERP has it: warehouse and 3PL facts (acknowledged, shipped,
 * short picks, delivered), returns, channel notes, and the acknowledgement deadline.
 */
import type { ShipmentEvent } from "../core/canonical";
import type { OrderStatus } from "../core/order-state";
import type { Env } from "../lib/env";
import { newId } from "../lib/ids";
import { loadPolicy } from "../lib/reservations";
import type { OrderEffects } from "./order-effects";
import type { OrderStore } from "./order-store";
import type { OrderView } from "./order-types";

export class OrderFulfilment {
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly store: OrderStore,
    private readonly effects: OrderEffects,
  ) {}

  /** Channel facts about an order (status words, refunds, fulfilments): kept on its timeline. */
  async noteChannelEvent(type: string, source: string, detail: Record<string, unknown>): Promise<OrderView | null> {
    const s = this.store.load();
    if (!s) return null;
    this.store.append(s, type, source, detail);
    this.store.save(s);
    await this.effects.drain();
    return this.store.view();
  }

  /** A WMS/3PL fact about the physical order. Deduped by eventId; shipped units are consumed from stock. */
  async recordShipment(ev: ShipmentEvent): Promise<{ outcome: "accepted" | "duplicate" | "unknown_order"; order: OrderView | null }> {
    const s = this.store.load();
    if (!s) return { outcome: "unknown_order", order: null };
    const seen = this.store.seen(`shipment:${ev.eventId}`);
    if (seen) return { outcome: "duplicate", order: this.store.view(s) };
    this.store.remember(`shipment:${ev.eventId}`, JSON.stringify(ev));
    const src = `${ev.source}:${ev.location}`;
    s.ackDueAt = undefined;
    if (s.status === "exception" && s.exceptionReason === "ack_timeout") {
      s.exceptionReason = undefined;
      s.exceptionDetail = undefined;
    }
    this.store.append(s, `shipment_${ev.type}`, src, { eventId: ev.eventId, location: ev.location, lines: ev.lines, ...(ev.carrier ? { carrier: ev.carrier } : {}), ...(ev.tracking ? { tracking: ev.tracking } : {}) });
    switch (ev.type) {
      case "acknowledged":
        this.store.transition(s, "acknowledged", src);
        break;
      case "rejected":
        s.exceptionReason = "ack_timeout";
        s.exceptionDetail = `${ev.source} at ${ev.location} rejected the shipment request`;
        this.store.transition(s, "exception", src, { reason: s.exceptionDetail });
        break;
      case "short_pick":
        // The units not picked at this location are re-allocated from the others (order-effects.ts).
        this.store.transition(s, "short_picked", src, { lines: ev.lines });
        s.shortPicks = [...(s.shortPicks ?? []), { eventId: ev.eventId, location: ev.location, lines: ev.lines.filter((l) => l.quantity > 0) }];
        s.pending.push("reallocate");
        break;
      case "shipped": {
        const shipped: { sku: string; quantity: number; location: string; eventId: string }[] = [];
        for (const l of ev.lines) {
          let left = l.quantity;
          for (const line of s.lines.filter((x) => x.sku === l.sku)) {
            const take = Math.min(left, line.quantity - line.shipped);
            line.shipped += take;
            left -= take;
          }
          shipped.push({ sku: l.sku, quantity: l.quantity - left, location: ev.location, eventId: `${ev.eventId}:${l.sku}` });
        }
        const all = s.lines.every((l) => l.shipped >= l.quantity);
        this.store.transition(s, all ? "shipped" : "partially_shipped", src, { carrier: ev.carrier, tracking: ev.tracking });
        s.shipments = [...(s.shipments ?? []), ...shipped.filter((x) => x.quantity > 0)];
        s.pending.push("consume");
        break;
      }
      case "delivered":
        this.store.transition(s, "delivered", src);
        break;
    }
    this.store.save(s);
    await this.effects.drain();
    return { outcome: "accepted", order: this.store.view() };
  }

  /** A return authorisation for shipped units; the units are returns_pending at the WMS until released. */
  async recordReturn(r: { eventId: string; lines: { sku: string; quantity: number }[]; reason: string }): Promise<{ outcome: "accepted" | "duplicate" | "not_returnable"; rmaId?: string; status: OrderStatus }> {
    const s = this.store.load();
    if (!s) return { outcome: "not_returnable", status: "received" };
    const prior = this.store.marker(`return:${r.eventId}`);
    if (prior) return { outcome: "duplicate", rmaId: prior, status: s.status };
    if (!["shipped", "delivered", "closed", "partially_shipped", "returned"].includes(s.status)) return { outcome: "not_returnable", status: s.status };
    const rmaId = newId("rma");
    this.store.remember(`return:${r.eventId}`, rmaId);
    this.store.append(s, "return_authorised", "api", { rmaId, eventId: r.eventId, lines: r.lines, reason: r.reason });
    this.store.transition(s, "returned", "api", { rmaId });
    this.store.save(s);
    await this.effects.drain();
    return { outcome: "accepted", rmaId, status: s.status };
  }

  async ackDeadlineSeconds(): Promise<number> {
    const s = this.store.load();
    const policy = s ? await loadPolicy(this.env, s.channel).catch(() => null) : null;
    return policy?.ackDeadlineSeconds ?? Number(this.env.ACK_DEADLINE_SECONDS || "0");
  }

  /** An acknowledgement that did not come in time puts the order in front of a person. */
  checkAckDeadline(): void {
    const s = this.store.load();
    if (!s || s.ackDueAt === undefined) return;
    if (s.ackDueAt > Date.now()) {
      this.ctx.storage.setAlarm(s.ackDueAt);
      return;
    }
    s.ackDueAt = undefined;
    if (s.status === "erp_accepted" || s.status === "released") {
      s.exceptionReason = "ack_timeout";
      s.exceptionDetail = "no acknowledgement from the warehouse or 3PL before the deadline";
      this.store.transition(s, "exception", "switchyard", { reason: "ack_timeout" });
    }
    this.store.save(s);
  }
}
