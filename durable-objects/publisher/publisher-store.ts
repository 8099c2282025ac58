/**
 * The PublisherDO's storage: per (SKU, channel location) the newest figure and what the channel
 * last acknowledged, the provider id cache, lag samples, counters and (x12) the 846 outbox.
 * Everything here is synchronous SQLite, so the object's read-modify-writes have nothing else
 * between the check and the write.
 */
import type { ControlNumbers } from "../../core/x12/outbound";
import type { IdCache } from "../../connectors/channels/types";
import type { PublishOffer } from "../../lib/publishing";

export const PUBLISHER_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS items (sku TEXT NOT NULL, loc TEXT NOT NULL, target INTEGER NOT NULL, seq INTEGER NOT NULL, src_seq INTEGER NOT NULL, source_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL, last_ack INTEGER, ack_at INTEGER, state TEXT NOT NULL, last_error TEXT, updated_at INTEGER NOT NULL, folded INTEGER NOT NULL DEFAULT 0, inflight_at INTEGER, PRIMARY KEY (sku, loc))`,
  `CREATE INDEX IF NOT EXISTS items_due ON items (state, next_at)`,
  `CREATE TABLE IF NOT EXISTS ids (k TEXT PRIMARY KEY, v TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS lag (id INTEGER PRIMARY KEY AUTOINCREMENT, ms INTEGER NOT NULL, at INTEGER NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT)`,
  `CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, isa13 TEXT NOT NULL, gs06 TEXT NOT NULL, st02 TEXT NOT NULL, text TEXT NOT NULL, items INTEGER NOT NULL, created_at INTEGER NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, last_status INTEGER, last_error TEXT, delivered_at INTEGER)`,
];

export type ItemState = "pending" | "idle" | "rejected" | "dead";

export type ItemRow = {
  sku: string;
  loc: string;
  target: number;
  seq: number;
  src_seq: number;
  source_at: number | null;
  attempts: number;
  next_at: number;
  last_ack: number | null;
  ack_at: number | null;
  state: ItemState;
  last_error: string | null;
  updated_at: number;
  folded: number;
  /** The oldest fact time of the figure in flight (lag is measured from it when it is acknowledged). */
  inflight_at: number | null;
};

/** A rejected item (unknown SKU, not stocked at the location) is tried again with a new figure at most this often. */
export const REJECTED_RETRY_MS = 3600_000;
const LAG_SAMPLES = 1000;
const OUTBOX_KEEP = 500;

export class PublisherStore {
  constructor(private readonly sql: SqlStorage) {
    for (const ddl of PUBLISHER_SCHEMA) sql.exec(ddl);
  }

  item(sku: string, loc: string): ItemRow | null {
    return this.sql.exec<ItemRow>("SELECT * FROM items WHERE sku = ? AND loc = ?", sku, loc).toArray()[0] ?? null;
  }

  /**
   * Takes the newest figures: an offer older than (or as old as) what is kept is dropped, an
   * equal figure already acknowledged changes nothing, anything else becomes the pending target
   * with a new `seq`. Returns how many became pending.
   */
  offer(offers: PublishOffer[], now: number, notBefore: number): number {
    let pending = 0;
    for (const o of offers) {
      const row = this.item(o.sku, o.location);
      const available = Math.max(0, Math.trunc(o.available));
      if (!row) {
        this.sql.exec(
          "INSERT INTO items (sku, loc, target, seq, src_seq, source_at, attempts, next_at, state, updated_at) VALUES (?, ?, ?, 1, ?, ?, 0, ?, 'pending', ?)",
          o.sku, o.location, available, o.seq, o.sourceAt, Math.max(now, notBefore), now,
        );
        pending++;
        continue;
      }
      if (row.src_seq >= o.seq) continue;
      if (row.target === available && row.state !== "pending" && (row.last_ack === available || row.state === "rejected")) {
        this.sql.exec("UPDATE items SET src_seq = ? WHERE sku = ? AND loc = ?", o.seq, o.sku, o.location);
        continue;
      }
      // A figure not yet sent keeps the oldest fact it carries (lag is measured from it), and a pending one its backoff.
      const sourceAt = row.source_at !== null ? (o.sourceAt === null ? row.source_at : Math.min(row.source_at, o.sourceAt)) : o.sourceAt;
      const held = row.state === "rejected" && now - row.updated_at < REJECTED_RETRY_MS;
      const state: ItemState = held ? "rejected" : "pending";
      const nextAt = row.state === "pending" && row.attempts > 0 ? Math.max(row.next_at, notBefore) : Math.max(now, notBefore);
      this.sql.exec(
        "UPDATE items SET target = ?, seq = seq + 1, src_seq = ?, source_at = ?, state = ?, attempts = CASE WHEN state = 'pending' THEN attempts ELSE 0 END, next_at = ? WHERE sku = ? AND loc = ?",
        available, o.seq, sourceAt, state, nextAt, o.sku, o.location,
      );
      if (!held) pending++;
    }
    return pending;
  }

  /** Pending items due now, stock-outs first (a channel selling what is gone costs most), then oldest due. */
  due(now: number, limit: number): ItemRow[] {
    return this.sql
      .exec<ItemRow>("SELECT * FROM items WHERE state = 'pending' AND next_at <= ? ORDER BY (target = 0 AND COALESCE(last_ack, 1) > 0) DESC, next_at, sku LIMIT ?", now, limit)
      .toArray();
  }

  /** The batch is on its way: its facts' time moves to `inflight_at`; offers from now on start a fresh clock. */
  markInFlight(rows: ItemRow[]): void {
    for (const r of rows) this.sql.exec("UPDATE items SET inflight_at = source_at, source_at = NULL WHERE sku = ? AND loc = ?", r.sku, r.loc);
  }

  nextDue(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT MIN(next_at) AS t FROM items WHERE state = 'pending'").one().t;
  }

  update(sku: string, loc: string, set: Partial<Omit<ItemRow, "sku" | "loc">>): void {
    const cols = Object.keys(set);
    if (!cols.length) return;
    this.sql.exec(`UPDATE items SET ${cols.map((c) => `${c} = ?`).join(", ")} WHERE sku = ? AND loc = ?`, ...cols.map((c) => (set as Record<string, unknown>)[c] as SqlStorageValue), sku, loc);
  }

  /** A dead or rejected item goes back to pending (dead-letter replay, an operator's fix). */
  rearm(sku: string, loc: string, now: number): boolean {
    const row = this.item(sku, loc);
    if (!row) return false;
    this.update(sku, loc, { state: "pending", attempts: 0, next_at: now, updated_at: now });
    return true;
  }

  /** Every acknowledged figure goes again (a scheduled full statement): pending, from a fresh lag clock. */
  rearmIdle(now: number): number {
    return this.sql.exec("UPDATE items SET state = 'pending', next_at = ?, source_at = NULL, seq = seq + 1 WHERE state = 'idle'", now).rowsWritten;
  }

  items(limit: number, offset = 0): ItemRow[] {
    return this.sql.exec<ItemRow>("SELECT * FROM items ORDER BY sku, loc LIMIT ? OFFSET ?", limit, offset).toArray();
  }

  bySku(sku: string): ItemRow[] {
    return this.sql.exec<ItemRow>("SELECT * FROM items WHERE sku = ?", sku).toArray();
  }

  counts(): Record<ItemState, number> {
    const out: Record<ItemState, number> = { pending: 0, idle: 0, rejected: 0, dead: 0 };
    for (const r of this.sql.exec<{ state: ItemState; n: number }>("SELECT state, COUNT(*) AS n FROM items GROUP BY state")) out[r.state] = r.n;
    return out;
  }

  sampleLag(ms: number, at: number): void {
    this.sql.exec("INSERT INTO lag (ms, at) VALUES (?, ?)", Math.max(0, ms), at);
    this.sql.exec("DELETE FROM lag WHERE id <= (SELECT MAX(id) FROM lag) - ?", LAG_SAMPLES);
  }

  lagPercentiles(): { p50: number | null; p99: number | null; samples: number } {
    const ms = this.sql.exec<{ ms: number }>("SELECT ms FROM lag ORDER BY ms").toArray().map((r) => r.ms);
    const at = (q: number) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(ms.length * q))]! : null);
    return { p50: at(0.5), p99: at(0.99), samples: ms.length };
  }

  meta(k: string): string | null {
    return this.sql.exec<{ v: string | null }>("SELECT v FROM meta WHERE k = ?", k).toArray()[0]?.v ?? null;
  }
  num(k: string): number {
    return Number(this.meta(k) ?? 0) || 0;
  }
  setMeta(k: string, v: string | number | null): void {
    this.sql.exec("INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)", k, v === null ? null : String(v));
  }
  add(k: string, n: number): void {
    if (n) this.setMeta(k, this.num(k) + n);
  }

  /** The provider id cache, persisted as it is written. */
  idCache(): IdCache {
    return {
      get: (k) => this.sql.exec<{ v: string }>("SELECT v FROM ids WHERE k = ?", k).toArray()[0]?.v,
      set: (k, v) => void this.sql.exec("INSERT OR REPLACE INTO ids (k, v) VALUES (?, ?)", k, v),
    };
  }

  /** The SKU whose cached provider id is `id` (a Shopify InventoryItem GID or its numeric tail). */
  skuForId(prefix: string, id: string): string | null {
    const rows = this.sql.exec<{ k: string; v: string }>("SELECT k, v FROM ids WHERE k LIKE ? AND (v = ? OR v LIKE ?)", `${prefix}%`, id, `%/${id}`).toArray();
    return rows.length === 1 ? rows[0]!.k.slice(prefix.length) : null;
  }

  // ── x12 outbox ──────────────────────────────────────────────────────────────────────────
  lastControl(): ControlNumbers | null {
    const v = this.meta("x12:control");
    return v ? (JSON.parse(v) as ControlNumbers) : null;
  }
  keepInterchange(doc: { text: string; control: ControlNumbers; isa13: string; gs06: string; st02: string; items: number }, now: number): number {
    this.setMeta("x12:control", JSON.stringify(doc.control));
    const id = this.sql.exec<{ id: number }>(
      "INSERT INTO outbox (isa13, gs06, st02, text, items, created_at, state) VALUES (?, ?, ?, ?, ?, ?, 'kept') RETURNING id",
      doc.isa13, doc.gs06, doc.st02, doc.text, doc.items, now,
    ).one().id;
    this.sql.exec("DELETE FROM outbox WHERE id <= ?", id - OUTBOX_KEEP);
    return id;
  }
  interchangeDelivered(id: number, o: { ok: boolean; status: number | null; error: string | null }, now: number): void {
    this.sql.exec(
      "UPDATE outbox SET state = ?, attempts = attempts + 1, last_status = ?, last_error = ?, delivered_at = CASE WHEN ? THEN ? ELSE delivered_at END WHERE id = ?",
      o.ok ? "delivered" : "failed", o.status, o.error, o.ok ? 1 : 0, now, id,
    );
  }
  outbox(after: number, limit: number) {
    return this.sql
      .exec<{ id: number; isa13: string; gs06: string; st02: string; text: string; created_at: number; state: string; attempts: number; last_status: number | null; last_error: string | null; delivered_at: number | null }>(
        "SELECT id, isa13, gs06, st02, text, created_at, state, attempts, last_status, last_error, delivered_at FROM outbox WHERE id > ? ORDER BY id LIMIT ?",
        after, limit,
      )
      .toArray();
  }
}
