/**
 * ErpPollerDO: one object per ERP connection (`erp-poller:<id>`, core/keys.ts) that owns its
 * read-back — the durable cursors of the stock, order and shipment streams, when the next poll
 * is due, and the ERP state last noted per order. The scheduler's periodic run calls `tick` for
 * every connection (jobs/erp-pollers.ts); `pollNow` runs one at once (admin, tests). Polls of one
 * connection never overlap: they run one after another inside this object. D1 is not used for
 * any of this state: it is a projection, and a cursor must not move back.
 */
import { DurableObject } from "cloudflare:workers";
import { nextPollDelayMs, pollErp, type PollReport, type PollStore, type PollStream } from "../../jobs/erp-poll";
import { alertErpConfig, clearErpConfigAlert } from "../../lib/erp-alerts";
import { loadErpConnection } from "../../lib/erp-connections";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";
import { countMetric, noteSeen } from "../../lib/metrics";

const DEFAULT_POLL_SECONDS = 60;
/** ERP states noted per order are forgotten after this long without a change. */
const STATE_RETENTION_MS = 30 * 24 * 3600_000;

export type PollAnswer = (PollReport & { nextPollAt: string }) | { connection: string; skipped: "not_due" | "running" | "no_such_connection"; nextPollAt: string | null };

export class ErpPollerDO extends DurableObject<Env> {
  #chain: Promise<unknown> = Promise.resolve();
  #busy = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT NOT NULL)`);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS order_states (order_id TEXT PRIMARY KEY, state TEXT NOT NULL, at INTEGER NOT NULL)`);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS refs (ref TEXT PRIMARY KEY, order_id TEXT NOT NULL, at INTEGER NOT NULL)`);
  }

  /**
   * Dispatch tells the poller, before booking, which order a short ERP reference stands for
   * (lib/erp-reference.ts), so what the ERP reports under it later finds the order.
   */
  rememberReference(ref: string, orderId: string): void {
    this.ctx.storage.sql.exec("INSERT OR IGNORE INTO refs (ref, order_id, at) VALUES (?, ?, ?)", ref, orderId, Date.now());
  }

  /** Polls when due (the scheduler's tick); a tick during a running poll is skipped, not queued. */
  async tick(connectionId: string): Promise<PollAnswer> {
    const due = Number(this.#get("nextAt") ?? 0);
    if (this.#busy) return { connection: connectionId, skipped: "running", nextPollAt: due ? new Date(due).toISOString() : null };
    if (Date.now() < due) return { connection: connectionId, skipped: "not_due", nextPollAt: new Date(due).toISOString() };
    return this.#exclusive(() => this.#poll(connectionId));
  }

  /** Polls now, after any poll already running. */
  pollNow(connectionId: string): Promise<PollAnswer> {
    return this.#exclusive(() => this.#poll(connectionId));
  }

  /**
   * Forgets cursors, schedule and noted states: the connection was deleted or points at another
   * ERP. References are kept: orders booked under them may still be reported by the same ERP.
   */
  async reset(): Promise<void> {
    await this.#exclusive(async () => {
      this.ctx.storage.sql.exec("DELETE FROM kv");
      this.ctx.storage.sql.exec("DELETE FROM order_states");
    });
  }

  /** Cursors, schedule and the last run's report. */
  status(): { cursors: Record<PollStream, string | null>; nextPollAt: string | null; failures: number; last: PollReport | null } {
    const next = Number(this.#get("nextAt") ?? 0);
    const last = this.#get("last");
    return {
      cursors: { stock: this.#get("cursor:stock"), orders: this.#get("cursor:orders"), shipments: this.#get("cursor:shipments"), products: this.#get("cursor:products") },
      nextPollAt: next ? new Date(next).toISOString() : null,
      failures: Number(this.#get("failures") ?? 0),
      last: last ? (JSON.parse(last) as PollReport) : null,
    };
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#chain.then(async () => {
      this.#busy = true;
      try {
        return await fn();
      } finally {
        this.#busy = false;
      }
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #poll(connectionId: string): Promise<PollAnswer> {
    const config = await loadErpConnection(this.env, connectionId, { fresh: true });
    if (!config) return { connection: connectionId, skipped: "no_such_connection", nextPollAt: null };
    const report = await pollErp(this.env, config, this.#store());
    countMetric(this.env, this.ctx, "switchyard_erp_polls_total", { erp_connection: config.id, result: report.outcome });
    // An ERP that answers its polls is talking: its cadence is the poll interval (silence alerts).
    if (report.outcome === "ok") noteSeen(this.env, this.ctx, { key: `erp:${config.id}`, id: config.id, kind: `erp:${config.kind}`, channel: null });
    const failures = report.outcome === "ok" ? 0 : Number(this.#get("failures") ?? 0) + 1;
    const pollSeconds = Number(config.settings.pollSeconds ?? DEFAULT_POLL_SECONDS) || DEFAULT_POLL_SECONDS;
    const nextAt = Date.now() + nextPollDelayMs(report, pollSeconds, failures);
    const wasConfig = (JSON.parse(this.#get("last") ?? "{}") as Partial<PollReport>).outcome === "config";
    this.#set("nextAt", String(nextAt));
    this.#set("failures", String(failures));
    this.#set("last", JSON.stringify(report));
    this.ctx.storage.sql.exec("DELETE FROM order_states WHERE at < ?", Date.now() - STATE_RETENTION_MS);
    if (report.outcome === "config") await alertErpConfig(this.env, { connection: config.id, subject: "poll", reason: report.reason ?? "refused" });
    else if (report.outcome === "ok" && wasConfig) await clearErpConfigAlert(this.env, config.id, "poll");
    if (report.outcome === "retry") log.warn("ERP poll throttled or failed; backing off", { connection: config.id, reason: report.reason, nextPollAt: new Date(nextAt).toISOString() });
    return { ...report, nextPollAt: new Date(nextAt).toISOString() };
  }

  #store(): PollStore {
    return {
      cursor: (stream) => this.#get(`cursor:${stream}`),
      saveCursor: (stream, cursor) => this.#set(`cursor:${stream}`, cursor),
      lastState: (orderId) => this.ctx.storage.sql.exec<{ state: string }>("SELECT state FROM order_states WHERE order_id = ?", orderId).toArray()[0]?.state ?? null,
      orderFor: (ref) => this.ctx.storage.sql.exec<{ order_id: string }>("SELECT order_id FROM refs WHERE ref = ?", ref).toArray()[0]?.order_id ?? null,
      rememberState: (orderId, state) => {
        this.ctx.storage.sql.exec("INSERT OR REPLACE INTO order_states (order_id, state, at) VALUES (?, ?, ?)", orderId, state, Date.now());
      },
    };
  }

  #get(k: string): string | null {
    return this.ctx.storage.sql.exec<{ v: string }>("SELECT v FROM kv WHERE k = ?", k).toArray()[0]?.v ?? null;
  }

  #set(k: string, v: string): void {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO kv (k, v) VALUES (?, ?)", k, v);
  }
}
