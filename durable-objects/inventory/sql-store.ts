/**
 * The InventoryDO's SQLite storage: `InventoryStore` over `ctx.storage.sql`. Every call is
 * synchronous, so a ledger operation run inside `transactionSync` reads, decides and writes with
 * nothing in between that could let another request in (the input gate stays shut), and rolls
 * back as a whole if its invariant check throws.
 */
import type { LocationState } from "../../core/inventory/events";
import type { Holds } from "../../core/inventory/position";
import type { InventoryStore, LineRecord } from "../../core/inventory/store";
import type { ReservationRow } from "../../core/inventory/watermark";

const SCHEMA = [
  // Position, per-figure marks and the pending move log of each location, as JSON: a SKU has few
  // locations and they are always read whole.
  `CREATE TABLE IF NOT EXISTS locations (location TEXT PRIMARY KEY, state TEXT NOT NULL) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS lines (order_id TEXT NOT NULL, line_no INTEGER NOT NULL, channel TEXT NOT NULL,
     requested INTEGER NOT NULL, reserved INTEGER NOT NULL, backordered INTEGER NOT NULL, rejected INTEGER NOT NULL,
     allocations TEXT NOT NULL, created_at INTEGER NOT NULL, state TEXT NOT NULL, PRIMARY KEY (order_id, line_no)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS reservations (order_id TEXT NOT NULL, line_no INTEGER NOT NULL, location TEXT NOT NULL,
     channel TEXT NOT NULL, held INTEGER NOT NULL, shipped INTEGER NOT NULL, shipped_at INTEGER, created_at INTEGER NOT NULL,
     seen_at INTEGER, PRIMARY KEY (order_id, line_no, location)) WITHOUT ROWID`,
  // No index on location: a new hold paid a second row written for it, while only a snapshot's
  // merge reads by location (a scan of the SKU's open holds, a few rows read per hold, billed
  // at a thousandth of a write). Objects of earlier versions drop it.
  `DROP INDEX IF EXISTS reservations_location`,
  `CREATE TABLE IF NOT EXISTS totals (location TEXT NOT NULL, channel TEXT NOT NULL, held INTEGER NOT NULL,
     held_seen INTEGER NOT NULL, shipped_unseen INTEGER NOT NULL, PRIMARY KEY (location, channel)) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS seen_ids (id TEXT PRIMARY KEY, at INTEGER NOT NULL) WITHOUT ROWID`,
  // No index on `at`: only the daily forget reads by it (a scan, once a day), while every
  // remembered id paid a second row written for the index. Objects of earlier versions drop it.
  `DROP INDEX IF EXISTS seen_ids_at`,
];

type Row = Record<string, SqlStorageValue>;

const toRow = (r: Row): ReservationRow => ({
  orderId: r.order_id as string,
  lineNo: r.line_no as number,
  location: r.location as string,
  channel: r.channel as string,
  held: r.held as number,
  shipped: r.shipped as number,
  shippedAt: (r.shipped_at as number | null) ?? null,
  createdAt: r.created_at as number,
  seenAt: (r.seen_at as number | null) ?? null,
});

const toLine = (r: Row): LineRecord => ({
  orderId: r.order_id as string,
  lineNo: r.line_no as number,
  channel: r.channel as string,
  requested: r.requested as number,
  reserved: r.reserved as number,
  backordered: r.backordered as number,
  rejected: r.rejected as number,
  allocations: JSON.parse(r.allocations as string) as LineRecord["allocations"],
  createdAt: r.created_at as number,
  state: r.state as LineRecord["state"],
});

export class SqlStore implements InventoryStore {
  readonly #sql: SqlStorage;
  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** Idempotent: run at object start-up under blockConcurrencyWhile. */
  migrate(extra: string[] = []): void {
    for (const s of [...SCHEMA, ...extra]) this.#sql.exec(s);
  }

  #all(query: string, ...args: SqlStorageValue[]): Row[] {
    return this.#sql.exec<Row>(query, ...args).toArray();
  }

  locations(): string[] {
    return this.#all("SELECT location FROM locations ORDER BY location").map((r) => r.location as string);
  }
  location(location: string): LocationState | null {
    const [r] = this.#all("SELECT state FROM locations WHERE location = ?", location);
    return r ? (JSON.parse(r.state as string) as LocationState) : null;
  }
  putLocation(state: LocationState): void {
    // Upserts, not INSERT OR REPLACE: a replace deletes and re-inserts (twice the rows written, and every index row again).
    this.#sql.exec("INSERT INTO locations (location, state) VALUES (?, ?) ON CONFLICT (location) DO UPDATE SET state = excluded.state", state.position.location, JSON.stringify(state));
  }

  line(orderId: string, lineNo: number): LineRecord | null {
    const [r] = this.#all("SELECT * FROM lines WHERE order_id = ? AND line_no = ?", orderId, lineNo);
    return r ? toLine(r) : null;
  }
  linesOf(orderId: string): LineRecord[] {
    return this.#all("SELECT * FROM lines WHERE order_id = ? ORDER BY line_no", orderId).map(toLine);
  }
  putLine(l: LineRecord): void {
    this.#sql.exec(
      "INSERT INTO lines (order_id, line_no, channel, requested, reserved, backordered, rejected, allocations, created_at, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id, line_no) DO UPDATE SET channel = excluded.channel, requested = excluded.requested, reserved = excluded.reserved, backordered = excluded.backordered, rejected = excluded.rejected, allocations = excluded.allocations, created_at = excluded.created_at, state = excluded.state",
      l.orderId, l.lineNo, l.channel, l.requested, l.reserved, l.backordered, l.rejected, JSON.stringify(l.allocations), l.createdAt, l.state,
    );
  }
  deleteLine(orderId: string, lineNo: number): void {
    this.#sql.exec("DELETE FROM lines WHERE order_id = ? AND line_no = ?", orderId, lineNo);
  }

  rowsOf(orderId: string, lineNo?: number): ReservationRow[] {
    return lineNo === undefined
      ? this.#all("SELECT * FROM reservations WHERE order_id = ? ORDER BY line_no, location", orderId).map(toRow)
      : this.#all("SELECT * FROM reservations WHERE order_id = ? AND line_no = ? ORDER BY location", orderId, lineNo).map(toRow);
  }
  rowsAt(location: string): ReservationRow[] {
    return this.#all("SELECT * FROM reservations WHERE location = ?", location).map(toRow);
  }
  putRow(r: ReservationRow): void {
    this.#sql.exec(
      "INSERT INTO reservations (order_id, line_no, location, channel, held, shipped, shipped_at, created_at, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (order_id, line_no, location) DO UPDATE SET channel = excluded.channel, held = excluded.held, shipped = excluded.shipped, shipped_at = excluded.shipped_at, created_at = excluded.created_at, seen_at = excluded.seen_at",
      r.orderId, r.lineNo, r.location, r.channel, r.held, r.shipped, r.shippedAt, r.createdAt, r.seenAt,
    );
  }
  deleteRow(orderId: string, lineNo: number, location: string): void {
    this.#sql.exec("DELETE FROM reservations WHERE order_id = ? AND line_no = ? AND location = ?", orderId, lineNo, location);
  }

  totals(location: string): Map<string, Holds> {
    return new Map(
      this.#all("SELECT channel, held, held_seen, shipped_unseen FROM totals WHERE location = ?", location).map((r) => [
        r.channel as string,
        { held: r.held as number, heldSeen: r.held_seen as number, shippedUnseen: r.shipped_unseen as number },
      ]),
    );
  }
  setTotals(location: string, channel: string, h: Holds): void {
    if (h.held === 0 && h.heldSeen === 0 && h.shippedUnseen === 0) this.#sql.exec("DELETE FROM totals WHERE location = ? AND channel = ?", location, channel);
    else this.#sql.exec("INSERT INTO totals (location, channel, held, held_seen, shipped_unseen) VALUES (?, ?, ?, ?, ?) ON CONFLICT (location, channel) DO UPDATE SET held = excluded.held, held_seen = excluded.held_seen, shipped_unseen = excluded.shipped_unseen", location, channel, h.held, h.heldSeen, h.shippedUnseen);
  }
  channelHeld(channel: string): number {
    return this.#sql.exec<{ n: number }>("SELECT COALESCE(SUM(held), 0) AS n FROM totals WHERE channel = ?", channel).one().n;
  }

  seen(id: string): boolean {
    return this.#all("SELECT 1 FROM seen_ids WHERE id = ?", id).length > 0;
  }
  remember(id: string, at: number): void {
    this.#sql.exec("INSERT OR IGNORE INTO seen_ids (id, at) VALUES (?, ?)", id, at);
  }

  /** Dedupe ids older than `before` are forgotten (a re-send after that long is treated as new). */
  forgetSeenBefore(before: number): void {
    this.#sql.exec("DELETE FROM seen_ids WHERE at < ?", before);
  }
}
