/**
 * TransactionDO: one object per transaction, named by what it guards —
 *   `order:<channel>:<externalId>`   the order (business-identity dedupe, state machine, effects)
 *   `idem:<principal>:<key>`         an Idempotency-Key of the governed API
 *   `delivery:<connection>:<id>`     one provider delivery (transport dedupe)
 * Records other than orders expire after RETENTION_MS (providers retry for up to 48 hours;
 * we keep 7 days), cleaned up by the alarm.
 */
import { DurableObject } from "cloudflare:workers";
import type { CanonicalOrder, OrderSource, ShipmentEvent } from "../core/canonical";
import type { Env } from "../lib/env";
import { runPeriodic } from "../workers/dispatch/periodic";
import { OrderRole } from "./order-role";
import type { ErpReport, SubmitOptions } from "./order-types";

export const RETENTION_MS = 7 * 24 * 3600 * 1000;
const LEASE_MS = 60_000;

export type BeginResult =
  | { state: "new" }
  | { state: "replay"; status: number; body: string; fingerprint: string }
  | { state: "in_flight" }
  | { state: "mismatch" };

type RecordRow = { state: string; fingerprint: string; status: number | null; body: string | null; lease_until: number; created_at: number };

export class TransactionDO extends DurableObject<Env> {
  #order: OrderRole;
  #waiters: (() => void)[] = [];

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS timeline (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, type TEXT NOT NULL, source TEXT NOT NULL, detail TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS record (id INTEGER PRIMARY KEY CHECK (id = 1), state TEXT NOT NULL, fingerprint TEXT NOT NULL,
        status INTEGER, body TEXT, lease_until INTEGER NOT NULL, created_at INTEGER NOT NULL);
    `);
    this.#order = new OrderRole(ctx, env);
  }

  // --- idempotency keys and deliveries -------------------------------------------------------

  #record(): RecordRow | null {
    return this.ctx.storage.sql.exec<RecordRow>("SELECT * FROM record WHERE id = 1").toArray()[0] ?? null;
  }

  /**
   * Claims this key for a request with `fingerprint` (a hash of what was asked). Check and
   * claim are one synchronous step, so two concurrent requests cannot both get `new`.
   * With `wait`, a request that finds another one in flight waits for it to finish
   * (deliveries: fifty copies of one webhook all get the first one's answer).
   */
  async begin(fingerprint: string, opts: { wait?: boolean } = {}): Promise<BeginResult> {
    for (let round = 0; round < 3; round++) {
      const now = Date.now();
      const r = this.#record();
      if (!r || (r.state === "in_flight" && r.lease_until < now)) {
        this.ctx.storage.sql.exec(
          "INSERT OR REPLACE INTO record (id, state, fingerprint, status, body, lease_until, created_at) VALUES (1, 'in_flight', ?, NULL, NULL, ?, ?)",
          fingerprint,
          now + LEASE_MS,
          r?.created_at ?? now,
        );
        if (!r) await this.ctx.storage.setAlarm(now + RETENTION_MS);
        return { state: "new" };
      }
      // A request still running wins over a body check: the caller retries and then learns the rest.
      if (r.state === "in_flight" && !opts.wait) return { state: "in_flight" };
      if (r.state === "done") {
        if (r.fingerprint !== fingerprint) return { state: "mismatch" };
        return { state: "replay", status: r.status ?? 200, body: r.body ?? "", fingerprint };
      }
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, LEASE_MS);
      });
    }
    return { state: "in_flight" };
  }

  /** Stores the answer to replay for later requests with the same key. */
  async complete(fingerprint: string, status: number, body: string): Promise<void> {
    const r = this.#record();
    if (r && r.fingerprint === fingerprint) {
      this.ctx.storage.sql.exec("UPDATE record SET state = 'done', status = ?, body = ? WHERE id = 1", status, body);
    }
    this.#wake();
  }

  /** Releases the claim after a failure, so the provider's retry is processed afresh. */
  async abort(fingerprint: string): Promise<void> {
    const r = this.#record();
    if (r && r.fingerprint === fingerprint && r.state === "in_flight") this.ctx.storage.sql.exec("DELETE FROM record WHERE id = 1");
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiters;
    this.#waiters = [];
    for (const f of w) f();
  }

  // --- orders ---------------------------------------------------------------------------------

  submitOrder(order: CanonicalOrder, source: OrderSource, sourceRef: Record<string, unknown> = {}, opts: SubmitOptions = {}) {
    return this.#order.submit(order, source, sourceRef, opts);
  }

  cancelOrder(source: string, reason: string) {
    return this.#order.cancel(source, reason);
  }

  recordErp(report: ErpReport) {
    return this.#order.recordErp(report);
  }

  requeue(reason: string) {
    return this.#order.requeue(reason);
  }

  noteChannelEvent(type: string, source: string, detail: Record<string, unknown>) {
    return this.#order.fulfilment.noteChannelEvent(type, source, detail);
  }

  recordShipment(ev: ShipmentEvent) {
    return this.#order.fulfilment.recordShipment(ev);
  }

  recordReturn(r: { eventId: string; lines: { sku: string; quantity: number }[]; reason: string }) {
    return this.#order.fulfilment.recordReturn(r);
  }

  erpPayload() {
    return this.#order.erpPayload();
  }

  getOrder() {
    return this.#order.view();
  }

  // --- the scheduler (name `scheduler`) --------------------------------------------------------

  /**
   * Starts the periodic sweep (outbox re-enqueue, subscriber fan-out) on this object's alarm.
   * Crons do not fire in `wrangler dev`, and the local queue broker loses unconsumed messages
   * when its process dies, so the sweep must not depend on them; production keeps the cron too.
   */
  async ensureScheduler(): Promise<void> {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO kv (k, v) VALUES ('role', 'scheduler')");
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + 1000);
  }

  #isScheduler(): boolean {
    return this.ctx.storage.sql.exec<{ v: string }>("SELECT v FROM kv WHERE k = 'role'").toArray()[0]?.v === "scheduler";
  }

  override async alarm(): Promise<void> {
    if (this.#isScheduler()) {
      try {
        await runPeriodic(this.env);
      } catch (e) {
        console.log(JSON.stringify({ level: "error", msg: "scheduled sweep failed", error: String(e) }));
      }
      await this.ctx.storage.setAlarm(Date.now() + Number(this.env.SCHEDULER_INTERVAL_SECONDS || "10") * 1000);
      return;
    }
    const r = this.#record();
    if (r && Date.now() - r.created_at >= RETENTION_MS) {
      // Idempotency and delivery records are only kept for the retention window.
      await this.ctx.storage.deleteAll();
      return;
    }
    if (r) {
      await this.ctx.storage.setAlarm(r.created_at + RETENTION_MS);
      return;
    }
    await this.#order.onAlarm();
  }
}
