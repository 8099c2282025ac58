/**
 * The order side of a TransactionDO (one object per (channel, externalId)): business-identity
 * dedupe by delivery id and version, the order's life up to the ERP, and cancellation. State
 * changes are written synchronously before any I/O; the effects they owe are drained after
 * (order-effects.ts). What happens after the ERP lives in order-fulfilment.ts.
 */
import type { CanonicalOrder, OrderSource } from "../core/canonical";
import { isBookedInErp, type OrderStatus } from "../core/order-state";
import type { Env } from "../lib/env";
import { newId } from "../lib/ids";
import { OrderEffects, RETRY_EFFECTS_MS } from "./order-effects";
import { OrderFulfilment } from "./order-fulfilment";
import { OrderStore } from "./order-store";
import type { ErpReport, OrderView, SubmitOptions, SubmitResult } from "./order-types";

export class OrderRole {
  readonly store: OrderStore;
  readonly effects: OrderEffects;
  readonly fulfilment: OrderFulfilment;

  constructor(
    private readonly ctx: DurableObjectState,
    env: Env,
  ) {
    this.store = new OrderStore(ctx);
    this.effects = new OrderEffects(ctx, env, this.store);
    this.fulfilment = new OrderFulfilment(ctx, env, this.store, this.effects);
  }

  view(): OrderView | null {
    return this.store.view();
  }

  /**
   * Applies one revision of the order. Two dedupe layers, both here: the provider's delivery id
   * (transport: a redelivery is a duplicate whatever it says) and the version (business: an
   * older revision is kept on the timeline and flagged `stale`).
   * With `answerAfter: "reserve"` the call returns once stock is held; the queue send and the
   * D1 projection finish in the background (the alarm finishes them if this object dies), so a
   * channel's webhook is answered without waiting for them. The governed API waits for all, so a
   * partner can read the order straight after its 201.
   */
  async submit(order: CanonicalOrder, source: OrderSource, sourceRef: Record<string, unknown> = {}, opts: SubmitOptions = {}): Promise<SubmitResult> {
    // Check and write with nothing but synchronous storage in between (input gate stays shut).
    let s = this.store.load();
    let outcome: SubmitResult["outcome"];
    const src = `${source}${sourceRef.connectionId ? `:${String(sourceRef.connectionId)}` : ""}`;
    const deliveryKey = sourceRef.deliveryId ? `delivery:${String(sourceRef.connectionId ?? "")}:${String(sourceRef.deliveryId)}` : null;
    if (s && deliveryKey && this.store.seen(deliveryKey)) {
      return { outcome: "duplicate", order: this.store.view(s)! };
    }
    if (deliveryKey) this.store.remember(deliveryKey, String(Date.now()));
    if (!s) {
      const now = new Date().toISOString();
      s = {
        orderId: newId("ord"),
        orchestrationId: newId("orc"),
        channel: order.channel,
        externalId: order.externalId,
        version: order.version,
        source,
        status: "received",
        order,
        lines: linesOf(order),
        dispatch: { state: "pending", version: order.version, attempts: 0 },
        pending: ["reserve", "enqueue"],
        projectedSeq: 0,
        createdAt: now,
        updatedAt: now,
      };
      this.store.append(s, "received", src, { version: order.version, ...sourceRef });
      this.store.transition(s, "validated", "switchyard");
      outcome = "accepted";
      this.ctx.storage.setAlarm(Date.now() + RETRY_EFFECTS_MS);
    } else if (order.version < s.version) {
      this.store.append(s, "stale_version", src, { version: order.version, applied: s.version, ...sourceRef });
      outcome = "stale";
    } else if (order.version === s.version) {
      this.store.append(s, "duplicate", src, { version: order.version, ...sourceRef });
      outcome = "duplicate";
    } else {
      outcome = "updated";
      this.store.append(s, "updated", src, { version: order.version, previous: s.version, ...sourceRef });
      const sameLines = JSON.stringify(linesOf(order).map((l) => [l.sku, l.quantity])) === JSON.stringify(s.lines.map((l) => [l.sku, l.quantity]));
      const wasWithErp = isBookedInErp(s.status) || s.status === "sent_to_erp";
      s.order = order;
      s.version = order.version;
      if (wasWithErp) {
        // The ERP has this order already: keep what it booked, flag the change for a person.
        this.store.append(s, "update_after_erp", "switchyard", { note: "revision recorded, not re-sent; the ERP keeps the booked version" });
      } else if (!sameLines && s.status !== "cancelled") {
        s.pending.push("release", "reserve");
        s.lines = linesOf(order);
      }
      if (!wasWithErp && s.status !== "cancelled") s.dispatch.version = order.version;
    }
    this.store.save(s);
    await this.effects.settle(opts.answerAfter ?? "all");
    return { outcome, order: this.store.view()! };
  }

  async cancel(source: string, reason: string): Promise<{ outcome: "cancelled" | "already_cancelled" | "not_cancellable" | "unknown_order"; order: OrderView | null }> {
    const s = this.store.load();
    if (!s) return { outcome: "unknown_order", order: null };
    if (s.status === "cancelled") return { outcome: "already_cancelled", order: this.store.view(s) };
    const booked = isBookedInErp(s.status) || s.status === "sent_to_erp" || s.dispatch.state === "confirmed";
    if (!this.store.transition(s, "cancelled", source, { reason })) {
      this.store.save(s);
      await this.effects.drain();
      return { outcome: "not_cancellable", order: this.store.view(s) };
    }
    s.pending = s.pending.filter((e) => e !== "reserve" && e !== "enqueue");
    s.pending.push("release");
    if (booked) s.pending.push("enqueue_cancel");
    else s.dispatch.state = "skipped";
    this.store.save(s);
    await this.effects.drain();
    return { outcome: "cancelled", order: this.store.view() };
  }

  /** Dispatch reports each ERP attempt and its end; every report lands on the timeline. */
  async recordErp(r: ErpReport): Promise<OrderView | null> {
    // I/O first: nothing but storage may come between the load and the save below.
    const ackSeconds = r.type === "accepted" ? await this.fulfilment.ackDeadlineSeconds() : 0;
    const s = this.store.load();
    if (!s) return null;
    switch (r.type) {
      case "attempt":
        s.dispatch.attempts = Math.max(s.dispatch.attempts, r.attempt);
        this.store.append(s, "erp_attempt", "dispatch", { ...r });
        if (s.status !== "cancelled") this.store.transition(s, "sent_to_erp", "dispatch");
        break;
      case "accepted":
        this.store.append(s, "erp_attempt", "dispatch", { ...r });
        s.erpOrderId = r.erpOrderId;
        s.dispatch.state = "confirmed";
        s.exceptionReason = undefined;
        s.exceptionDetail = undefined;
        if (s.status !== "cancelled") {
          if (s.status !== "sent_to_erp") this.store.transition(s, "sent_to_erp", "dispatch");
          this.store.transition(s, "erp_accepted", "dispatch", { erpOrderId: r.erpOrderId });
          if (ackSeconds > 0 && s.ackDueAt === undefined) {
            // The ERP releases the order to the warehouse or 3PL: their acknowledgement is due.
            s.ackDueAt = Date.now() + ackSeconds * 1000;
            this.store.append(s, "ack_deadline_set", "switchyard", { dueAt: new Date(s.ackDueAt).toISOString() });
          }
        } else if (!s.pending.includes("enqueue_cancel")) {
          // Cancelled while the booking was in flight: the ERP must hear about the cancel too.
          s.pending.push("enqueue_cancel");
        }
        break;
      case "rejected":
        this.store.append(s, "erp_attempt", "dispatch", { ...r });
        s.dispatch.state = "rejected";
        s.exceptionReason = "erp_rejected";
        s.exceptionDetail = r.reason;
        if (s.status !== "cancelled") {
          this.store.transition(s, "erp_rejected", "dispatch", { reason: r.reason });
          this.store.transition(s, "exception", "dispatch", { reason: "erp_rejected", detail: r.reason });
        }
        break;
      case "dead_letter":
        this.store.append(s, "dead_lettered", "dispatch", { ...r });
        if (s.dispatch.state !== "confirmed") {
          s.dispatch.state = "dead";
          s.exceptionReason = "dead_letter";
          s.exceptionDetail = r.reason;
          if (s.status !== "cancelled") this.store.transition(s, "exception", "dispatch", { reason: "dead_letter", detail: r.reason });
        }
        break;
      case "cancel_sent":
        this.store.append(s, "erp_cancel_sent", "dispatch", { httpStatus: r.httpStatus });
        break;
    }
    this.store.save(s);
    if (s.ackDueAt !== undefined) {
      // One alarm per object: keep whichever is sooner, the deadline or an effects retry.
      const current = await this.ctx.storage.getAlarm();
      if (current === null || current > s.ackDueAt) await this.ctx.storage.setAlarm(s.ackDueAt);
    }
    await this.effects.drain();
    return this.store.view();
  }

  /** A replayed dead letter or the outbox sweeper asks for the ERP hand-off to be queued again. */
  async requeue(reason: string): Promise<OrderView | null> {
    const s = this.store.load();
    if (!s) return null;
    if (s.status === "cancelled" || s.dispatch.state === "confirmed") return this.store.view(s);
    this.store.append(s, "requeued", "switchyard", { reason });
    s.dispatch.state = "pending";
    if (!s.pending.includes("enqueue")) s.pending.push("enqueue");
    this.store.save(s);
    await this.effects.drain();
    return this.store.view();
  }

  /** The payload dispatch sends to the ERP, or null when there is nothing to send. */
  erpPayload(): { order: CanonicalOrder & { orderId: string; orchestrationId: string }; version: number; status: OrderStatus; erpOrderId?: string; dispatchState: string } | null {
    const s = this.store.load();
    if (!s) return null;
    return {
      order: { ...s.order, orderId: s.orderId, orchestrationId: s.orchestrationId },
      version: s.dispatch.version,
      status: s.status,
      dispatchState: s.dispatch.state,
      ...(s.erpOrderId ? { erpOrderId: s.erpOrderId } : {}),
    };
  }

  /** Alarm: the acknowledgement deadline, and effects a crash or a failure left owed. */
  async onAlarm(): Promise<void> {
    this.fulfilment.checkAckDeadline();
    const s = this.store.load();
    if (!s) return;
    try {
      await this.effects.drain();
    } catch (e) {
      console.error(JSON.stringify({ level: "error", msg: "order effects failed", orderId: s.orderId, orchestrationId: s.orchestrationId, error: String(e) }));
      await this.ctx.storage.setAlarm(Date.now() + RETRY_EFFECTS_MS);
    }
  }
}

function linesOf(order: CanonicalOrder) {
  return order.lines.map((l, i) => ({
    lineNo: i + 1,
    sku: l.sku,
    quantity: l.quantity,
    ...(l.unitPrice ? { unitPrice: l.unitPrice } : {}),
    reserved: 0,
    backordered: 0,
    shipped: 0,
  }));
}
