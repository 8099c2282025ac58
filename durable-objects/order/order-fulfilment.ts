/**
 * What happens to an order after the ERP has it: warehouse and 3PL facts (acknowledged, shipped,
 * short picks, delivered), returns, channel notes, and the acknowledgement deadline.
 * A fact the order's state cannot take (a shipment for a cancelled order, an acknowledgement
 * after delivery) is refused before anything moves: no stock is consumed for it. A fact that
 * arrives before the ERP's acceptance is recorded (durable, answered 202) and applied when it comes.
 */
import type { FactScope, ShipmentEvent } from "../../core/canonical";
import { canTransition, isBeforeErp, type OrderStatus } from "../../core/order-state";
import type { Env } from "../../lib/env";
import { loadPolicy } from "../../lib/policies";
import type { Timers } from "../timers";
import type { OrderEffects } from "./order-effects";
import type { OrderStore } from "./order-store";
import type { OrderState, OrderView, ShipmentOutcome } from "./order-types";

export class OrderFulfilment {
  constructor(
    private readonly env: Env,
    private readonly store: OrderStore,
    private readonly effects: OrderEffects,
    private readonly timers: Timers,
    private readonly commit: (s: OrderState) => void,
  ) {}

  /** Channel facts about an order (status words, refunds, fulfilments): kept on its timeline. */
  async noteChannelEvent(type: string, source: string, detail: Record<string, unknown>, scope: FactScope): Promise<OrderView | null> {
    const s = this.store.load();
    if (!s || !inScope(scope, s.channel)) return null;
    this.store.append(s, type, source, detail);
    this.commit(s);
    await this.effects.drain();
    return this.store.view();
  }

  /** A WMS/3PL fact about the physical order. Deduped by eventId; shipped units are consumed from stock. */
  async recordShipment(ev: ShipmentEvent, scope: FactScope): Promise<ShipmentOutcome> {
    const s = this.store.load();
    if (!s) return { outcome: "unknown_order" };
    if (!inScope(scope, s.channel)) return { outcome: "foreign_channel", channel: s.channel };
    if (this.store.seen(`shipment:${ev.eventId}`)) return { outcome: "duplicate", order: this.store.view(s)! };
    const src = `${ev.source}:${ev.location}`;
    if (s.status !== "cancelled" && s.status !== "erp_rejected" && isBeforeErp(s.status)) {
      this.store.remember(`shipment:${ev.eventId}`, JSON.stringify(ev));
      s.deferred = [...(s.deferred ?? []), ev];
      this.store.append(s, "shipment_deferred", src, { eventId: ev.eventId, type: ev.type, note: "the ERP has not accepted the order yet; applied when it does" });
      this.commit(s);
      await this.effects.drain();
      return { outcome: "deferred", order: this.store.view()! };
    }
    const to = target(s, ev);
    if (to !== s.status && !canTransition(s.status, to)) {
      this.store.append(s, "shipment_refused", src, { eventId: ev.eventId, type: ev.type, status: s.status, refused: to });
      this.commit(s);
      return { outcome: "refused", status: s.status, event: ev.type, order: this.store.view(s)! };
    }
    this.store.remember(`shipment:${ev.eventId}`, JSON.stringify(ev));
    this.apply(s, ev);
    this.commit(s);
    await this.effects.drain();
    return { outcome: "accepted", order: this.store.view()! };
  }

  /** Applies facts held back until the ERP accepted, in arrival order (OrderRole calls it on acceptance). */
  applyDeferred(s: OrderState): void {
    const facts = s.deferred ?? [];
    s.deferred = undefined;
    for (const ev of facts) {
      const to = target(s, ev);
      if (to !== s.status && !canTransition(s.status, to)) {
        this.store.append(s, "shipment_refused", `${ev.source}:${ev.location}`, { eventId: ev.eventId, type: ev.type, status: s.status, refused: to });
        continue;
      }
      this.apply(s, ev);
    }
  }

  /** The state change of one fact, already checked against the machine. Synchronous. */
  private apply(s: OrderState, ev: ShipmentEvent): void {
    const src = `${ev.source}:${ev.location}`;
    s.ackDueAt = undefined;
    this.timers.clear("ack");
    if (s.status === "exception" && s.exceptionReason === "ack_timeout") {
      s.exceptionReason = undefined;
      s.exceptionDetail = undefined;
    }
    this.store.append(s, `shipment_${ev.type}`, src, { eventId: ev.eventId, location: ev.location, lines: ev.lines, ...(ev.carrier ? { carrier: ev.carrier } : {}), ...(ev.tracking ? { tracking: ev.tracking } : {}) });
    switch (ev.type) {
      case "acknowledged":
        // With releases, the order is acknowledged once every fulfiller it was released to is.
        if (this.effects.release.onAcknowledged(s, ev)) this.store.transition(s, "acknowledged", src);
        break;
      case "rejected":
        // A rejected release is rerouted or held per policy (order-release.ts).
        if (this.effects.release.onRejected(s, ev)) break;
        s.exceptionReason = "ack_timeout";
        s.exceptionDetail = `${ev.source} at ${ev.location} rejected the shipment request`;
        this.store.transition(s, "exception", src, { reason: s.exceptionDetail });
        break;
      case "short_pick":
        // The units not picked at this location are re-allocated from the others (order-effects.ts).
        this.store.transition(s, "short_picked", src, { lines: ev.lines });
        s.shortPicks = [...(s.shortPicks ?? []), { eventId: ev.eventId, location: ev.location, lines: ev.lines.filter((l) => l.quantity > 0) }];
        s.pending.push("reallocate");
        this.effects.release.onShortPick(s, ev);
        break;
      case "shipped": {
        const shipped = takeShipped(s, ev);
        this.store.transition(s, allShipped(s) ? "shipped" : "partially_shipped", src, { carrier: ev.carrier, tracking: ev.tracking });
        s.shipments = [...(s.shipments ?? []), ...shipped.filter((x) => x.quantity > 0)];
        s.pending.push("consume");
        this.effects.release.onShipped(s, ev);
        this.effects.edi.onShipped(s, ev);
        break;
      }
      case "delivered":
        this.store.transition(s, "delivered", src);
        break;
    }
  }

  /** A return authorisation for shipped units; the units are returns_pending at the WMS until released. */
  async recordReturn(r: { eventId: string; lines: { sku: string; quantity: number }[]; reason: string }): Promise<{ outcome: "accepted" | "duplicate" | "not_returnable" | "unknown_order"; rmaId?: string; status?: OrderStatus }> {
    const s = this.store.load();
    if (!s) return { outcome: "unknown_order" };
    const prior = this.store.marker(`return:${r.eventId}`);
    if (prior) return { outcome: "duplicate", rmaId: prior, status: s.status };
    if (!["shipped", "delivered", "closed", "partially_shipped", "returned"].includes(s.status)) return { outcome: "not_returnable", status: s.status };
    // The RMA id names its order, so the warehouse's receipt reaches this object from it alone.
    const rmaId = this.effects.returns.nextRmaId(s);
    this.store.remember(`return:${r.eventId}`, rmaId);
    this.store.append(s, "return_authorised", "api", { rmaId, eventId: r.eventId, lines: r.lines, reason: r.reason });
    this.store.transition(s, "returned", "api", { rmaId });
    this.effects.returns.authorise(s, rmaId, r);
    this.commit(s);
    await this.effects.drain();
    return { outcome: "accepted", rmaId, status: s.status };
  }

  async ackDeadlineSeconds(channel: string): Promise<number> {
    const policy = await loadPolicy(this.env, channel).catch(() => null);
    return policy?.ackDeadlineSeconds ?? Number(this.env.ACK_DEADLINE_SECONDS || "0");
  }

  /** Alarm: an acknowledgement that did not come in time puts the order in front of a person. */
  onAckDeadline(): void {
    const s = this.store.load();
    if (!s || s.ackDueAt === undefined) return;
    if (s.ackDueAt > Date.now()) {
      this.timers.reset("ack", s.ackDueAt);
      return;
    }
    s.ackDueAt = undefined;
    if (s.status === "erp_accepted" || s.status === "released") {
      s.exceptionReason = "ack_timeout";
      s.exceptionDetail = "no acknowledgement from the warehouse or 3PL before the deadline";
      this.store.transition(s, "exception", "switchyard", { reason: "ack_timeout" });
    }
    this.commit(s);
  }
}

function inScope(scope: FactScope, channel: string): boolean {
  return scope.channels === "*" || scope.channels.includes(channel);
}

function allShipped(s: OrderState): boolean {
  return s.lines.every((l) => l.shipped >= l.quantity);
}

/** The status a fact moves the order to (for shipped: the status once its units are counted). */
function target(s: OrderState, ev: ShipmentEvent): OrderStatus {
  switch (ev.type) {
    case "acknowledged":
      return "acknowledged";
    case "rejected":
      return "exception";
    case "short_pick":
      return "short_picked";
    case "delivered":
      return "delivered";
    case "shipped": {
      const left = new Map<string, number>();
      for (const l of s.lines) left.set(l.sku, (left.get(l.sku) ?? 0) + l.quantity - l.shipped);
      for (const l of ev.lines) left.set(l.sku, Math.max(0, (left.get(l.sku) ?? 0) - l.quantity));
      return [...left.values()].every((n) => n === 0) ? "shipped" : "partially_shipped";
    }
  }
}

function takeShipped(s: OrderState, ev: ShipmentEvent) {
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
  return shipped;
}
