/**
 * Master data writes: D1 first (conditional upsert by version, with its subscriber event in the
 * same batch), then the KV copies the order path reads in one bulk get (core/keys.ts
 * `masterKeys`): `md:p:<sku>` (the product with every price of it, rebuilt from D1 so two writers
 * converge), the same under each channel alias, `md:c:<id>` and `md:ca:<channel>:<account>` for
 * customers. A repeat of a write (same version) re-writes the copies, so a write whose KV step
 * failed is repaired by sending it again. A customer's credit hold is also told to its registry
 * object (durable-objects/master) before the copies, so the hold an order sees never outlives
 * the registry's release.
 */
import { holdsObjectName, masterKeys } from "../core/keys";
import type { Customer, CustomerBody, PriceListBody, Product, ProductBody, SkuEntry, UpsertOutcome } from "../core/master/model";
import { getRecord, skuEntries, upsertPriceList, upsertRecords, type MasterRow, type UpsertResult } from "../db/master";
import type { Env } from "./env";
import { markMasterPresent } from "./master-checks";

export interface Written<T> {
  outcome: UpsertOutcome;
  version: number;
  record: T | null;
  before: Record<string, unknown> | null;
}

const KV_PARALLEL = 50;

async function inParallel<T>(items: T[], run: (x: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += KV_PARALLEL) await Promise.all(items.slice(i, i + KV_PARALLEL).map(run));
}

const aliasesOf = (r: Record<string, unknown> | null) => ((r?.aliases as { channel: string; sku: string }[] | undefined) ?? []);

/** Rebuilds the KV copies of these SKUs from D1; `dropAliases` are alias keys a write removed. */
export async function refreshSkus(env: Env, skus: string[], dropAliases: { channel: string; sku: string }[] = []): Promise<void> {
  if (!skus.length && !dropAliases.length) return;
  const entries = await skuEntries(env.DB, [...new Set(skus)]);
  const puts: [string, string | null][] = dropAliases.map((a) => [masterKeys.alias(a.channel, a.sku), null]);
  for (const [sku, e] of entries) {
    if (!e.product) {
      puts.push([masterKeys.product(sku), null]);
      continue;
    }
    const value: SkuEntry = { product: { ...(e.product.record as ProductBody), sku, owner: e.product.owner, version: e.product.version, updatedAt: e.product.updatedAt }, prices: e.prices };
    const text = JSON.stringify(value);
    puts.push([masterKeys.product(sku), text]);
    for (const a of aliasesOf(e.product.record)) puts.push([masterKeys.alias(a.channel, a.sku), text]);
  }
  await markMasterPresent(env);
  await inParallel(puts, ([k, v]) => (v === null ? env.AVAILABILITY_KV.delete(k) : env.AVAILABILITY_KV.put(k, v)));
}

const productRow = (sku: string, body: ProductBody, now: string): MasterRow => {
  const { version, owner, ...record } = body;
  return { id: sku, version, owner: owner ?? "api", record, updatedAt: now };
};
const customerRow = (id: string, body: CustomerBody, now: string): MasterRow => {
  const { version, owner, ...record } = body;
  return { id, version, owner: owner ?? "api", record, updatedAt: now };
};

function removedAliases(r: UpsertResult, next: Record<string, unknown>) {
  if (r.outcome !== "updated") return [];
  const keep = new Set(aliasesOf(next).map((a) => `${a.channel}\u0000${a.sku}`));
  return aliasesOf(r.before).filter((a) => !keep.has(`${a.channel}\u0000${a.sku}`));
}

/** Upserts products (one or a bulk chunk); returns each outcome in order. */
export async function writeProducts(env: Env, items: { sku: string; body: ProductBody }[]): Promise<UpsertResult[]> {
  const now = new Date().toISOString();
  const rows = items.map((i) => productRow(i.sku, i.body, now));
  const results = await upsertRecords(env.DB, "product", rows);
  const touched = results.filter((r) => r.outcome !== "stale");
  await refreshSkus(env, touched.map((r) => r.id), results.flatMap((r, i) => removedAliases(r, rows[i]!.record)));
  return results;
}

export async function putProduct(env: Env, sku: string, body: ProductBody): Promise<Written<Product>> {
  const [r] = await writeProducts(env, [{ sku, body }]);
  return { outcome: r!.outcome, version: r!.version, before: r!.before, record: await readProduct(env, sku) };
}

export async function readProduct(env: Env, sku: string): Promise<Product | null> {
  const row = await getRecord(env.DB, "product", sku);
  return row ? ({ ...(row.record as ProductBody), sku, version: row.version, owner: row.owner, updatedAt: row.updatedAt } as Product) : null;
}

export async function readCustomer(env: Env, id: string): Promise<Customer | null> {
  const row = await getRecord(env.DB, "customer", id);
  return row ? ({ ...(row.record as CustomerBody), id, version: row.version, owner: row.owner, updatedAt: row.updatedAt } as Customer) : null;
}

/**
 * Upserts customers. A hold set or lifted is told to the customer's registry first (lifting it
 * releases the orders held for it); `bulk` skips that for records that never had a hold.
 */
export async function writeCustomers(env: Env, items: { id: string; body: CustomerBody }[], opts: { bulk?: boolean } = {}): Promise<UpsertResult[]> {
  const now = new Date().toISOString();
  const rows = items.map((i) => customerRow(i.id, i.body, now));
  const results = await upsertRecords(env.DB, "customer", rows);
  const current = await Promise.all(results.map((r) => (r.outcome === "stale" ? null : readCustomer(env, r.id))));
  await inParallel(
    current.filter((c): c is Customer => !!c),
    async (c) => {
      const r = results.find((x) => x.id === c.id)!;
      const hadHold = r.before?.creditHold === true;
      if (c.creditHold || hadHold || (!opts.bulk && r.outcome === "unchanged")) await env.MASTER.getByName(holdsObjectName(c.id)).setHold(!!c.creditHold, c.version);
      const text = JSON.stringify(c);
      await env.AVAILABILITY_KV.put(masterKeys.customer(c.id), text);
      const keep = new Set((c.channelAccounts ?? []).map((a) => `${a.channel}\u0000${a.accountId}`));
      const before = (r.before?.channelAccounts as { channel: string; accountId: string }[] | undefined) ?? [];
      await Promise.all([
        ...(c.channelAccounts ?? []).map((a) => env.AVAILABILITY_KV.put(masterKeys.account(a.channel, a.accountId), text)),
        ...before.filter((a) => !keep.has(`${a.channel}\u0000${a.accountId}`)).map((a) => env.AVAILABILITY_KV.delete(masterKeys.account(a.channel, a.accountId))),
      ]);
    },
  );
  if (current.some(Boolean)) await markMasterPresent(env);
  return results;
}

export async function putCustomer(env: Env, id: string, body: CustomerBody): Promise<Written<Customer>> {
  const [r] = await writeCustomers(env, [{ id, body }]);
  return { outcome: r!.outcome, version: r!.version, before: r!.before, record: await readCustomer(env, id) };
}

/** Upserts a price list (its prices replaced whole) and rebuilds the KV copies of every SKU it prices or priced. */
export async function putPriceList(env: Env, id: string, body: PriceListBody): Promise<UpsertResult> {
  const { version, owner, prices, ...record } = body;
  const r = await upsertPriceList(env.DB, { id, version, owner: owner ?? "api", record, updatedAt: new Date().toISOString(), prices });
  if (r.outcome !== "stale") await refreshSkus(env, [...new Set([...prices.map((p) => p.sku), ...(r.previousSkus ?? [])])]);
  return r;
}
