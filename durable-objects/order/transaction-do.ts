/**
 * TransactionDO: one object per transaction, named by what it guards (names in core/keys.ts) —
 *   `order:<channel>:<externalId>`   the order: business-identity dedupe, state machine, its saga
 *   `idem:<principal>:<key>`         an Idempotency-Key of the governed API
 *   `deliveries:<connection>:<n>`    a shard of a connection's delivery ledger (transport dedupe)
 * Guard records expire after seven days; an order's alarm carries its timers (owed effects, the
 * ERP hand-off watch, the acknowledgement deadline) multiplexed on the one alarm.
 * The RPC surface is this class; the logic lives in the role modules beside it.
 */
import { DurableObject } from "cloudflare:workers";
import type { CanonicalOrder, FactScope, OrderSource, ShipmentEvent } from "../../core/canonical";
import type { Env } from "../../lib/env";
import { Faults } from "../faults";
import { Timers, timersInKv } from "../timers";
import { Guard, RETENTION_MS, type ClaimResult } from "./guard";
import { OrderRole } from "./order-role";
import type { FillNotice } from "../inventory/backorder-queue";
import type { ReceiptLine } from "./order-returns";
import type { ErpReport, SubmitOptions } from "./order-types";

const DAY = 24 * 3600_000;

export class TransactionDO extends DurableObject<Env> {
  readonly #order: OrderRole;
  readonly #guard: Guard;
  readonly #timers: Timers;
  readonly #faults: Faults;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    for (const ddl of [
      `CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL) WITHOUT ROWID`,
      // No AUTOINCREMENT: entries are never deleted, so the rowid already only grows, and
      // AUTOINCREMENT writes its sqlite_sequence row again on every entry (a row written each).
      `CREATE TABLE IF NOT EXISTS timeline (seq INTEGER PRIMARY KEY, at TEXT NOT NULL, type TEXT NOT NULL, source TEXT NOT NULL, detail TEXT NOT NULL)`,
    ])
      ctx.storage.sql.exec(ddl);
    // The timers are rows of `kv` (no table of their own to create for every order).
    timersInKv(ctx.storage.sql);
    // Owed effects are due from memory (order-effects.ts); their alarm is the durable record.
    this.#timers = new Timers(ctx.storage, () => this.#order.effects.dueAt(), { inKv: true });
    this.#faults = new Faults(ctx.storage.sql, env);
    this.#guard = new Guard(ctx.storage.sql);
    this.#order = new OrderRole(ctx, env, this.#timers, this.#faults);
  }

  // --- the idempotency guard ----------------------------------------------------------------

  async claim(key: string, fingerprint: string, opts: { wait?: boolean } = {}): Promise<ClaimResult> {
    const r = await this.#guard.claim(key, fingerprint, opts);
    if (r.state === "new") this.#keepRecords();
    return r;
  }

  complete(key: string, fingerprint: string, status: number, body: string): void {
    this.#guard.complete(key, fingerprint, status, body);
  }

  abort(key: string, fingerprint: string): void {
    this.#guard.abort(key, fingerprint);
  }

  remember(key: string, fingerprint: string): "new" | "same" | "conflict" {
    const r = this.#guard.remember(key, fingerprint);
    if (r === "new") this.#keepRecords();
    return r;
  }

  /** Records live seven days: a daily sweep forgets the old ones. */
  #keepRecords(): void {
    this.#timers.schedule("expire", Date.now() + DAY);
    this.#timers.armNow();
  }

  // --- the order ----------------------------------------------------------------------------

  submitOrder(order: CanonicalOrder, source: OrderSource, sourceRef: Record<string, unknown> = {}, opts: SubmitOptions = {}) {
    return this.#order.submit(order, source, sourceRef, opts);
  }

  cancelOrder(source: string, reason: string) {
    return this.#order.cancel(source, reason);
  }

  recordErp(report: ErpReport) {
    return this.#order.recordErp(report);
  }

  releaseCreditHold(reason: string) {
    return this.#order.releaseCreditHold(reason);
  }

  requeue(reason: string) {
    return this.#order.requeue(reason);
  }

  redispatch(reason: string) {
    return this.#order.redispatch(reason);
  }

  noteChannelEvent(type: string, source: string, detail: Record<string, unknown>, scope: FactScope) {
    return this.#order.fulfilment.noteChannelEvent(type, source, detail, scope);
  }

  recordShipment(ev: ShipmentEvent, scope: FactScope = { channels: "*" }) {
    return this.#order.recordShipment(ev, scope);
  }

  recordReturn(r: { eventId: string; lines: { sku: string; quantity: number }[]; reason: string }) {
    return this.#order.fulfilment.recordReturn(r);
  }

  backorderFilled(n: FillNotice) {
    return this.#order.backorderFilled(n);
  }

  recordReturnReceipt(rmaId: string, r: { eventId: string; lines: ReceiptLine[] }) {
    return this.#order.recordReturnReceipt(rmaId, r);
  }

  erpPayload() {
    return this.#order.erpPayload();
  }

  getOrder() {
    return this.#order.view();
  }

  getDetail() {
    return this.#order.detail();
  }

  /** Tests and chaos runs: make `point` fail its next `times` passes (only with FAULT_INJECTION=on). */
  injectFault(point: string, times = 1): boolean {
    return this.#faults.arm(point, times);
  }

  override async alarm(): Promise<void> {
    this.#timers.fired();
    const now = Date.now();
    if (this.#timers.isDue("expire", now)) {
      this.#guard.expire(now);
      this.#timers.clear("expire");
      if (this.#guard.hasRecords()) this.#timers.schedule("expire", now + DAY);
    }
    await this.#order.onAlarm(now);
    await this.#timers.arm();
  }
}

export { RETENTION_MS };
