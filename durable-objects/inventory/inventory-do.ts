/**
 * InventoryDO — one per SKU (`env.INVENTORY.getByName(sku)`): the single writer of that SKU's
 * positions, reservations and counters, across every channel.
 *
 * Every mutating RPC runs its ledger operation (core/inventory/ledger.ts) inside one
 * `ctx.storage.transactionSync`: the check (free stock, pool, idempotency record) and the write
 * (rows and totals) have only synchronous SQLite between them, so no other request can
 * interleave, and the ledger's invariant check throwing rolls the whole operation back.
 * Everything that does I/O beyond storage — reading policies from D1, writing KV, recording
 * outbound events — happens later, in the alarm (projector.ts).
 */
import { DurableObject } from "cloudflare:workers";
import type { InventoryEvent } from "../../core/canonical";
import type { EventOutcome } from "../../core/inventory/events";
import * as ledger from "../../core/inventory/ledger";
import type { ReserveRequest, ReserveResult } from "../../core/inventory/ledger";
import type { PolicyOrDefault } from "../../core/inventory/policy";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";
import { countMetric } from "../../lib/metrics";
import type { RelocateRequest, RelocateResult } from "../../core/inventory/relocate";
import { Faults, InjectedFault } from "../faults";
import { TIMER_SCHEMA, Timers } from "../timers";
import { BACKORDER_SCHEMA, BackorderQueue } from "./backorder-queue";
import { PROJECTION_SCHEMA, Projector, type ForcedChannel } from "./projector";
import { SqlStore } from "./sql-store";

export interface Availability {
  sku: string;
  channel: string;
  available: number;
  asOf: string;
}

const DAY = 24 * 3600_000;
/** How long event ids and shipment ids are remembered for dedupe. */
const DEDUPE_RETENTION_MS = 30 * DAY;

export class InventoryDO extends DurableObject<Env> {
  readonly #store: SqlStore;
  readonly #timers: Timers;
  readonly #projector: Projector;
  readonly #faults: Faults;
  readonly #backorders: BackorderQueue;
  #running: Promise<unknown> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new SqlStore(ctx.storage.sql);
    this.#projector = new Projector(ctx.storage, env, this.#store, ctx);
    // The projection's due time lives in memory (projector.ts); the alarm is its durable record.
    this.#timers = new Timers(ctx.storage, () => this.#projector.dueAt());
    this.#faults = new Faults(ctx.storage.sql, env);
    this.#backorders = new BackorderQueue(ctx.storage.sql, this.#store, this.#timers);
    void ctx.blockConcurrencyWhile(async () => {
      this.#store.migrate([...TIMER_SCHEMA, ...PROJECTION_SCHEMA, ...BACKORDER_SCHEMA, `CREATE TABLE IF NOT EXISTS identity (k INTEGER PRIMARY KEY CHECK (k = 1), sku TEXT NOT NULL)`,
        // The latest on-hand a WMS or 3PL reported per location, kept apart from the position (which
        // the ERP may overwrite): reconciliation compares it with the ERP's figure.
        `CREATE TABLE IF NOT EXISTS stock_reports (location TEXT NOT NULL, source TEXT NOT NULL, on_hand INTEGER NOT NULL, as_of INTEGER NOT NULL, event_id TEXT NOT NULL, PRIMARY KEY (location, source))`]);
    });
  }

  /** Holds stock for one order line. Idempotent per (orderId, lineNo): a repeat returns the first outcome. */
  async reserve(input: ReserveRequest): Promise<ReserveResult> {
    if (!Number.isInteger(input.quantity) || input.quantity <= 0) throw new RangeError("quantity must be a positive integer");
    if (this.#faults.take("reserve")) throw new InjectedFault("reserve");
    const out = this.#mutate(input.sku, () => {
      const r = ledger.reserve(this.#store, input);
      this.#backorders.onReserved(input, r);
      // A first outcome changes the figures (or at least makes the channel known to the projection).
      if (!r.replayed) this.#projector.markChanged(input.at, Date.now(), input.channel);
      return r;
    });
    await this.#timers.arm();
    return out;
  }

  /** Releases holds (a cancel releases at once). `reason: "cancel"` is final for the line; other reasons let it be reserved afresh. */
  async release(input: { orderId: string; lineNo?: number; reason: string }): Promise<{ released: number }> {
    const released = this.#mutate(null, () => {
      const n = ledger.release(this.#store, input);
      if (n > 0) this.#projector.markChanged(Date.now(), Date.now());
      // A cancellation's units go to waiting backorders first (other releases are a saga's own steps).
      if (n > 0 && input.reason === "cancel") this.#fillBackorders();
      return n;
    });
    await this.#timers.arm();
    return { released };
  }

  /** A shipment from `location`: held units become shipped (deduped on `eventId`). */
  async consume(input: { orderId: string; lineNo?: number; location: string; quantity: number; eventId?: string; at?: number }): Promise<{ consumed: number; excess: number; duplicate: boolean }> {
    const at = input.at ?? Date.now();
    const out = this.#mutate(null, () => {
      const r = ledger.consume(this.#store, { ...input, at });
      if (!r.duplicate) this.#projector.markChanged(at, Date.now());
      return r;
    });
    await this.#timers.arm();
    return out;
  }

  /**
   * The ERP accepted the order at `at` (ms): from the first snapshot at or after `at`, its holds
   * are inside the ERP's committed and no longer subtracted. `location` limits it to one location
   * (for a location whose committed figure another system, a 3PL, owns).
   */
  async markSeenByErp(input: { orderId: string; at: number; location?: string }): Promise<{ marked: number }> {
    const { marked } = await this.markSeenByErpMany([input]);
    return { marked: marked[0] ?? 0 };
  }

  /**
   * `markSeenByErp` for many orders in one call (the dispatch consumer's batch: every order the
   * ERP accepted in it that holds this SKU). One write for all; `marked` per order, in order.
   */
  async markSeenByErpMany(inputs: { orderId: string; at: number; location?: string }[]): Promise<{ marked: number[] }> {
    if (this.#faults.take("markSeenByErp")) throw new InjectedFault("markSeenByErp");
    const marked = this.#mutate(null, () => {
      const counts = inputs.map((input) => ledger.markSeen(this.#store, input));
      const changed = inputs.filter((_, i) => counts[i]! > 0);
      for (const x of changed) this.#projector.markChanged(x.at, Date.now());
      if (changed.length) this.#fillBackorders();
      return counts;
    });
    await this.#timers.arm();
    return { marked };
  }

  /** Applies ERP/WMS/3PL facts for this SKU, in order. */
  async applyEvents(events: InventoryEvent[]): Promise<EventOutcome[]> {
    if (!events.length) return [];
    const out = this.#mutate(events[0]!.sku, () => {
      if (events.some((e) => e.sku !== events[0]!.sku)) throw new RangeError("all events of one call must be for this SKU");
      const now = Date.now();
      const outcomes = ledger.applyEvents(this.#store, events, now);
      events.forEach((e, i) => {
        const onHand = e.quantities?.onHand;
        if (outcomes[i] !== "accepted" || e.source === "erp" || typeof onHand !== "number") return;
        this.ctx.storage.sql.exec(
          "INSERT INTO stock_reports (location, source, on_hand, as_of, event_id) VALUES (?, ?, ?, ?, ?) ON CONFLICT (location, source) DO UPDATE SET on_hand = excluded.on_hand, as_of = excluded.as_of, event_id = excluded.event_id WHERE excluded.as_of >= stock_reports.as_of",
          e.location,
          e.source,
          onHand,
          Date.parse(e.asOf),
          e.eventId,
        );
      });
      const accepted = events.filter((_, i) => outcomes[i] === "accepted").map((e) => Date.parse(e.asOf));
      if (accepted.length) this.#projector.markChanged(Math.min(...accepted), now);
      if (accepted.length) this.#fillBackorders();
      return outcomes;
    });
    await this.#timers.arm();
    return out;
  }

  /**
   * A reroute: moves what a line holds at `from` to other eligible locations, all or nothing, in
   * one transaction (core/inventory/relocate.ts). Idempotent per `key`.
   */
  async relocate(input: RelocateRequest & { key: string; sku: string }): Promise<RelocateResult> {
    const out = this.#mutate(input.sku, () => {
      const r = this.#backorders.relocate(input);
      if (r.moved > 0) this.#projector.markChanged(input.at, Date.now());
      return r;
    });
    await this.#timers.arm();
    return out;
  }

  /** The channel's figure now, from the counters (what the availability Worker asks when stock is low). */
  async availability(channel: string, policy: PolicyOrDefault): Promise<Availability> {
    return { sku: this.#sku() ?? this.ctx.id.name ?? "", channel, available: ledger.availability(this.#store, channel, policy), asOf: new Date().toISOString() };
  }

  /** Everything about this SKU, for ops and tests. */
  async state() {
    const lines = this.ctx.storage.sql.exec<{ state: string; n: number }>("SELECT state, COUNT(*) AS n FROM lines GROUP BY state").toArray();
    const backordered = this.ctx.storage.sql.exec<{ n: number }>("SELECT COALESCE(SUM(backordered), 0) AS n FROM lines WHERE state != 'cancelled'").one().n;
    const rows = this.ctx.storage.sql.exec<{ n: number; held: number }>("SELECT COUNT(*) AS n, COALESCE(SUM(held), 0) AS held FROM reservations").one();
    return {
      sku: this.#sku(),
      ...ledger.describe(this.#store),
      reservations: { rows: rows.n, held: rows.held },
      lines: Object.fromEntries(lines.map((l) => [l.state, l.n])),
      backordered,
      backorders: this.#backorders.describe(),
      ...this.#projector.describe(),
      projectionDue: this.#projector.dueAt() !== null,
    };
  }

  /**
   * What reconciliation compares (jobs/reconcile.ts): each location's position with its
   * watermarks, the holds with when the ERP was known to have them, the WMS/3PL on-hand reports,
   * and what each channel was last told.
   */
  async reconcileView(limit = 2000) {
    const sql = this.ctx.storage.sql;
    return {
      sku: this.#sku(),
      /** A projection run is owed: the figures written may trail the counters for a moment. */
      projectionDue: this.#projector.dueAt() !== null,
      positions: ledger.describe(this.#store).locations.map((l) => ({ location: l.location, onHand: l.position.onHand, committed: l.position.committed, watermark: l.position.watermark, onHandAsOf: l.position.onHandAsOf })),
      holds: sql
        .exec<{ order_id: string; location: string; held: number; seen_at: number | null; created_at: number }>("SELECT order_id, location, SUM(held) AS held, MAX(seen_at) AS seen_at, MIN(created_at) AS created_at FROM reservations WHERE held > 0 GROUP BY order_id, location LIMIT ?", limit)
        .toArray()
        .map((r) => ({ orderId: r.order_id, location: r.location, held: r.held, seenAt: r.seen_at, createdAt: r.created_at })),
      reports: sql
        .exec<{ location: string; source: string; on_hand: number; as_of: number; event_id: string }>("SELECT * FROM stock_reports")
        .toArray()
        .map((r) => ({ location: r.location, source: r.source, onHand: r.on_hand, asOf: r.as_of, eventId: r.event_id })),
      published: sql
        .exec<{ channel: string; available: number; written_at: number }>("SELECT channel, available, written_at FROM projections")
        .toArray()
        .map((r) => ({ channel: r.channel, available: r.available, writtenAt: r.written_at })),
    };
  }

  /** Units held per order (ops and reconciliation: every hold must belong to a live order), largest first. */
  async holdsByOrder(limit = 1000): Promise<{ orderId: string; held: number }[]> {
    return this.ctx.storage.sql
      .exec<{ order_id: string; held: number }>("SELECT order_id, SUM(held) AS held FROM reservations GROUP BY order_id HAVING SUM(held) > 0 ORDER BY held DESC LIMIT ?", limit)
      .toArray()
      .map((r) => ({ orderId: r.order_id, held: r.held }));
  }

  /**
   * Projects now whatever is pending, waiting for a run already in progress (ops and tests: when
   * this resolves, KV and D1 hold every change made before the call). Ignores the once-a-second
   * pacing, so it is not for hot paths.
   */
  async flush(): Promise<{ written: number }> {
    const written = await this.#project(true);
    await this.#timers.arm();
    return { written };
  }

  /**
   * Re-projection (jobs/reproject.ts): recompute `channel`'s figure now, under the policy the job
   * read, write it to KV/D1 if it moved and publish it to the named connections even if it did
   * not. A SKU this object never held answers `skipped`.
   */
  async reproject(ask: ForcedChannel): Promise<{ skipped: boolean; written: number }> {
    if (!this.#sku()) return { skipped: true, written: 0 };
    this.ctx.storage.transactionSync(() => this.#projector.force(ask, Date.now()));
    const written = await this.#project(true);
    await this.#timers.arm();
    return { skipped: false, written };
  }

  /** Tests and chaos runs: make `point` fail its next `times` passes (only with FAULT_INJECTION=on). */
  async injectFault(point: string, times = 1): Promise<boolean> {
    return this.#faults.arm(point, times);
  }

  override async alarm(): Promise<void> {
    this.#timers.fired();
    const now = Date.now();
    await this.#project(false);
    if (this.#timers.isDue("notify", now)) {
      this.#timers.clear("notify");
      await this.#backorders.notify(this.env, this.#sku() ?? "", now);
    }
    // Old dedupe ids are forgotten on the first alarm of an instance and then daily, not on a
    // timer of their own: an object only gains ids when it changes, and every change runs an alarm.
    if (now - this.#gcAt >= DAY) {
      this.#gcAt = now;
      this.#store.forgetSeenBefore(now - DEDUPE_RETENTION_MS);
      this.#audit();
      // Timers of earlier versions, now kept elsewhere.
      this.#timers.clear("gc");
      this.#timers.clear("project");
    }
    await this.#timers.arm();
  }

  #gcAt = 0;

  /**
   * Re-derives every counter from the open holds and rebuilds any that disagrees (the rows are
   * the facts), in one transaction; each drift is logged and the SKU re-projected. Reads all open
   * holds, so it runs on an instance's first alarm and daily (and from tests), not per operation
   * (core/inventory/ledger.ts).
   */
  async audit(): Promise<{ drift: ledger.Drift[] }> {
    const drift = this.#audit();
    await this.#timers.arm();
    return { drift };
  }

  #audit(): ledger.Drift[] {
    const drift = this.ctx.storage.transactionSync(() => {
      const d = ledger.auditTotals(this.#store);
      if (d.length) {
        ledger.repairTotals(this.#store, d.map((x) => x.location));
        this.#projector.markChanged(Date.now(), Date.now());
      }
      return d;
    });
    for (const d of drift) log.error("inventory counters disagreed with the holds; rebuilt from the holds", { sku: this.#sku(), ...d });
    if (drift.length) countMetric(this.env, this.ctx, "switchyard_inventory_counters_rebuilt_total", {}, drift.length);
    return drift;
  }

  /**
   * One projection run at a time (the alarm and `flush` may overlap while a run awaits KV/D1).
   * An alarm runs it unless this instance knows it is not due yet: after a restart the due time
   * is unknown, and a run that finds nothing changed writes nothing.
   */
  async #project(force: boolean): Promise<number> {
    while (this.#running) await this.#running;
    const sku = this.#sku();
    const due = this.#projector.dueAt();
    if (!sku || !this.#projector.mayOwe() || (!force && due !== null && due > Date.now())) return 0;
    const run = this.#projector.run(sku, Date.now()).then((written) => written.length);
    // The caller sees the run's failure; waiters only need to know it ended.
    this.#running = run.then(() => undefined, () => undefined).finally(() => (this.#running = null));
    return run;
  }

  /** Inside a mutation that may have freed stock: waiting backorders take it, in queue order. */
  #fillBackorders(): void {
    const now = Date.now();
    if (this.#backorders.fill(now).length) this.#projector.markChanged(now, now);
  }

  #sku(): string | null {
    const [r] = this.ctx.storage.sql.exec<{ sku: string }>("SELECT sku FROM identity").toArray();
    return r?.sku ?? null;
  }

  /** Runs `op` in one storage transaction, binding this object to its SKU on first use. */
  #mutate<T>(sku: string | null, op: () => T): T {
    return this.ctx.storage.transactionSync(() => {
      const mine = this.#sku();
      if (sku !== null && mine !== null && mine !== sku) throw new RangeError(`this InventoryDO is for ${mine}, not ${sku}`);
      if (sku !== null && mine === null) {
        this.ctx.storage.sql.exec("INSERT INTO identity (k, sku) VALUES (1, ?)", sku);
      }
      return op();
    });
  }
}
