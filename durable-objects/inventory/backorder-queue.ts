/**
 * A SKU's waiting backorders and what it owes the orders they belong to. A line accepted with a
 * backorder is queued with the channel policy it was accepted under (the object cannot read D1
 * inside a transaction); every change that can free stock (an accepted inventory event, a
 * cancellation, a hold seen by the ERP) fills the queue in the same transaction
 * (core/inventory/backorders.ts), and each fill becomes a notice the alarm delivers to the
 * order's object, retried until it answers. Reroutes (`relocate`) live here too: they also move
 * holds of one line and must answer a retry with their first outcome.
 */
import { fillBackorders, type Fill, type WaitingLine } from "../../core/inventory/backorders";
import type { ReserveRequest, ReserveResult } from "../../core/inventory/ledger";
import type { PolicyOrDefault } from "../../core/inventory/policy";
import { relocate, type RelocateRequest, type RelocateResult } from "../../core/inventory/relocate";
import type { InventoryStore } from "../../core/inventory/store";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";
import { orderStubById } from "../../lib/orders";
import type { Timers } from "../timers";

export const BACKORDER_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS backorder_waiting (order_id TEXT NOT NULL, line_no INTEGER NOT NULL, channel TEXT NOT NULL, policy TEXT NOT NULL,
     created_at INTEGER NOT NULL, PRIMARY KEY (order_id, line_no))`,
  `CREATE TABLE IF NOT EXISTS backorder_notices (id INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT NOT NULL, line_no INTEGER NOT NULL,
     quantity INTEGER NOT NULL, allocations TEXT NOT NULL, backordered INTEGER NOT NULL, at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS relocations (key TEXT PRIMARY KEY, outcome TEXT NOT NULL, at INTEGER NOT NULL)`,
];

/** What an order's object is told when one of its backordered lines got stock. */
export interface FillNotice {
  /** `<sku>:<n>`: unique for ever (AUTOINCREMENT ids are never reused), the order dedupes on it. */
  noticeId: string;
  sku: string;
  lineNo: number;
  quantity: number;
  allocations: { location: string; quantity: number }[];
  /** Still backordered on the line after this fill. */
  backordered: number;
}

const MAX_NOTICE_DELAY_MS = 60_000;

export class BackorderQueue {
  constructor(
    private readonly sql: SqlStorage,
    private readonly store: InventoryStore,
    private readonly timers: Timers,
  ) {}

  /** Inside the reserve's transaction: a first outcome with a backorder joins the queue. */
  onReserved(req: ReserveRequest, r: ReserveResult): void {
    if (r.replayed || r.backordered <= 0) return;
    this.sql.exec(
      "INSERT OR REPLACE INTO backorder_waiting (order_id, line_no, channel, policy, created_at) VALUES (?, ?, ?, ?, ?)",
      req.orderId, req.lineNo, req.channel, JSON.stringify(req.policy), req.at,
    );
  }

  /** Inside a transaction that may have freed stock: fills what it can and owes a notice per fill. */
  fill(now: number): Fill[] {
    const waiting = this.sql
      .exec<{ order_id: string; line_no: number; channel: string; policy: string; created_at: number }>("SELECT * FROM backorder_waiting")
      .toArray()
      .map((r): WaitingLine => ({ orderId: r.order_id, lineNo: r.line_no, channel: r.channel, policy: JSON.parse(r.policy) as PolicyOrDefault, createdAt: r.created_at }));
    if (!waiting.length) return [];
    const { fills, settled } = fillBackorders(this.store, waiting, now);
    for (const s of settled) this.sql.exec("DELETE FROM backorder_waiting WHERE order_id = ? AND line_no = ?", s.orderId, s.lineNo);
    for (const f of fills) {
      this.sql.exec(
        "INSERT INTO backorder_notices (order_id, line_no, quantity, allocations, backordered, at, next_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        f.orderId, f.lineNo, f.quantity, JSON.stringify(f.allocations), f.backordered, now, now,
      );
    }
    if (fills.length) this.timers.schedule("notify", now);
    return fills;
  }

  /** A reroute's move of one line, answered once per key. */
  relocate(req: RelocateRequest & { key: string }): RelocateResult {
    const [prior] = this.sql.exec<{ outcome: string }>("SELECT outcome FROM relocations WHERE key = ?", req.key).toArray();
    if (prior) return JSON.parse(prior.outcome) as RelocateResult;
    const r = relocate(this.store, req);
    this.sql.exec("INSERT INTO relocations (key, outcome, at) VALUES (?, ?, ?)", req.key, JSON.stringify(r), req.at);
    return r;
  }

  /** Alarm: tells each order its fills, oldest first; an order that does not answer is asked again later. */
  async notify(env: Env, sku: string, now: number): Promise<void> {
    const due = this.sql
      .exec<{ id: number; order_id: string; line_no: number; quantity: number; allocations: string; backordered: number; attempts: number }>(
        "SELECT id, order_id, line_no, quantity, allocations, backordered, attempts FROM backorder_notices WHERE next_at <= ? ORDER BY id LIMIT 50",
        now,
      )
      .toArray();
    for (const n of due) {
      const notice: FillNotice = { noticeId: `${sku}:${n.id}`, sku, lineNo: n.line_no, quantity: n.quantity, allocations: JSON.parse(n.allocations) as FillNotice["allocations"], backordered: n.backordered };
      try {
        const stub = orderStubById(env, n.order_id);
        if (stub) await stub.backorderFilled(notice);
        this.sql.exec("DELETE FROM backorder_notices WHERE id = ?", n.id);
      } catch (e) {
        const delay = Math.min(MAX_NOTICE_DELAY_MS, 1000 * 2 ** n.attempts);
        this.sql.exec("UPDATE backorder_notices SET attempts = attempts + 1, next_at = ? WHERE id = ?", Date.now() + delay, n.id);
        log.warn("backorder fill notice not delivered; retrying", { orderId: n.order_id, sku, error: String(e) });
      }
    }
    const next = this.sql.exec<{ t: number | null }>("SELECT MIN(next_at) AS t FROM backorder_notices").one().t;
    if (next !== null) this.timers.schedule("notify", next);
  }

  describe(): { waiting: { orderId: string; lineNo: number; channel: string; since: string }[]; noticesOwed: number } {
    const waiting = this.sql
      .exec<{ order_id: string; line_no: number; channel: string; created_at: number }>("SELECT order_id, line_no, channel, created_at FROM backorder_waiting ORDER BY created_at")
      .toArray()
      .map((r) => ({ orderId: r.order_id, lineNo: r.line_no, channel: r.channel, since: new Date(r.created_at).toISOString() }));
    return { waiting, noticesOwed: this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM backorder_notices").one().n };
  }
}
