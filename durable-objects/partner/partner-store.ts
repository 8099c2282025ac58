/**
 * A trading partner's own storage: its last control numbers, every interchange sent to it
 * (the outbox it may poll, with each delivery's state), the order numbers its 940s carried,
 * and the counters behind order numbers, shipment ids and SSCC serials. All synchronous SQLite:
 * the numbers an interchange uses are stored in the same transaction as the interchange, before
 * anyone can send it, so a number is never handed out twice.
 */
import type { ControlNumbers } from "../../core/x12/outbound";

export const PARTNER_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS control (k INTEGER PRIMARY KEY CHECK (k = 1), isa INTEGER NOT NULL, gs INTEGER NOT NULL, st INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS documents (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
     order_id TEXT, ref TEXT, text TEXT NOT NULL, isa13 TEXT NOT NULL, gs06 TEXT NOT NULL, st02 TEXT NOT NULL, created_at TEXT NOT NULL,
     delivery TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER, last_status INTEGER, last_error TEXT, delivered_at TEXT)`,
  `CREATE INDEX IF NOT EXISTS documents_due ON documents (delivery, next_at)`,
  `CREATE TABLE IF NOT EXISTS order_numbers (number TEXT PRIMARY KEY, order_id TEXT NOT NULL, release_id TEXT NOT NULL, location TEXT NOT NULL,
     UNIQUE (order_id, release_id))`,
];

/** pending: to be POSTed; delivered; failed: attempts exhausted; stored: no URL, kept for polling; by_order: a 940 the order's object sends itself. */
export type Delivery = "pending" | "delivered" | "failed" | "stored" | "by_order";

export interface DocumentRow {
  seq: number;
  key: string;
  kind: string;
  orderId: string | null;
  ref: string | null;
  text: string;
  isa13: string;
  gs06: string;
  st02: string;
  createdAt: string;
  delivery: Delivery;
  attempts: number;
  nextAt: number | null;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: string | null;
}

type Row = Record<string, SqlStorageValue>;
const toDoc = (r: Row): DocumentRow => ({
  seq: r.seq as number,
  key: r.key as string,
  kind: r.kind as string,
  orderId: (r.order_id as string | null) ?? null,
  ref: (r.ref as string | null) ?? null,
  text: r.text as string,
  isa13: r.isa13 as string,
  gs06: r.gs06 as string,
  st02: r.st02 as string,
  createdAt: r.created_at as string,
  delivery: r.delivery as Delivery,
  attempts: r.attempts as number,
  nextAt: (r.next_at as number | null) ?? null,
  lastStatus: (r.last_status as number | null) ?? null,
  lastError: (r.last_error as string | null) ?? null,
  deliveredAt: (r.delivered_at as string | null) ?? null,
});

export class PartnerStore {
  constructor(private readonly sql: SqlStorage) {
    for (const ddl of PARTNER_SCHEMA) sql.exec(ddl);
  }

  lastControl(): ControlNumbers | null {
    const [r] = this.sql.exec<{ isa: number; gs: number; st: number }>("SELECT isa, gs, st FROM control").toArray();
    return r ? { isa: r.isa, gs: r.gs, st: r.st } : null;
  }

  setControl(c: ControlNumbers): void {
    this.sql.exec("INSERT OR REPLACE INTO control (k, isa, gs, st) VALUES (1, ?, ?, ?)", c.isa, c.gs, c.st);
  }

  /** The next value of a named counter (1, 2, …). */
  next(name: string): number {
    this.sql.exec("INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT (name) DO UPDATE SET value = value + 1", name);
    return this.sql.exec<{ value: number }>("SELECT value FROM counters WHERE name = ?", name).one().value;
  }

  meta(k: string): string | null {
    return this.sql.exec<{ v: string }>("SELECT v FROM meta WHERE k = ?", k).toArray()[0]?.v ?? null;
  }

  setMeta(k: string, v: string): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", k, v);
  }

  byKey(key: string): DocumentRow | null {
    const [r] = this.sql.exec<Row>("SELECT * FROM documents WHERE key = ?", key).toArray();
    return r ? toDoc(r) : null;
  }

  bySeq(seq: number): DocumentRow | null {
    const [r] = this.sql.exec<Row>("SELECT * FROM documents WHERE seq = ?", seq).toArray();
    return r ? toDoc(r) : null;
  }

  insert(d: Omit<DocumentRow, "seq" | "attempts" | "lastStatus" | "lastError" | "deliveredAt">): DocumentRow {
    this.sql.exec(
      "INSERT INTO documents (key, kind, order_id, ref, text, isa13, gs06, st02, created_at, delivery, next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
      d.key, d.kind, d.orderId, d.ref, d.text, d.isa13, d.gs06, d.st02, d.createdAt, d.delivery, d.nextAt,
    );
    return this.byKey(d.key)!;
  }

  /** Documents after `after` (the poll cursor), oldest first. */
  list(after: number, limit: number, kind?: string): DocumentRow[] {
    const rows = kind
      ? this.sql.exec<Row>("SELECT * FROM documents WHERE seq > ? AND kind = ? ORDER BY seq LIMIT ?", after, kind, limit)
      : this.sql.exec<Row>("SELECT * FROM documents WHERE seq > ? ORDER BY seq LIMIT ?", after, limit);
    return rows.toArray().map(toDoc);
  }

  due(now: number): DocumentRow[] {
    return this.sql.exec<Row>("SELECT * FROM documents WHERE delivery = 'pending' AND next_at <= ? ORDER BY seq LIMIT 20", now).toArray().map(toDoc);
  }

  earliestDue(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT MIN(next_at) AS t FROM documents WHERE delivery = 'pending'").one().t;
  }

  recordAttempt(seq: number, a: { delivery: Delivery; status: number | null; error: string | null; nextAt: number | null; deliveredAt: string | null }): void {
    this.sql.exec(
      "UPDATE documents SET delivery = ?, attempts = attempts + 1, last_status = ?, last_error = ?, next_at = ?, delivered_at = COALESCE(?, delivered_at) WHERE seq = ?",
      a.delivery, a.status, a.error, a.nextAt, a.deliveredAt, seq,
    );
  }

  orderNumberFor(orderId: string, releaseId: string): string | null {
    return this.sql.exec<{ number: string }>("SELECT number FROM order_numbers WHERE order_id = ? AND release_id = ?", orderId, releaseId).toArray()[0]?.number ?? null;
  }

  assignOrderNumber(orderId: string, releaseId: string, location: string): string {
    const have = this.orderNumberFor(orderId, releaseId);
    if (have) return have;
    // SY + 10 digits: well inside the 940's W0502 (AN 1/22), unique per partner, never reused.
    const number = `SY${String(this.next("order_number")).padStart(10, "0")}`;
    this.sql.exec("INSERT INTO order_numbers (number, order_id, release_id, location) VALUES (?, ?, ?, ?)", number, orderId, releaseId, location);
    return number;
  }

  resolve(number: string): { orderId: string; releaseId: string; location: string } | null {
    const [r] = this.sql.exec<{ order_id: string; release_id: string; location: string }>("SELECT order_id, release_id, location FROM order_numbers WHERE number = ?", number).toArray();
    return r ? { orderId: r.order_id, releaseId: r.release_id, location: r.location } : null;
  }
}
