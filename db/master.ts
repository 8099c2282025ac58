/**
 * Master data in D1: conditional upserts (a row changes only for a higher version), each with
 * its subscriber event in the same batch, and the reads that build the order path's KV copies.
 * D1 has no interactive transactions, so one batch per record does it all: read what is stored,
 * upsert `WHERE excluded.version > version` stamping a fresh `write_id`, then the statements that
 * must follow only an applied write (replace the list's prices, append the event) are guarded by
 * that `write_id`, and a last read tells the caller what happened.
 */
import type { PriceEntry, UpsertOutcome } from "../core/master/model";

export type MasterKind = "product" | "customer" | "price_list";

export interface MasterRow {
  id: string;
  version: number;
  owner: string;
  record: Record<string, unknown>;
  updatedAt: string;
}

export interface UpsertResult {
  id: string;
  outcome: UpsertOutcome;
  /** The stored version after the write. */
  version: number;
  before: Record<string, unknown> | null;
  /** price lists: the SKUs priced before this write (so their KV copies drop what it removed). */
  previousSkus?: string[];
}

const EVENT_TYPES: Record<MasterKind, string> = { product: "master.product_changed", customer: "master.customer_changed", price_list: "master.price_list_changed" };
const TABLE: Record<MasterKind, { table: string; key: string }> = {
  product: { table: "master_products", key: "sku" },
  customer: { table: "master_customers", key: "id" },
  price_list: { table: "master_price_lists", key: "id" },
};

function eventStatement(d1: D1Database, kind: MasterKind, row: MasterRow, writeId: string) {
  const { table, key } = TABLE[kind];
  const data = JSON.stringify({ id: row.id, version: row.version, owner: row.owner, record: row.record });
  // Deterministic per (kind, id, version): a retried write appends nothing twice.
  return d1
    .prepare(
      `INSERT OR IGNORE INTO outbound_events (id, type, occurred_at, orchestration_id, data, state, attempts, created_at, stream, seq)
       SELECT ?1, ?2, ?3, NULL, ?4, 'pending', 0, ?3, ?5, ?6 WHERE EXISTS (SELECT 1 FROM ${table} WHERE ${key} = ?7 AND write_id = ?8)`,
    )
    .bind(`md_${kind}_${row.id}_${row.version}`, EVENT_TYPES[kind], row.updatedAt, data, `md:${kind}:${row.id}`, row.version, row.id, writeId);
}

type Before = { version: number; record: string } | null;

function outcomeOf(before: Before, after: { version: number; write_id: string } | null, writeId: string, version: number): UpsertOutcome {
  if (after?.write_id === writeId) return before ? "updated" : "created";
  return (after?.version ?? -1) > version ? "stale" : "unchanged";
}

function upsertStatement(d1: D1Database, kind: MasterKind, row: MasterRow, writeId: string) {
  const rec = JSON.stringify(row.record);
  switch (kind) {
    case "product":
      return d1
        .prepare(
          `INSERT INTO master_products (sku, status, version, owner, record, write_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
           ON CONFLICT (sku) DO UPDATE SET status = excluded.status, version = excluded.version, owner = excluded.owner, record = excluded.record, write_id = excluded.write_id, updated_at = excluded.updated_at
           WHERE excluded.version > master_products.version`,
        )
        .bind(row.id, String(row.record.status), row.version, row.owner, rec, writeId, row.updatedAt);
    case "customer":
      return d1
        .prepare(
          `INSERT INTO master_customers (id, credit_hold, price_group, version, owner, record, write_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
           ON CONFLICT (id) DO UPDATE SET credit_hold = excluded.credit_hold, price_group = excluded.price_group, version = excluded.version, owner = excluded.owner, record = excluded.record, write_id = excluded.write_id, updated_at = excluded.updated_at
           WHERE excluded.version > master_customers.version`,
        )
        .bind(row.id, row.record.creditHold ? 1 : 0, (row.record.priceGroup as string | undefined) ?? null, row.version, row.owner, rec, writeId, row.updatedAt);
    case "price_list": {
      const r = row.record as { channel?: string; priceGroup?: string; currency: string; validFrom: string; validTo?: string };
      return d1
        .prepare(
          `INSERT INTO master_price_lists (id, channel, price_group, currency, valid_from, valid_to, version, owner, write_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
           ON CONFLICT (id) DO UPDATE SET channel = excluded.channel, price_group = excluded.price_group, currency = excluded.currency, valid_from = excluded.valid_from, valid_to = excluded.valid_to, version = excluded.version, owner = excluded.owner, write_id = excluded.write_id, updated_at = excluded.updated_at
           WHERE excluded.version > master_price_lists.version`,
        )
        .bind(row.id, r.channel ?? null, r.priceGroup ?? null, r.currency, r.validFrom, r.validTo ?? null, row.version, row.owner, writeId, row.updatedAt);
    }
  }
}

const PER_BATCH = 50;

/**
 * Upserts products or customers (many at once for bulk imports), each applied only when its
 * version is higher than the stored one. Returns one result per row, in order.
 */
export async function upsertRecords(d1: D1Database, kind: "product" | "customer", rows: MasterRow[]): Promise<UpsertResult[]> {
  const { table, key } = TABLE[kind];
  const out: UpsertResult[] = [];
  for (let i = 0; i < rows.length; i += PER_BATCH) {
    const chunk = rows.slice(i, i + PER_BATCH);
    const ids = chunk.map(() => crypto.randomUUID());
    const stmts = chunk.flatMap((row, j) => [
      d1.prepare(`SELECT version, record FROM ${table} WHERE ${key} = ?`).bind(row.id),
      upsertStatement(d1, kind, row, ids[j]!),
      eventStatement(d1, kind, row, ids[j]!),
      d1.prepare(`SELECT version, write_id FROM ${table} WHERE ${key} = ?`).bind(row.id),
    ]);
    const results = await d1.batch(stmts);
    chunk.forEach((row, j) => {
      const before = (results[j * 4]!.results[0] as Before) ?? null;
      const after = (results[j * 4 + 3]!.results[0] as { version: number; write_id: string } | undefined) ?? null;
      out.push({ id: row.id, outcome: outcomeOf(before, after, ids[j]!, row.version), version: after?.version ?? row.version, before: before ? (JSON.parse(before.record) as Record<string, unknown>) : null });
    });
  }
  return out;
}

/** Upserts one price list and, when it applied, replaces its prices; the event and the prices ride in the same batch. */
export async function upsertPriceList(d1: D1Database, row: MasterRow & { prices: { sku: string; unitPrice: string }[] }): Promise<UpsertResult> {
  const writeId = crypto.randomUUID();
  const applied = `(SELECT write_id FROM master_price_lists WHERE id = ?) = ?`;
  const inserts = [];
  for (let i = 0; i < row.prices.length; i += 30) {
    const part = row.prices.slice(i, i + 30);
    inserts.push(
      d1
        .prepare(`INSERT INTO master_prices (list_id, sku, unit_price) SELECT column1, column2, column3 FROM (VALUES ${part.map(() => "(?, ?, ?)").join(", ")}) WHERE ${applied}`)
        .bind(...part.flatMap((p) => [row.id, p.sku, p.unitPrice]), row.id, writeId),
    );
  }
  const { prices: _prices, ...rest } = row;
  const stmts = [
    d1.prepare(`SELECT l.version, l.currency, (SELECT json_group_array(sku) FROM master_prices WHERE list_id = l.id) AS skus FROM master_price_lists l WHERE l.id = ?`).bind(row.id),
    upsertStatement(d1, "price_list", rest, writeId),
    d1.prepare(`DELETE FROM master_prices WHERE list_id = ? AND ${applied}`).bind(row.id, row.id, writeId),
    ...inserts,
    eventStatement(d1, "price_list", { ...rest, record: { ...row.record, prices: row.prices.length } }, writeId),
    d1.prepare(`SELECT version, write_id FROM master_price_lists WHERE id = ?`).bind(row.id),
  ];
  const results = await d1.batch(stmts);
  const prior = (results[0]!.results[0] as { version: number; skus: string } | undefined) ?? null;
  const after = (results.at(-1)!.results[0] as { version: number; write_id: string } | undefined) ?? null;
  const outcome = outcomeOf(prior ? { version: prior.version, record: "{}" } : null, after, writeId, row.version);
  return { id: row.id, outcome, version: after?.version ?? row.version, before: prior ? { version: prior.version } : null, previousSkus: prior ? (JSON.parse(prior.skus) as string[]) : [] };
}

/** One record as stored, or null. */
export async function getRecord(d1: D1Database, kind: "product" | "customer", id: string): Promise<MasterRow | null> {
  const { table, key } = TABLE[kind];
  const r = await d1.prepare(`SELECT ${key} AS id, version, owner, record, updated_at FROM ${table} WHERE ${key} = ?`).bind(id).first<{ id: string; version: number; owner: string; record: string; updated_at: string }>();
  return r ? { id: r.id, version: r.version, owner: r.owner, record: JSON.parse(r.record) as Record<string, unknown>, updatedAt: r.updated_at } : null;
}

export interface PriceListRow {
  id: string;
  channel: string | null;
  priceGroup: string | null;
  currency: string;
  validFrom: string;
  validTo: string | null;
  version: number;
  owner: string;
  updatedAt: string;
  prices: { sku: string; unitPrice: string }[];
}

export async function getPriceList(d1: D1Database, id: string): Promise<PriceListRow | null> {
  const [list, prices] = await d1.batch([
    d1.prepare(`SELECT id, channel, price_group, currency, valid_from, valid_to, version, owner, updated_at FROM master_price_lists WHERE id = ?`).bind(id),
    d1.prepare(`SELECT sku, unit_price FROM master_prices WHERE list_id = ? ORDER BY sku`).bind(id),
  ]);
  const l = list!.results[0] as Record<string, string | number | null> | undefined;
  if (!l) return null;
  return {
    id: String(l.id), channel: l.channel as string | null, priceGroup: l.price_group as string | null, currency: String(l.currency),
    validFrom: String(l.valid_from), validTo: l.valid_to as string | null, version: Number(l.version), owner: String(l.owner), updatedAt: String(l.updated_at),
    prices: (prices!.results as { sku: string; unit_price: string }[]).map((p) => ({ sku: p.sku, unitPrice: p.unit_price })),
  };
}

/** For the order path's KV copies: each SKU's product record (if any) and every price of it. */
export async function skuEntries(d1: D1Database, skus: string[]): Promise<Map<string, { product: MasterRow | null; prices: PriceEntry[] }>> {
  const out = new Map<string, { product: MasterRow | null; prices: PriceEntry[] }>();
  for (const s of skus) out.set(s, { product: null, prices: [] });
  for (let i = 0; i < skus.length; i += 90) {
    const part = skus.slice(i, i + 90);
    const marks = part.map(() => "?").join(", ");
    const [products, prices] = await d1.batch([
      d1.prepare(`SELECT sku, version, owner, record, updated_at FROM master_products WHERE sku IN (${marks})`).bind(...part),
      d1
        .prepare(
          `SELECT p.sku, p.list_id, p.unit_price, l.channel, l.price_group, l.currency, l.valid_from, l.valid_to FROM master_prices p JOIN master_price_lists l ON l.id = p.list_id WHERE p.sku IN (${marks}) ORDER BY p.list_id`,
        )
        .bind(...part),
    ]);
    for (const r of products!.results as { sku: string; version: number; owner: string; record: string; updated_at: string }[])
      out.get(r.sku)!.product = { id: r.sku, version: r.version, owner: r.owner, record: JSON.parse(r.record) as Record<string, unknown>, updatedAt: r.updated_at };
    for (const r of prices!.results as { sku: string; list_id: string; unit_price: string; channel: string | null; price_group: string | null; currency: string; valid_from: string; valid_to: string | null }[])
      out.get(r.sku)!.prices.push({
        list: r.list_id, currency: r.currency, validFrom: r.valid_from, unitPrice: r.unit_price,
        ...(r.channel ? { channel: r.channel } : {}), ...(r.price_group ? { priceGroup: r.price_group } : {}), ...(r.valid_to ? { validTo: r.valid_to } : {}),
      });
  }
  return out;
}
