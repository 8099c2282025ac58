/**
 * The order side of a TransactionDO (one object per (channel, externalId)): business-identity
 * dedupe by version, the order state machine, and the side effects each change owes
 * (reservations, the D1 projection, the ERP queue). State changes are written synchronously
 * before any I/O; effects are drained afterwards and are idempotent, so a crash or a failed
 * effect is finished by the next call or by the alarm.
 */
import type { CanonicalOrder, OrderSource, ShipmentEvent } from "../core/canonical";
import { canTransition, isBookedInErp, statusFromLines, type OrderStatus } from "../core/order-state";
import type { Env } from "../lib/env";
import { newId } from "../lib/ids";
import { consumeShipment, loadPolicy, releaseOrder, reserveOrder } from "../lib/reservations";
import { projectionStatements } from "./order-projection";
import type { Effect, ErpReport, OrderState, OrderView, SubmitOptions, SubmitResult, TimelineEntry } from "./order-types";

const RETRY_EFFECTS_MS = 15_000;

export class OrderRole {
  #draining: Promise<void> | null = null;
  /** Resolved after each effect is applied, for callers waiting on part of a drain. */
  #progress: (() => void)[] = [];

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
  ) {}

  #load(): OrderState | null {
    const row = this.ctx.storage.sql.exec<{ v: string }>("SELECT v FROM kv WHERE k = 'order'").toArray()[0];
    return row ? (JSON.parse(row.v) as OrderState) : null;
  }

  #save(s: OrderState, touch = true): void {
    if (touch) s.updatedAt = nextStamp(s.updatedAt);
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO kv (k, v) VALUES ('order', ?)", JSON.stringify(s));
  }

  #append(s: OrderState, type: string, source: string, detail: Record<string, unknown> = {}): void {
    this.ctx.storage.sql.exec(
      "INSERT INTO timeline (at, type, source, detail) VALUES (?, ?, ?, ?)",
      new Date().toISOString(),
      type,
      source,
      JSON.stringify({ orchestrationId: s.orchestrationId, ...detail }),
    );
  }

  #transition(s: OrderState, to: OrderStatus, source: string, detail: Record<string, unknown> = {}): boolean {
    if (s.status === to) return false;
    if (!canTransition(s.status, to)) {
      this.#append(s, "transition_refused", source, { from: s.status, to, ...detail });
      return false;
    }
    this.#append(s, "status_changed", source, { from: s.status, to, ...detail });
    s.status = to;
    return true;
  }

  view(s: OrderState | null = this.#load()): OrderView | null {
    if (!s) return null;
    return {
      orderId: s.orderId,
      orchestrationId: s.orchestrationId,
      channel: s.channel,
      externalId: s.externalId,
      version: s.version,
      status: s.status,
      lines: s.lines.map((l) => ({ sku: l.sku, quantity: l.quantity, reserved: l.reserved, backordered: l.backordered })),
      ...(s.erpOrderId ? { erpOrderId: s.erpOrderId } : {}),
      ...(s.exceptionReason ? { exceptionReason: s.exceptionReason } : {}),
    };
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
    let s = this.#load();
    let outcome: SubmitResult["outcome"];
    const src = `${source}${sourceRef.connectionId ? `:${String(sourceRef.connectionId)}` : ""}`;
    const deliveryKey = sourceRef.deliveryId ? `delivery:${String(sourceRef.connectionId ?? "")}:${String(sourceRef.deliveryId)}` : null;
    if (s && deliveryKey && this.ctx.storage.sql.exec("SELECT 1 FROM kv WHERE k = ?", deliveryKey).toArray().length) {
      return { outcome: "duplicate", order: this.view(s)! };
    }
    if (deliveryKey) this.ctx.storage.sql.exec("INSERT OR IGNORE INTO kv (k, v) VALUES (?, ?)", deliveryKey, String(Date.now()));
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
      this.#append(s, "received", src, { version: order.version, ...sourceRef });
      this.#transition(s, "validated", "switchyard");
      outcome = "accepted";
      this.ctx.storage.setAlarm(Date.now() + RETRY_EFFECTS_MS);
    } else if (order.version < s.version) {
      this.#append(s, "stale_version", src, { version: order.version, applied: s.version, ...sourceRef });
      outcome = "stale";
    } else if (order.version === s.version) {
      this.#append(s, "duplicate", src, { version: order.version, ...sourceRef });
      outcome = "duplicate";
    } else {
      outcome = "updated";
      this.#append(s, "updated", src, { version: order.version, previous: s.version, ...sourceRef });
      const sameLines = JSON.stringify(linesOf(order).map((l) => [l.sku, l.quantity])) === JSON.stringify(s.lines.map((l) => [l.sku, l.quantity]));
      const wasWithErp = isBookedInErp(s.status) || s.status === "sent_to_erp";
      s.order = order;
      s.version = order.version;
      if (wasWithErp) {
        // The ERP has this order already: keep what it booked, flag the change for a person.
        this.#append(s, "update_after_erp", "switchyard", { note: "revision recorded, not re-sent; the ERP keeps the booked version" });
      } else if (!sameLines && s.status !== "cancelled") {
        s.pending.push("release", "reserve");
        s.lines = linesOf(order);
      }
      if (!wasWithErp && s.status !== "cancelled") s.dispatch.version = order.version;
    }
    this.#save(s);
    await this.#settle(opts.answerAfter ?? "all");
    return { outcome, order: this.view()! };
  }

  /** Waits for all owed effects, or only until no reservation change is owed (the rest runs on). */
  async #settle(until: "all" | "reserve"): Promise<void> {
    const run = this.drain();
    if (until === "all") return run;
    this.ctx.waitUntil(
      run.catch(async (e) => {
        console.error(JSON.stringify({ level: "error", msg: "background effects failed; the alarm retries", error: String(e) }));
        await this.ctx.storage.setAlarm(Date.now() + RETRY_EFFECTS_MS);
      }),
    );
    const held = () => !(this.#load()?.pending ?? []).some((e) => e === "reserve" || e === "release");
    while (!held()) {
      await Promise.race([run, new Promise<void>((resolve) => this.#progress.push(resolve))]);
    }
  }

  async cancel(source: string, reason: string): Promise<{ outcome: "cancelled" | "already_cancelled" | "not_cancellable" | "unknown_order"; order: OrderView | null }> {
    const s = this.#load();
    if (!s) return { outcome: "unknown_order", order: null };
    if (s.status === "cancelled") return { outcome: "already_cancelled", order: this.view(s) };
    const booked = isBookedInErp(s.status) || s.status === "sent_to_erp" || s.dispatch.state === "confirmed";
    if (!this.#transition(s, "cancelled", source, { reason })) {
      this.#save(s);
      await this.drain();
      return { outcome: "not_cancellable", order: this.view(s) };
    }
    s.pending = s.pending.filter((e) => e !== "reserve" && e !== "enqueue");
    s.pending.push("release");
    if (booked) s.pending.push("enqueue_cancel");
    else s.dispatch.state = "skipped";
    this.#save(s);
    await this.drain();
    return { outcome: "cancelled", order: this.view() };
  }

  /** Dispatch reports each ERP attempt and its end; every report lands on the timeline. */
  async recordErp(r: ErpReport): Promise<OrderView | null> {
    // I/O first: nothing but storage may come between the load and the save below.
    const ackSeconds = r.type === "accepted" ? await this.#ackDeadlineSeconds() : 0;
    const s = this.#load();
    if (!s) return null;
    switch (r.type) {
      case "attempt":
        s.dispatch.attempts = Math.max(s.dispatch.attempts, r.attempt);
        this.#append(s, "erp_attempt", "dispatch", { ...r });
        if (s.status !== "cancelled") this.#transition(s, "sent_to_erp", "dispatch");
        break;
      case "accepted":
        this.#append(s, "erp_attempt", "dispatch", { ...r });
        s.erpOrderId = r.erpOrderId;
        s.dispatch.state = "confirmed";
        s.exceptionReason = undefined;
        s.exceptionDetail = undefined;
        if (s.status !== "cancelled") {
          if (s.status !== "sent_to_erp") this.#transition(s, "sent_to_erp", "dispatch");
          this.#transition(s, "erp_accepted", "dispatch", { erpOrderId: r.erpOrderId });
          if (ackSeconds > 0 && s.ackDueAt === undefined) {
            // The ERP releases the order to the warehouse or 3PL: their acknowledgement is due.
            s.ackDueAt = Date.now() + ackSeconds * 1000;
            this.#append(s, "ack_deadline_set", "switchyard", { dueAt: new Date(s.ackDueAt).toISOString() });
          }
        } else if (!s.pending.includes("enqueue_cancel")) {
          // Cancelled while the booking was in flight: the ERP must hear about the cancel too.
          s.pending.push("enqueue_cancel");
        }
        break;
      case "rejected":
        this.#append(s, "erp_attempt", "dispatch", { ...r });
        s.dispatch.state = "rejected";
        s.exceptionReason = "erp_rejected";
        s.exceptionDetail = r.reason;
        if (s.status !== "cancelled") {
          this.#transition(s, "erp_rejected", "dispatch", { reason: r.reason });
          this.#transition(s, "exception", "dispatch", { reason: "erp_rejected", detail: r.reason });
        }
        break;
      case "dead_letter":
        this.#append(s, "dead_lettered", "dispatch", { ...r });
        if (s.dispatch.state !== "confirmed") {
          s.dispatch.state = "dead";
          s.exceptionReason = "dead_letter";
          s.exceptionDetail = r.reason;
          if (s.status !== "cancelled") this.#transition(s, "exception", "dispatch", { reason: "dead_letter", detail: r.reason });
        }
        break;
      case "cancel_sent":
        this.#append(s, "erp_cancel_sent", "dispatch", { httpStatus: r.httpStatus });
        break;
    }
    this.#save(s);
    if (s.ackDueAt !== undefined) {
      // One alarm per object: keep whichever is sooner, the deadline or an effects retry.
      const current = await this.ctx.storage.getAlarm();
      if (current === null || current > s.ackDueAt) await this.ctx.storage.setAlarm(s.ackDueAt);
    }
    await this.drain();
    return this.view();
  }

  /** Channel facts about an order (status words, refunds, fulfilments): kept on its timeline. */
  async noteChannelEvent(type: string, source: string, detail: Record<string, unknown>): Promise<OrderView | null> {
    const s = this.#load();
    if (!s) return null;
    this.#append(s, type, source, detail);
    this.#save(s);
    await this.drain();
    return this.view();
  }

  /** A WMS/3PL fact about the physical order. Deduped by eventId; shipped units are consumed from stock. */
  async recordShipment(ev: ShipmentEvent): Promise<{ outcome: "accepted" | "duplicate" | "unknown_order"; order: OrderView | null }> {
    const s = this.#load();
    if (!s) return { outcome: "unknown_order", order: null };
    const seen = this.ctx.storage.sql.exec("SELECT 1 FROM kv WHERE k = ?", `shipment:${ev.eventId}`).toArray().length > 0;
    if (seen) return { outcome: "duplicate", order: this.view(s) };
    this.ctx.storage.sql.exec("INSERT INTO kv (k, v) VALUES (?, ?)", `shipment:${ev.eventId}`, JSON.stringify(ev));
    const src = `${ev.source}:${ev.location}`;
    s.ackDueAt = undefined;
    if (s.status === "exception" && s.exceptionReason === "ack_timeout") {
      s.exceptionReason = undefined;
      s.exceptionDetail = undefined;
    }
    this.#append(s, `shipment_${ev.type}`, src, { eventId: ev.eventId, location: ev.location, lines: ev.lines, ...(ev.carrier ? { carrier: ev.carrier } : {}), ...(ev.tracking ? { tracking: ev.tracking } : {}) });
    switch (ev.type) {
      case "acknowledged":
        this.#transition(s, "acknowledged", src);
        break;
      case "rejected":
        s.exceptionReason = "ack_timeout";
        s.exceptionDetail = `${ev.source} at ${ev.location} rejected the shipment request`;
        this.#transition(s, "exception", src, { reason: s.exceptionDetail });
        break;
      case "short_pick":
        this.#transition(s, "short_picked", src, { lines: ev.lines });
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
        this.#transition(s, all ? "shipped" : "partially_shipped", src, { carrier: ev.carrier, tracking: ev.tracking });
        s.shipments = [...(s.shipments ?? []), ...shipped.filter((x) => x.quantity > 0)];
        s.pending.push("consume");
        break;
      }
      case "delivered":
        this.#transition(s, "delivered", src);
        break;
    }
    this.#save(s);
    await this.drain();
    return { outcome: "accepted", order: this.view() };
  }

  /** A return authorisation for shipped units; the units are returns_pending at the WMS until released. */
  async recordReturn(r: { eventId: string; lines: { sku: string; quantity: number }[]; reason: string }): Promise<{ outcome: "accepted" | "duplicate" | "not_returnable"; rmaId?: string; status: OrderStatus }> {
    const s = this.#load();
    if (!s) return { outcome: "not_returnable", status: "received" };
    const prior = this.ctx.storage.sql.exec<{ v: string }>("SELECT v FROM kv WHERE k = ?", `return:${r.eventId}`).toArray()[0];
    if (prior) return { outcome: "duplicate", rmaId: prior.v, status: s.status };
    if (!["shipped", "delivered", "closed", "partially_shipped", "returned"].includes(s.status)) return { outcome: "not_returnable", status: s.status };
    const rmaId = newId("rma");
    this.ctx.storage.sql.exec("INSERT INTO kv (k, v) VALUES (?, ?)", `return:${r.eventId}`, rmaId);
    this.#append(s, "return_authorised", "api", { rmaId, eventId: r.eventId, lines: r.lines, reason: r.reason });
    this.#transition(s, "returned", "api", { rmaId });
    this.#save(s);
    await this.drain();
    return { outcome: "accepted", rmaId, status: s.status };
  }

  /** A replayed dead letter or the outbox sweeper asks for the ERP hand-off to be queued again. */
  async requeue(reason: string): Promise<OrderView | null> {
    const s = this.#load();
    if (!s) return null;
    if (s.status === "cancelled" || s.dispatch.state === "confirmed") return this.view(s);
    this.#append(s, "requeued", "switchyard", { reason });
    s.dispatch.state = "pending";
    if (!s.pending.includes("enqueue")) s.pending.push("enqueue");
    this.#save(s);
    await this.drain();
    return this.view();
  }

  /** The payload dispatch sends to the ERP, or null when there is nothing to send. */
  erpPayload(): { order: CanonicalOrder & { orderId: string; orchestrationId: string }; version: number; status: OrderStatus; erpOrderId?: string; dispatchState: string } | null {
    const s = this.#load();
    if (!s) return null;
    return {
      order: { ...s.order, orderId: s.orderId, orchestrationId: s.orchestrationId },
      version: s.dispatch.version,
      status: s.status,
      dispatchState: s.dispatch.state,
      ...(s.erpOrderId ? { erpOrderId: s.erpOrderId } : {}),
    };
  }

  /** Runs owed effects one at a time; concurrent callers wait for the same run. */
  drain(): Promise<void> {
    if (!this.#draining) {
      this.#draining = this.#drainOnce().finally(() => {
        this.#draining = null;
      });
    }
    return this.#draining;
  }

  async #drainOnce(): Promise<void> {
    for (;;) {
      const s = this.#load();
      if (!s) return;
      const effect = s.pending[0];
      if (!effect) {
        // Other calls may have changed the state while an earlier projection was in flight.
        if (s.projectedAt === s.updatedAt && !this.#hasUnprojected(s)) return;
        await this.#project(s);
        continue;
      }
      const apply = await this.#run(effect, s);
      // Other RPCs may have written while the effect awaited: apply its result to fresh state.
      const fresh = this.#load()!;
      const i = fresh.pending.indexOf(effect);
      if (i >= 0) fresh.pending.splice(i, 1);
      apply(fresh);
      this.#save(fresh);
      const waiting = this.#progress;
      this.#progress = [];
      for (const w of waiting) w();
    }
  }

  #hasUnprojected(s: OrderState): boolean {
    const row = this.ctx.storage.sql.exec<{ n: number }>("SELECT COALESCE(MAX(seq), 0) AS n FROM timeline").one();
    return row.n > s.projectedSeq;
  }

  async #run(effect: Effect, s: OrderState): Promise<(fresh: OrderState) => void> {
    switch (effect) {
      case "reserve": {
        if (s.status === "cancelled") return () => {};
        const policy = await loadPolicy(this.env, s.channel);
        const r = await reserveOrder(this.env, {
          orderId: s.orderId,
          channel: s.channel,
          lines: s.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, quantity: l.quantity })),
          policy,
          at: Date.now(),
        });
        return (f) => {
          for (const out of r.lines) {
            const line = f.lines.find((l) => l.lineNo === out.lineNo);
            if (line) Object.assign(line, { reserved: out.reserved, backordered: out.backordered });
          }
          this.#append(f, "reservation", "inventory", { lines: r.lines, status: r.status });
          if (f.status === "cancelled") return;
          const next = statusFromLines(f.lines);
          if (next === "rejected") {
            f.exceptionReason = "insufficient_stock";
            f.exceptionDetail = "no line could be reserved and the channel does not allow backorders";
            f.dispatch.state = "skipped";
            f.pending = f.pending.filter((e) => e !== "enqueue");
            this.#transition(f, "exception", "inventory", { reason: "insufficient_stock" });
          } else {
            this.#transition(f, next, "inventory");
          }
        };
      }
      case "release": {
        // A cancellation leaves a tombstone in each SKU's object, so a late duplicate reserve holds nothing;
        // a revision releases plainly so its new lines can be reserved afresh.
        const released = await releaseOrder(this.env, s.orderId, s.lines, s.status === "cancelled" ? "cancel" : "revision");
        return (f) => {
          for (const l of f.lines) l.reserved = 0;
          this.#append(f, "holds_released", "inventory", { released });
        };
      }
      case "enqueue": {
        if (s.status === "cancelled" || s.dispatch.state === "skipped" || s.dispatch.state === "confirmed") return () => {};
        // The message names this object, so the consumer needs nothing from D1: the projection
        // is written once, after the effects, instead of once before and once after the send.
        const at = new Date().toISOString();
        const msg = { kind: "erp.order" as const, key: `${s.orderId}:${s.dispatch.version}`, orderId: s.orderId, orchestrationId: s.orchestrationId, version: s.dispatch.version, channel: s.channel, externalId: s.externalId };
        let error: string | null = null;
        try {
          await this.env.DISPATCH_QUEUE.send(msg);
        } catch (e) {
          error = String(e);
        }
        return (f) => {
          f.dispatch.enqueuedAt = at;
          if (error) {
            // The order is durable; the outbox sweeper re-enqueues what never reached the queue.
            this.#append(f, "enqueue_failed", "switchyard", { error });
            return;
          }
          if (f.dispatch.state === "pending") f.dispatch.state = "enqueued";
          this.#append(f, "enqueued", "switchyard", { queue: "dispatch", version: msg.version });
        };
      }
      case "consume": {
        const todo = s.shipments?.filter((x) => !x.consumed) ?? [];
        if (!todo.length) return () => {};
        await consumeShipment(this.env, s.orderId, todo);
        return (f) => {
          for (const x of f.shipments ?? []) x.consumed = true;
          this.#append(f, "stock_consumed", "inventory", { lines: todo.map(({ sku, quantity, location }) => ({ sku, quantity, location })) });
        };
      }
      case "enqueue_cancel": {
        await this.env.DISPATCH_QUEUE.send({ kind: "erp.cancel", key: `${s.orderId}:cancel`, orderId: s.orderId, orchestrationId: s.orchestrationId, version: s.version, channel: s.channel, externalId: s.externalId });
        return (f) => this.#append(f, "enqueued", "switchyard", { queue: "dispatch", kind: "erp.cancel" });
      }
    }
  }

  async #project(s: OrderState): Promise<void> {
    const rows = this.ctx.storage.sql
      .exec<{ seq: number; at: string; type: string; source: string; detail: string }>("SELECT seq, at, type, source, detail FROM timeline WHERE seq > ? ORDER BY seq", s.projectedSeq)
      .toArray();
    const entries: TimelineEntry[] = rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
    await this.env.DB.batch(projectionStatements(this.env.DB, s, entries));
    const latest = this.#load()!;
    latest.projectedSeq = Math.max(latest.projectedSeq, ...entries.map((e) => e.seq));
    if (latest.updatedAt === s.updatedAt) latest.projectedAt = s.updatedAt;
    this.#save(latest, false);
    s.projectedSeq = latest.projectedSeq;
  }

  async #ackDeadlineSeconds(): Promise<number> {
    const s = this.#load();
    const policy = s ? await loadPolicy(this.env, s.channel).catch(() => null) : null;
    return policy?.ackDeadlineSeconds ?? Number(this.env.ACK_DEADLINE_SECONDS || "0");
  }

  /** An acknowledgement that did not come in time puts the order in front of a person. */
  #checkAckDeadline(): void {
    const s = this.#load();
    if (!s || s.ackDueAt === undefined) return;
    if (s.ackDueAt > Date.now()) {
      this.ctx.storage.setAlarm(s.ackDueAt);
      return;
    }
    s.ackDueAt = undefined;
    if (s.status === "erp_accepted" || s.status === "released") {
      s.exceptionReason = "ack_timeout";
      s.exceptionDetail = "no acknowledgement from the warehouse or 3PL before the deadline";
      this.#transition(s, "exception", "switchyard", { reason: "ack_timeout" });
    }
    this.#save(s);
  }

  /** Alarm: the acknowledgement deadline, and effects a crash or a failure left owed. */
  async onAlarm(): Promise<void> {
    this.#checkAckDeadline();
    const s = this.#load();
    if (!s) return;
    try {
      await this.drain();
    } catch (e) {
      console.error(JSON.stringify({ level: "error", msg: "order effects failed", orderId: s.orderId, orchestrationId: s.orchestrationId, error: String(e) }));
      await this.ctx.storage.setAlarm(Date.now() + RETRY_EFFECTS_MS);
    }
  }
}

/** A strictly increasing ISO stamp, so the D1 projection can refuse older writes. */
function nextStamp(prev: string): string {
  const now = new Date().toISOString();
  return now > prev ? now : new Date(Date.parse(prev) + 1).toISOString();
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
