/**
 * The side effects an order change owes — reserve or release stock, consume shipped stock, mark
 * holds seen by the ERP, send to the ERP queue, write the D1 projection — drained one at a time
 * after the change is stored. Each is idempotent and applied to freshly loaded state. The
 * `effects` timer is set in the same storage write as the change that owes them (OrderRole
 * `commit`) and cleared only when everything is done, so a crash, a failure or a concurrent call
 * is finished by the next drain or by the alarm.
 */
import { statusFromLines } from "../../core/order-state";
import { writeOrderProjections } from "../../db/orders";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";
import { loadPolicy } from "../../lib/policies";
import { subscribedTypes } from "../../lib/subscribed";
import { consumeShipment, markOrderSeenByErp, reallocateLine, releaseOrder, reserveOrder, type LineOutcome } from "../../lib/reservations";
import { InjectedFault, type Faults } from "../faults";
import type { Timers } from "../timers";
import { OrderBackorders } from "./order-backorders";
import { OrderEdi } from "./order-edi";
import { registerCreditHold } from "./order-master";
import { projectionOf } from "./order-projection";
import { OrderRelease } from "./order-release";
import { OrderReturns } from "./order-returns";
import type { OrderStore } from "./order-store";
import type { Effect, OrderState, TimelineEntry } from "./order-types";

/** Owed effects a failure left are tried again after this long (EFFECTS_RETRY_MS; tests shorten it). */
export const RETRY_EFFECTS_MS = 15_000;
/**
 * How long an order's D1 projection waits for more changes (PROJECTION_COALESCE_MS): an order
 * booked by a fast ERP changes again within a second of its reservation, and both changes then go
 * to D1 in one write instead of two.
 */
export const PROJECTION_COALESCE_MS = 1000;

export class OrderEffects {
  #draining: Promise<void> | null = null;
  /** Resolved after each effect is applied, for callers waiting on part of a drain. */
  #progress: (() => void)[] = [];
  /** The order after the ERP: releases to fulfillers, EDI out, backorder fills, returns (their own modules). */
  readonly release: OrderRelease;
  readonly edi: OrderEdi;
  readonly backorders: OrderBackorders;
  readonly returns: OrderReturns;

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly store: OrderStore,
    private readonly timers: Timers,
    private readonly faults: Faults,
  ) {
    const commit = (s: OrderState) => {
      this.store.save(s);
      this.owe();
    };
    this.release = new OrderRelease(env, store, timers, commit);
    this.edi = new OrderEdi(ctx.storage.sql, env, store);
    this.backorders = new OrderBackorders(store, this.release, commit);
    this.returns = new OrderReturns(env, store);
  }

  /**
   * When the alarm must run the drain if nothing else does. In memory, not a timer row: what is
   * owed is in the state document (`pending`, the projection marks) and the alarm set with the
   * write is the durable record, so an evicted object's alarm still drains it. A row here was
   * written and deleted on every change.
   */
  #dueAt: number | null = null;
  /** When the pending projection was first put off (null: none is), and its timer. */
  #deferredSince: number | null = null;
  #projectTimer: ReturnType<typeof setTimeout> | null = null;
  #projectNow = false;

  dueAt(): number | null {
    return this.#dueAt;
  }

  /** Marks effects owed: call in the same synchronous block as the write that owes them. */
  owe(now = Date.now()): void {
    this.#dueAt = Math.min(this.#dueAt ?? Infinity, now + this.#retryMs());
    this.timers.armNow();
  }

  /** After a failed drain: try again in a while (not at once, or a failing effect would spin). */
  retryLater(now = Date.now()): void {
    this.#dueAt = now + this.#retryMs();
    this.timers.armNow();
  }

  /**
   * Waits for all owed effects, only until no reservation change is owed, or not at all (the
   * change is durable already: its alarm was set in the same write); the rest runs on.
   */
  async settle(until: "all" | "reserve" | "stored"): Promise<void> {
    if (until === "all") return this.drain({ projectNow: true });
    const run = this.#drainInBackground();
    if (until === "reserve") await this.#held(run);
  }

  /**
   * For reads: a revision answered before its reservation ran is shown once the reservation has
   * run (or failed: then as it stands, and the alarm tries again), so whoever reads an order after
   * its delivery was answered sees its stock held.
   */
  async reservationSettled(): Promise<void> {
    if (!this.#reservationOwed()) return;
    await this.#held(this.#drainInBackground()).catch(() => {});
  }

  /** A drain that runs on after its caller answers; a failure leaves the effects to the alarm. */
  #drainInBackground(): Promise<void> {
    const run = this.drain();
    this.ctx.waitUntil(run.catch((e) => this.#failed(e)));
    return run;
  }

  #reservationOwed(): boolean {
    return (this.store.load()?.pending ?? []).some((e) => e === "reserve" || e === "release");
  }

  async #held(run: Promise<void>): Promise<void> {
    while (this.#reservationOwed()) {
      await Promise.race([run, new Promise<void>((resolve) => this.#progress.push(resolve))]);
    }
  }

  /**
   * Runs owed effects one at a time; concurrent callers wait for the same run. The D1 projection
   * at the end waits up to PROJECTION_COALESCE_MS for more changes (an in-memory timer runs it;
   * the alarm set with the change stays as the durable record), unless `projectNow` (the alarm,
   * a caller that waits for everything).
   */
  drain(opts: { projectNow?: boolean } = {}): Promise<void> {
    if (opts.projectNow) this.#projectNow = true;
    if (!this.#draining) {
      this.#draining = this.#drainOnce().finally(() => {
        this.#draining = null;
      });
    }
    return this.#draining;
  }

  #failed(e: unknown): void {
    const o = this.store.load();
    log.error("order effects failed; the alarm retries", { orderId: o?.orderId, orchestrationId: o?.orchestrationId, error: String(e) });
    this.retryLater();
  }

  async #drainOnce(): Promise<void> {
    for (;;) {
      const s = this.store.load();
      if (!s) return;
      const effect = s.pending[0];
      if (!effect) {
        // Other calls may have changed the state while an earlier projection was in flight.
        if (s.projectedAt === s.updatedAt && !this.#hasUnprojected(s)) {
          this.#dueAt = null;
          this.#deferredSince = null;
          // Objects of earlier versions kept the owed-effects mark as a timer row.
          this.timers.clear("effects");
          await this.timers.arm();
          return;
        }
        if (this.#putOffProjection(s)) return;
        await this.#project(s);
        this.#projectNow = false;
        this.#deferredSince = null;
        continue;
      }
      const apply = await this.#run(effect, s);
      // Other RPCs may have written while the effect awaited: apply its result to fresh state.
      const fresh = this.store.load()!;
      const i = fresh.pending.indexOf(effect);
      if (i >= 0) fresh.pending.splice(i, 1);
      apply(fresh);
      this.store.save(fresh);
      this.timers.armNow();
      const waiting = this.#progress;
      this.#progress = [];
      for (const w of waiting) w();
    }
  }

  /**
   * Whether to leave the projection for a moment (more changes may come): the owed-effects alarm
   * stays set, so an object evicted meanwhile projects when it fires. An exception or a
   * cancellation is projected at once: those are what operators' lists are for.
   */
  #putOffProjection(s: OrderState, now = Date.now()): boolean {
    const window = Number(this.env.PROJECTION_COALESCE_MS ?? PROJECTION_COALESCE_MS);
    if (this.#projectNow || !(window > 0) || s.status === "exception" || s.status === "cancelled") return false;
    this.#deferredSince ??= now;
    const wait = this.#deferredSince + window - now;
    if (wait <= 0) return false;
    this.#projectTimer ??= setTimeout(() => {
      this.#projectTimer = null;
      this.drain({ projectNow: true }).catch((e) => this.#failed(e));
    }, wait);
    return true;
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
            if (line) Object.assign(line, { reserved: out.reserved, backordered: out.backordered, heldAt: out.allocations ?? [] });
          }
          const next = statusFromLines(f.lines);
          this.store.append(f, "reservation", "inventory", { lines: r.lines, status: next });
          if (f.status === "cancelled") return;
          this.edi.onReserved(f);
          if (next === "rejected") {
            f.exceptionReason = "insufficient_stock";
            f.exceptionDetail = "no line could be reserved and the channel does not allow backorders";
            f.dispatch.state = "skipped";
            f.pending = f.pending.filter((e) => e !== "enqueue");
            this.store.transition(f, "exception", "inventory", { reason: "insufficient_stock" });
          } else {
            this.store.transition(f, next, "inventory");
          }
        };
      }
      case "release": {
        // A cancellation leaves a tombstone in each SKU's object, so a late duplicate reserve holds nothing;
        // a revision releases plainly so its new lines can be reserved afresh.
        const released = await releaseOrder(this.env, s.orderId, s.lines, s.status === "cancelled" ? "cancel" : "revision");
        return (f) => {
          for (const l of f.lines) l.reserved = 0;
          this.store.append(f, "holds_released", "inventory", { released });
        };
      }
      case "enqueue": {
        if (s.status === "cancelled" || s.dispatch.state === "skipped" || s.dispatch.state === "confirmed") return () => {};
        const delay = Number(this.env.CHAOS_DELAY_EFFECTS_MS || "0");
        // Chaos runs only: widen the window between the answer and the hand-off, to kill the runtime in it.
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        const at = new Date().toISOString();
        const msg = { kind: "erp.order" as const, key: `${s.orderId}:${s.dispatch.version}`, orderId: s.orderId, orchestrationId: s.orchestrationId, version: s.dispatch.version };
        let error: string | null = null;
        try {
          // A dropped message is what a queue broker that dies with its process does: the watch below finds it.
          if (!this.faults.take("drop_enqueue")) await this.env.DISPATCH_QUEUE.send(msg);
        } catch (e) {
          error = String(e);
        }
        return (f) => {
          f.dispatch.enqueuedAt = at;
          // The order watches its own hand-off: no progress by then, and it sends again (idempotent at the ERP).
          this.timers.reset("watch", Date.now() + this.#watchAfterMs());
          if (error) {
            this.store.append(f, "enqueue_failed", "switchyard", { error });
            return;
          }
          if (f.dispatch.state === "pending") f.dispatch.state = "enqueued";
          this.store.append(f, "enqueued", "switchyard", { queue: "dispatch", version: msg.version });
        };
      }
      case "mark_seen": {
        // From now on the ERP's own `committed` includes these holds: a later snapshot must not count them twice.
        const marked = await markOrderSeenByErp(this.env, { orderId: s.orderId, skus: s.lines.map((l) => l.sku), at: s.erpAcceptedAt ?? Date.now() });
        return (f) => this.store.append(f, "holds_seen_by_erp", "inventory", { marked });
      }
      case "consume": {
        const todo = s.shipments?.filter((x) => !x.consumed) ?? [];
        if (!todo.length) return () => {};
        await consumeShipment(this.env, s.orderId, todo);
        return (f) => {
          for (const x of f.shipments ?? []) x.consumed = true;
          this.store.append(f, "stock_consumed", "inventory", { lines: todo.map(({ sku, quantity, location }) => ({ sku, quantity, location })) });
        };
      }
      case "reallocate":
        return this.#reallocate(s);
      case "plan_release":
      case "dispatch_fulfilment":
      case "reroute":
        return this.release.run(effect, s);
      case "edi_out":
        return this.edi.run(s);
      case "return_stock":
        return this.returns.run(s);
      case "credit_hold":
        return registerCreditHold(this.env, this.store, s);
      case "enqueue_cancel": {
        await this.env.DISPATCH_QUEUE.send({ kind: "erp.cancel", key: `${s.orderId}:cancel`, orderId: s.orderId, orchestrationId: s.orchestrationId, version: s.version });
        return (f) => {
          this.timers.reset("watch", Date.now() + this.#watchAfterMs());
          this.store.append(f, "enqueued", "switchyard", { queue: "dispatch", kind: "erp.cancel" });
        };
      }
    }
  }

  #retryMs(): number {
    return Number(this.env.EFFECTS_RETRY_MS) || RETRY_EFFECTS_MS;
  }

  #watchAfterMs(): number {
    return Number(this.env.OUTBOX_SWEEP_AFTER_SECONDS || "120") * 1000;
  }

  async #reallocate(s: OrderState): Promise<(fresh: OrderState) => void> {
    const todo = (s.shortPicks ?? []).filter((x) => !x.done);
    if (!todo.length) return () => {};
    const policy = await loadPolicy(this.env, s.channel);
    const outcomes: (LineOutcome & { from: string })[] = [];
    for (const pick of todo) {
      for (const short of pick.lines) {
        const line = s.lines.find((l) => l.sku === short.sku && l.shipped < l.quantity);
        if (!line) continue;
        const o = await reallocateLine(this.env, {
          orderId: s.orderId, lineNo: line.lineNo, sku: line.sku, channel: s.channel, policy, from: pick.location,
          short: short.quantity, remaining: line.quantity - line.shipped, eventId: pick.eventId, at: Date.now(),
        });
        outcomes.push({ ...o, from: pick.location });
      }
    }
    return (f) => {
      for (const o of outcomes) {
        const line = f.lines.find((l) => l.lineNo === o.lineNo);
        if (line) Object.assign(line, { reserved: o.reserved, backordered: o.backordered, heldAt: o.allocations ?? [] });
        // The re-allocated units go to the fulfillers of their new locations.
        this.release.releaseMore(f, (o.allocations ?? []).map((a) => ({ lineNo: o.lineNo, sku: o.sku, location: a.location, quantity: a.quantity })));
      }
      for (const p of f.shortPicks ?? []) if (todo.some((t) => t.eventId === p.eventId)) p.done = true;
      // Which location holds the units now, per line: what a person (or the next warehouse) needs to know.
      this.store.append(f, "reallocation", "inventory", {
        lines: outcomes.map((o) => ({ lineNo: o.lineNo, sku: o.sku, from: o.from, quantity: o.quantity, reserved: o.reserved, backordered: o.backordered, rejected: o.rejected, heldAt: o.allocations ?? [] })),
      });
      if (f.status !== "short_picked" || !outcomes.length) return;
      const held = outcomes.every((o) => o.reserved === o.quantity);
      const waiting = outcomes.every((o) => o.reserved + o.backordered === o.quantity);
      const heldAt = [...new Set(outcomes.flatMap((o) => (o.allocations ?? []).map((a) => a.location)))];
      if (held) this.store.transition(f, "reallocated", "inventory", { heldAt });
      else if (waiting) this.store.transition(f, "backordered", "inventory", { heldAt });
      else {
        f.exceptionReason = "short_pick_unresolved";
        f.exceptionDetail = "the units short at the warehouse could not be held at another location";
        this.store.transition(f, "exception", "inventory", { reason: "short_pick_unresolved" });
      }
    };
  }

  async #project(s: OrderState): Promise<void> {
    // Tests and chaos runs: D1 unavailable. The projection is an owed effect like any other.
    if (this.faults.take("d1_projection")) throw new InjectedFault("d1_projection");
    const rows = this.ctx.storage.sql
      .exec<{ seq: number; at: string; type: string; source: string; detail: string }>("SELECT seq, at, type, source, detail FROM timeline WHERE seq > ? ORDER BY seq", s.projectedSeq)
      .toArray();
    const entries: TimelineEntry[] = rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
    const lines = linesSignature(s);
    const [projection, wanted] = [projectionOf(s, entries), await subscribedTypes(this.env)];
    projection.events = projection.events.filter((e) => wanted(e.type));
    // Lines the last projection already wrote are not written again (most changes touch only the order's row).
    if (lines === s.projectedLines) projection.lines = null;
    // Never projected: D1 has no lines of it. Projected by an older version: unknown, so stale rows are deleted.
    else projection.previousLineCount = s.projectedLines !== undefined ? (JSON.parse(s.projectedLines) as unknown[]).length : s.projectedSeq === 0 ? 0 : null;
    await writeOrderProjections(this.env.DB, [projection]);
    this.store.noteProjected({ seq: Math.max(s.projectedSeq, ...entries.map((e) => e.seq)), lines, at: s.updatedAt });
  }
}

/** What the D1 order_lines rows of an order hold, compactly. */
function linesSignature(s: OrderState): string {
  return JSON.stringify(s.lines.map((l) => [l.lineNo, l.sku, l.quantity, l.unitPrice ?? null, l.reserved, l.backordered, l.shipped]));
}
