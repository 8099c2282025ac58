/**
 * The order side of a TransactionDO (one object per (channel, externalId)): business-identity
 * dedupe by delivery id and version, the order's life up to the ERP, cancellation, and the saga
 * it owns — every effect an answered change owes is driven from here, by this object's alarm,
 * never by a D1 row. State changes are written synchronously before any I/O (`commit`, which
 * sets the alarm in the same write); the effects they owe are drained after (order-effects.ts).
 * The order watches its own ERP hand-off (the `watch` timer) and sends it again when nothing
 * moved, so a message a queue broker lost cannot strand it.
 */
import type { CanonicalOrder, FactScope, OrderSource, ShipmentEvent } from "../../core/canonical";
import { orderIdOf } from "../../core/keys";
import { isBookedInErp, type OrderStatus } from "../../core/order-state";
import type { Env } from "../../lib/env";
import { heldLocations } from "../../lib/erp-order";
import { log } from "../../lib/log";
import { newId } from "../../lib/ids";
import type { Faults } from "../faults";
import type { Timers } from "../timers";
import { OrderEffects } from "./order-effects";
import { applyVerdict, release as releaseHold } from "./order-master";
import { OrderFulfilment } from "./order-fulfilment";
import type { FillNotice } from "../inventory/backorder-queue";
import type { ReceiptLine } from "./order-returns";
import { OrderStore } from "./order-store";
import type { ErpReport, OrderDetail, OrderState, OrderView, ShipmentOutcome, SubmitOptions, SubmitResult, TimelineEntry } from "./order-types";

export class OrderRole {
  readonly store: OrderStore;
  readonly effects: OrderEffects;
  readonly fulfilment: OrderFulfilment;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly timers: Timers,
    faults: Faults,
  ) {
    this.store = new OrderStore(ctx);
    this.effects = new OrderEffects(ctx, env, this.store, timers, faults);
    this.fulfilment = new OrderFulfilment(env, this.store, this.effects, timers, (s) => this.commit(s));
  }

  /** Saves a change and, in the same write, owes its effects (the alarm is set with it). */
  commit(s: OrderState): void {
    this.store.save(s);
    this.effects.owe();
  }

  /** Reads wait for a reservation still owed by an answered revision (order-effects.ts). */
  async view(): Promise<OrderView | null> {
    await this.effects.reservationSettled();
    return this.store.view();
  }

  async detail(): Promise<OrderDetail | null> {
    await this.effects.reservationSettled();
    return this.store.detail();
  }

  /**
   * Applies one revision of the order. Two dedupe layers, both here: the provider's delivery id
   * (transport: a redelivery is a duplicate whatever it says) and the version (business: an
   * older revision is kept on the timeline and flagged `stale`).
   * With `answerAfter: "reserve"` (the governed API) the call returns once stock is held; the
   * queue send and the D1 projection finish in the background (the alarm finishes them if this
   * object dies). With `"stored"` (channel webhooks, EDI) it returns once the revision is durable
   * and the reservation runs after too; reads of the order wait for it (`view`, `detail`).
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
        orderId: orderIdOf(this.ctx.id.toString()),
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
      if (opts.master) applyVerdict(this.store, s, opts.master);
      outcome = "accepted";
    } else if (order.version < s.version) {
      this.store.append(s, "stale_version", src, { version: order.version, applied: s.version, ...sourceRef });
      outcome = "stale";
    } else if (order.version === s.version) {
      this.store.append(s, "duplicate", src, { version: order.version, ...sourceRef });
      outcome = "duplicate";
    } else {
      outcome = "updated";
      this.store.append(s, "updated", src, { version: order.version, previous: s.version, ...sourceRef });
      // A revision's findings are kept for a person; the first version's verdict stands.
      if (opts.master) this.store.append(s, "master_data", "switchyard", { decision: opts.master.decision, findings: opts.master.findings, note: "revision: recorded only" });
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
    this.commit(s);
    await this.effects.settle(opts.answerAfter ?? "all");
    return { outcome, order: this.store.view()! };
  }

  async cancel(source: string, reason: string): Promise<{ outcome: "cancelled" | "already_cancelled" | "not_cancellable"; order: OrderView } | { outcome: "unknown_order" }> {
    const s = this.store.load();
    if (!s) return { outcome: "unknown_order" };
    if (s.status === "cancelled") return { outcome: "already_cancelled", order: this.store.view(s)! };
    const booked = isBookedInErp(s.status) || s.status === "sent_to_erp" || s.dispatch.state === "confirmed";
    if (!this.store.transition(s, "cancelled", source, { reason })) {
      this.commit(s);
      await this.effects.drain();
      return { outcome: "not_cancellable", order: this.store.view()! };
    }
    s.pending = s.pending.filter((e) => e !== "reserve" && e !== "enqueue");
    s.pending.push("release");
    s.deferred = undefined;
    this.effects.release.onCancelled(s);
    if (booked) s.pending.push("enqueue_cancel");
    else {
      s.dispatch.state = "skipped";
      this.timers.clear("watch");
    }
    this.commit(s);
    await this.effects.drain();
    return { outcome: "cancelled", order: this.store.view()! };
  }

  /** Dispatch reports each ERP attempt and its end; every report lands on the timeline. */
  async recordErp(r: ErpReport): Promise<OrderView | null> {
    // I/O first: nothing but storage may come between the load and the save below.
    const channel = this.store.load()?.channel;
    const ackSeconds = r.type === "accepted" && channel ? await this.fulfilment.ackDeadlineSeconds(channel) : 0;
    const s = this.store.load();
    if (!s) return null;
    const watchAfter = Number(this.env.OUTBOX_SWEEP_AFTER_SECONDS || "120") * 1000;
    switch (r.type) {
      case "attempt":
        s.dispatch.attempts = Math.max(s.dispatch.attempts, r.attempt);
        this.store.append(s, "erp_attempt", "dispatch", { ...r });
        if (s.status !== "cancelled") this.store.transition(s, "sent_to_erp", "dispatch");
        // The retry is on its way: watch again once it is overdue.
        this.timers.reset("watch", Date.now() + (r.retryInSeconds ?? 0) * 1000 + watchAfter);
        break;
      case "accepted": {
        const { holdsSeen, ...report } = r;
        this.store.append(s, "erp_attempt", "dispatch", { ...report });
        if (s.dispatch.state !== "confirmed") {
          s.erpAcceptedAt = holdsSeen?.at ?? Date.now();
          // Dispatch marked the holds for its whole batch; otherwise the order owes the mark.
          if (holdsSeen) this.store.append(s, "holds_seen_by_erp", "inventory", { marked: holdsSeen.marked });
          else s.pending.push("mark_seen");
        }
        s.erpOrderId = r.erpOrderId;
        if (r.connection) s.erpConnection = r.connection;
        s.dispatch.state = "confirmed";
        s.exceptionReason = undefined;
        s.exceptionDetail = undefined;
        this.timers.clear("watch");
        if (s.status !== "cancelled") {
          // A re-dispatched order (reconciliation) is erp_accepted already: nothing to walk through.
          if (s.status !== "sent_to_erp" && s.status !== "erp_accepted") this.store.transition(s, "sent_to_erp", "dispatch");
          this.store.transition(s, "erp_accepted", "dispatch", { erpOrderId: r.erpOrderId });
          if (ackSeconds > 0 && s.ackDueAt === undefined) {
            // The ERP releases the order to the warehouse or 3PL: their acknowledgement is due.
            s.ackDueAt = Date.now() + ackSeconds * 1000;
            this.timers.reset("ack", s.ackDueAt);
            this.store.append(s, "ack_deadline_set", "switchyard", { dueAt: new Date(s.ackDueAt).toISOString() });
          }
          this.fulfilment.applyDeferred(s);
          this.effects.release.onErpAccepted(s);
        } else if (!s.pending.includes("enqueue_cancel") && !s.cancelSentAt) {
          // Cancelled while the booking was in flight: the ERP must hear about the cancel too.
          s.pending.push("enqueue_cancel");
        }
        break;
      }
      case "rejected":
        this.store.append(s, "erp_attempt", "dispatch", { ...r });
        s.dispatch.state = "rejected";
        s.exceptionReason = r.code ?? "erp_rejected";
        s.exceptionDetail = r.reason;
        this.timers.clear("watch");
        if (s.status !== "cancelled") {
          this.store.transition(s, "erp_rejected", "dispatch", { reason: r.reason });
          this.store.transition(s, "exception", "dispatch", { reason: s.exceptionReason, detail: r.reason });
        }
        break;
      case "dead_letter":
        this.store.append(s, "dead_lettered", "dispatch", { ...r, lastError: lastAttemptError(this.store.detail(s)?.timeline ?? []) });
        this.timers.clear("watch");
        if (s.dispatch.state !== "confirmed") {
          s.dispatch.state = "dead";
          s.exceptionReason = "dead_letter";
          s.exceptionDetail = r.reason;
          if (s.status !== "cancelled") this.store.transition(s, "exception", "dispatch", { reason: "dead_letter", detail: r.reason });
        }
        break;
      case "cancel_sent":
        s.cancelSentAt = new Date().toISOString();
        this.timers.clear("watch");
        this.store.append(s, r.refused ? "erp_cancel_refused" : "erp_cancel_sent", "dispatch", { httpStatus: r.httpStatus, ...(r.detail ? { detail: r.detail } : {}) });
        break;
    }
    this.commit(s);
    await this.effects.drain();
    return this.store.view();
  }

  /** The customer's credit hold lifted (its registry calls this): on to the ERP. Idempotent. */
  async releaseCreditHold(reason: string): Promise<OrderView | null> {
    const s = this.store.load();
    if (!s) return null;
    if (!releaseHold(this.store, s, reason)) return this.store.view(s);
    this.commit(s);
    await this.effects.drain();
    return this.store.view();
  }

  /** A replayed dead letter or an operator asks for the ERP hand-off to be queued again. */
  async requeue(reason: string): Promise<OrderView | null> {
    const s = this.store.load();
    if (!s) return null;
    if (s.status === "cancelled" || s.dispatch.state === "confirmed" || s.dispatch.state === "skipped") return this.store.view(s);
    this.store.append(s, "requeued", "switchyard", { reason });
    s.dispatch.state = "pending";
    if (!s.pending.includes("enqueue")) s.pending.push("enqueue");
    this.commit(s);
    await this.effects.drain();
    return this.store.view();
  }

  /**
   * Reconciliation found that the ERP has no trace of this confirmed order: book it again. Safe
   * to repeat: the connector looks the order up by its reference before creating, so an ERP
   * that did have it answers with the existing booking.
   */
  async redispatch(reason: string): Promise<OrderView | null> {
    const s = this.store.load();
    if (!s) return null;
    if (s.status === "cancelled" || s.dispatch.state !== "confirmed") return this.store.view(s);
    this.store.append(s, "erp_redispatch", "reconcile", { reason, ...(s.erpOrderId ? { erpOrderId: s.erpOrderId } : {}) });
    s.dispatch.state = "pending";
    if (!s.pending.includes("enqueue")) s.pending.push("enqueue");
    this.commit(s);
    await this.effects.drain();
    return this.store.view();
  }

  recordShipment(ev: ShipmentEvent, scope: FactScope): Promise<ShipmentOutcome> {
    return this.fulfilment.recordShipment(ev, scope);
  }

  /** A SKU's object filled a backordered line (order-backorders.ts); the effects it owes run before the answer. */
  async backorderFilled(n: FillNotice) {
    const r = this.effects.backorders.onFilled(n);
    if (r.outcome === "applied") await this.effects.drain();
    return r;
  }

  /** The warehouse received returned units of one of this order's RMAs (order-returns.ts). */
  async recordReturnReceipt(rmaId: string, r: { eventId: string; lines: ReceiptLine[] }) {
    const s = this.store.load();
    if (!s) return { outcome: "unknown_rma" as const };
    const out = this.effects.returns.receipt(s, rmaId, r);
    if (out.outcome !== "accepted") return out;
    this.commit(s);
    await this.effects.drain();
    return out;
  }

  /**
   * The payload dispatch sends to the ERP, or null when there is nothing to send: the order, its
   * dispatch state, and `held` (per line, the location its stock is held at, for the ERP's
   * ship-from), all from one read of the object, after any reservation still owed has run.
   */
  async erpPayload(): Promise<{ order: CanonicalOrder & { orderId: string; orchestrationId: string }; version: number; status: OrderStatus; erpOrderId?: string; erpConnection?: string; dispatchState: string; lastError: string | null; held: { lineNo: number; location: string }[] } | null> {
    await this.effects.reservationSettled();
    const s = this.store.load();
    if (!s) return null;
    const timeline = this.store.detail(s)?.timeline ?? [];
    return {
      order: { ...s.order, orderId: s.orderId, orchestrationId: s.orchestrationId },
      version: s.dispatch.version,
      status: s.status,
      dispatchState: s.dispatch.state,
      lastError: lastAttemptError(timeline),
      held: [...heldLocations(timeline)].map(([lineNo, location]) => ({ lineNo, location })),
      ...(s.erpOrderId ? { erpOrderId: s.erpOrderId } : {}),
      ...(s.erpConnection ? { erpConnection: s.erpConnection } : {}),
    };
  }

  /** Alarm: due timers (the hand-off watch, the acknowledgement deadline), then whatever effects are owed. */
  async onAlarm(now: number): Promise<void> {
    if (this.timers.isDue("ack", now)) {
      this.timers.clear("ack");
      this.fulfilment.onAckDeadline();
    }
    if (this.timers.isDue("watch", now)) {
      this.timers.clear("watch");
      this.#watch();
    }
    this.effects.release.onAlarm(now);
    const s = this.store.load();
    if (!s) return;
    try {
      // The alarm is the durable record of owed effects: a projection put off is done now.
      await this.effects.drain({ projectNow: true });
    } catch (e) {
      log.error("order effects failed; retrying", { orderId: s.orderId, orchestrationId: s.orchestrationId, error: String(e) });
      this.effects.retryLater();
    }
  }

  /** Nothing moved on the hand-off since it was sent: send it again (the consumer and the ERP connector are idempotent). */
  #watch(): void {
    const s = this.store.load();
    if (!s || (s.status === "cancelled" && (s.cancelSentAt || !s.erpOrderId))) return;
    if (s.status === "cancelled") {
      if (!s.pending.includes("enqueue_cancel")) s.pending.push("enqueue_cancel");
      this.store.append(s, "requeued", "switchyard", { reason: "the ERP cancel was not confirmed in time", kind: "erp.cancel" });
    } else if (s.dispatch.state === "pending" || s.dispatch.state === "enqueued") {
      if (!s.pending.includes("enqueue")) s.pending.push("enqueue");
      this.store.append(s, "requeued", "switchyard", { reason: "no progress on the ERP hand-off since it was sent" });
    } else return;
    this.commit(s);
  }
}

function lastAttemptError(timeline: readonly Pick<TimelineEntry, "type" | "detail">[]): string | null {
  const attempts = timeline.filter((t) => t.type === "erp_attempt");
  const d = attempts.at(-1)?.detail as { error?: string; httpStatus?: number } | undefined;
  return d?.error ?? (d?.httpStatus ? `HTTP ${d.httpStatus}` : null);
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
