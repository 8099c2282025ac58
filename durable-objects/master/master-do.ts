/**
 * MasterDO: one object per bulk job and one per customer's credit-hold registry, by name
 * (core/keys.ts `jobObjectName`, `holdsObjectName`):
 * - `job:<id>`: a bulk import's progress (rows read, applied, stale, rejected with their line
 *   numbers), exact under any number of concurrent consumers because each chunk is counted once
 *   (a redelivered message's report is a no-op) by the one object that owns the job;
 * - `holds:<customer>`: the orders held because the customer is on credit hold, and the hold
 *   itself as the last customer write set it. Lifting the hold releases every registered order,
 *   from the alarm, until each has answered (an order's release is idempotent).
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";
import { orderStubById } from "../../lib/orders";
import { applyChunk } from "../../lib/imports";
import type { ImportMessage } from "../../lib/messages";
import type { JobReport, Rejection } from "../../core/master/jobs";

export type { JobKind, JobReport, Rejection } from "../../core/master/jobs";

/** Rejected lines listed in a report; the rest are counted. */
export const MAX_LISTED_REJECTIONS = 100;
/** Rejected lines kept with their reason; past that they are only counted. */
const MAX_KEPT_REJECTIONS = 1000;

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS job (k INTEGER PRIMARY KEY CHECK (k = 1), v TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS chunks (n INTEGER PRIMARY KEY)`,
  `CREATE TABLE IF NOT EXISTS chunk_parts (n INTEGER NOT NULL, part TEXT NOT NULL, PRIMARY KEY (n, part))`,
  `CREATE TABLE IF NOT EXISTS rejected (line INTEGER PRIMARY KEY, reason TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS hold (k INTEGER PRIMARY KEY CHECK (k = 1), held INTEGER NOT NULL, version INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS held_orders (order_id TEXT PRIMARY KEY, releasing INTEGER NOT NULL DEFAULT 0)`,
];

export class MasterDO extends DurableObject<Env> {
  readonly #sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    for (const ddl of SCHEMA) this.#sql.exec(ddl);
  }

  // --- jobs ---------------------------------------------------------------------------------

  #load(): JobReport | null {
    const r = this.#sql.exec<{ v: string }>("SELECT v FROM job").toArray()[0];
    return r ? (JSON.parse(r.v) as JobReport) : null;
  }

  #save(j: JobReport): void {
    j.rejectedCount = this.#kept() + (j.overflow ?? 0);
    if (j.state === "running" && j.readAt && j.chunks.done >= j.chunks.sent) {
      j.state = "done";
      j.finishedAt = new Date().toISOString();
    }
    this.#sql.exec("INSERT OR REPLACE INTO job (k, v) VALUES (1, ?)", JSON.stringify({ ...j, rejected: [] }));
  }

  #kept(): number {
    return this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM rejected").one().n;
  }

  #reject(j: JobReport, rows: Rejection[]): void {
    let kept = this.#kept();
    for (const r of rows) {
      if (kept >= MAX_KEPT_REJECTIONS) j.overflow = (j.overflow ?? 0) + 1;
      else kept += this.#sql.exec("INSERT OR IGNORE INTO rejected (line, reason) VALUES (?, ?)", r.line, r.reason.slice(0, 300)).rowsWritten > 0 ? 1 : 0;
    }
  }

  /** Creates the job (a repeat with the same id is a no-op). */
  start(jobId: string, kind: JobReport["kind"]): JobReport {
    const j = this.#load() ?? { jobId, kind, state: "running", rows: 0, applied: 0, stale: 0, rejected: [], rejectedCount: 0, chunks: { sent: 0, done: 0 }, createdAt: new Date().toISOString() };
    this.#save(j);
    return this.report()!;
  }

  /** The reader's progress: rows read so far, lines it refused, chunks it has queued; `finished` once the body ended. */
  read(p: { rows: number; chunksSent: number; rejected: Rejection[]; finished?: boolean; error?: string }): void {
    const j = this.#load();
    if (!j) return;
    j.rows = Math.max(j.rows, p.rows);
    j.chunks.sent = Math.max(j.chunks.sent, p.chunksSent);
    this.#reject(j, p.rejected);
    if (p.error) {
      j.state = "failed";
      j.error = p.error;
      j.finishedAt = new Date().toISOString();
    }
    if (p.finished && !j.readAt) j.readAt = new Date().toISOString();
    this.#save(j);
  }

  /**
   * A consumer's report of one chunk, by part (a SKU's rows, a batch of records): each part is
   * counted once, so a chunk retried after some parts applied (their rows now duplicates) still
   * counts them as applied the first time. `complete: false` is a partial report before a retry.
   */
  chunkDone(n: number, r: { parts: { key: string; applied: number; stale: number }[]; rejected: Rejection[]; complete: boolean }): { counted: number } {
    const j = this.#load();
    if (!j) return { counted: 0 };
    if (this.#sql.exec("SELECT 1 FROM chunks WHERE n = ?", n).toArray().length) return { counted: 0 };
    let counted = 0;
    for (const p of r.parts) {
      if (this.#sql.exec("INSERT OR IGNORE INTO chunk_parts (n, part) VALUES (?, ?)", n, p.key).rowsWritten === 0) continue;
      j.applied += p.applied;
      j.stale += p.stale;
      counted++;
    }
    this.#reject(j, r.rejected);
    if (r.complete) {
      this.#sql.exec("INSERT INTO chunks (n) VALUES (?)", n);
      this.#sql.exec("DELETE FROM chunk_parts WHERE n = ?", n);
      j.chunks.done++;
    }
    this.#save(j);
    return { counted };
  }

  /** Applies one chunk of the job (lib/imports.ts) and counts it. */
  async applyChunk(m: ImportMessage, retried: boolean): Promise<unknown> {
    return applyChunk(this.env, m, retried, (r) => this.chunkDone(m.chunk, r));
  }

  report(): JobReport | null {
    const j = this.#load();
    if (!j) return null;
    j.rejected = this.#sql.exec<{ line: number; reason: string }>("SELECT line, reason FROM rejected ORDER BY line LIMIT ?", MAX_LISTED_REJECTIONS).toArray().map((r) => ({ line: r.line, reason: r.reason }));
    return j;
  }

  // --- a customer's credit hold -------------------------------------------------------------

  #held(): boolean {
    return (this.#sql.exec<{ held: number }>("SELECT held FROM hold").toArray()[0]?.held ?? 0) === 1;
  }

  /**
   * The customer write's hold, by version (an older write changes nothing). Lifting it releases
   * every registered order from the alarm. Returns how many orders that releases.
   */
  async setHold(held: boolean, version: number): Promise<{ held: boolean; releasing: number }> {
    const cur = this.#sql.exec<{ held: number; version: number }>("SELECT held, version FROM hold").toArray()[0];
    if (!cur || version >= cur.version) this.#sql.exec("INSERT OR REPLACE INTO hold (k, held, version) VALUES (1, ?, ?)", held ? 1 : 0, version);
    const now = this.#held();
    if (!now) this.#sql.exec("UPDATE held_orders SET releasing = 1");
    const releasing = this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM held_orders WHERE releasing = 1").one().n;
    if (releasing) await this.ctx.storage.setAlarm(Date.now());
    return { held: now, releasing };
  }

  /** An order held for this customer's credit: kept until the hold lifts. `held: false` means release it now. */
  register(orderId: string): { held: boolean } {
    if (!this.#held()) return { held: false };
    this.#sql.exec("INSERT OR IGNORE INTO held_orders (order_id) VALUES (?)", orderId);
    return { held: true };
  }

  heldOrders(): string[] {
    return this.#sql.exec<{ order_id: string }>("SELECT order_id FROM held_orders ORDER BY order_id").toArray().map((r) => r.order_id);
  }

  override async alarm(): Promise<void> {
    const todo = this.#sql.exec<{ order_id: string }>("SELECT order_id FROM held_orders WHERE releasing = 1 LIMIT 50").toArray();
    for (const { order_id } of todo) {
      try {
        await orderStubById(this.env, order_id)?.releaseCreditHold("customer credit hold lifted");
        this.#sql.exec("DELETE FROM held_orders WHERE order_id = ?", order_id);
      } catch (e) {
        log.error("credit hold release failed; retrying", { orderId: order_id, error: String(e) });
      }
    }
    const left = this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM held_orders WHERE releasing = 1").one().n;
    if (left) await this.ctx.storage.setAlarm(Date.now() + (todo.length === 50 ? 0 : 5_000));
  }
}
