/**
 * Projects a SKU's per-channel published figures out of its InventoryDO: KV `avail:<channel>:<sku>`
 * (what the availability Worker serves), D1 `availability_projections` (ops, reconciliation) and
 * an `inventory.availability_changed` row in D1 `outbound_events` for subscribers.
 *
 * Runs from the DO alarm only, never between a check and a write. Changes mark the projection
 * due at most once a second (`markChanged`), so each KV key gets at most one write per second
 * however many reservations land; a run writes only the channels whose figure moved. A run is safe to repeat: KV and D1 writes are upserts, and the
 * outbound event id is (sku, channel, per-channel sequence), committed only after the writes.
 */
import { availability } from "../../core/inventory/ledger";
import type { InventoryStore } from "../../core/inventory/store";
import { availabilityKey } from "../../core/keys";
import type { PolicyOrDefault } from "../../core/inventory/policy";
import { writeProjections } from "../../db/availability";
import { indexSku } from "../../db/publishing";
import type { Env } from "../../lib/env";
import { observe, type Waiter } from "../../lib/metrics";
import { loadPolicies } from "../../lib/policies";
import { subscribedTypes } from "../../lib/subscribed";
import { groupKey, publishTargets, type PublishedFigure, type PublishMessage, type PublishTarget } from "../../lib/publishing";

export const PROJECTION_SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS channels (channel TEXT PRIMARY KEY) WITHOUT ROWID`,
  `CREATE TABLE IF NOT EXISTS projections (channel TEXT PRIMARY KEY, available INTEGER NOT NULL, seq INTEGER NOT NULL, written_at INTEGER NOT NULL) WITHOUT ROWID`,
  // Re-projection asks (jobs/reproject.ts): publish this channel's figure even if unchanged, to these connections, under this policy.
  `CREATE TABLE IF NOT EXISTS forced (channel TEXT PRIMARY KEY, policy TEXT, targets TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS sync_lag (id INTEGER PRIMARY KEY, channel TEXT NOT NULL, source_at INTEGER, received_at INTEGER, written_at INTEGER NOT NULL)`,
];

export const MIN_WRITE_INTERVAL_MS = 1000;
const LAG_SAMPLES = 200;

export interface Projected {
  sku: string;
  channel: string;
  available: number;
  asOf: string;
}

/** A re-projection's ask for one channel (InventoryDO.reproject). */
export interface ForcedChannel {
  channel: string;
  /** The channel's policy as the job read it (other isolates may cache the old one for a few seconds). */
  policy?: PolicyOrDefault;
  targets: PublishTarget[];
  /** Write KV and D1 again even when the figure has not moved (reconciliation found them wrong). */
  rewrite?: boolean;
}

export class Projector {
  /**
   * The oldest unprojected fact (lag metrics only) and when the next run is due, kept in memory:
   * writing them inside every reservation's transaction was most of this object's rows written.
   * The durable record that a run is owed is the alarm itself (set in the change's request, and
   * every alarm run projects whatever differs from what was last written), so an eviction loses
   * at most one lag sample's source time, never a projection.
   */
  #pendingSourceAt: number | null = null;
  #pendingReceivedAt: number | null = null;
  #dueAt: number | null = null;
  #lastRunAt: number | null = null;
  #ran = false;

  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly env: Env,
    private readonly store: InventoryStore,
    private readonly waiter?: Waiter,
  ) {}

  #meta(key: string): number | null {
    const [r] = this.storage.sql.exec<{ value: number | null }>("SELECT value FROM meta WHERE key = ?", key).toArray();
    return r?.value ?? null;
  }
  #setMeta(key: string, value: number | null): void {
    this.storage.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  /** When the next projection run is due (null: none owed since this instance started). */
  dueAt(): number | null {
    return this.#dueAt;
  }

  /** Whether a run may be owed: one is due, or this instance is new and cannot know (a change before a restart). */
  mayOwe(): boolean {
    return this.#dueAt !== null || !this.#ran;
  }

  #lastRun(): number {
    // After a restart: the last time anything was written, so the ≤ 1 write/s per key pacing holds.
    this.#lastRunAt ??= this.storage.sql.exec<{ t: number | null }>("SELECT MAX(written_at) AS t FROM projections").one().t ?? 0;
    return this.#lastRunAt;
  }

  /** Synchronous, inside the change's transaction: remember the oldest unprojected fact and make the run due. */
  markChanged(sourceAt: number, now: number, channel?: string): void {
    if (channel) this.storage.sql.exec("INSERT OR IGNORE INTO channels (channel) VALUES (?)", channel);
    this.#pendingSourceAt = this.#pendingSourceAt === null ? sourceAt : Math.min(this.#pendingSourceAt, sourceAt);
    this.#pendingReceivedAt = this.#pendingReceivedAt === null ? now : Math.min(this.#pendingReceivedAt, now);
    const due = Math.max(now, this.#lastRun() + MIN_WRITE_INTERVAL_MS);
    this.#dueAt = this.#dueAt === null ? due : Math.min(this.#dueAt, due);
  }

  /** Synchronous: a re-projection of `channel` is due (the run publishes it even if the figure did not change). */
  force(ask: ForcedChannel, now: number): void {
    this.storage.sql.exec(
      "INSERT OR REPLACE INTO forced (channel, policy, targets) VALUES (?, ?, ?)",
      ask.channel,
      ask.policy === undefined && !ask.rewrite ? null : JSON.stringify({ policy: ask.policy, rewrite: ask.rewrite === true }),
      JSON.stringify(ask.targets),
    );
    this.markChanged(now, now);
  }

  /** Writes every channel figure that changed since it was last written, and hands the figures to the channel publishers. */
  async run(sku: string, now: number): Promise<Projected[]> {
    const taken = this.storage.transactionSync(() => {
      const forced = this.storage.sql.exec<{ channel: string; policy: string | null; targets: string }>("SELECT channel, policy, targets FROM forced").toArray();
      if (forced.length) this.storage.sql.exec("DELETE FROM forced");
      return { sourceAt: this.#pendingSourceAt, receivedAt: this.#pendingReceivedAt, forced };
    });
    this.#pendingSourceAt = null;
    this.#pendingReceivedAt = null;
    this.#dueAt = null;
    this.#lastRunAt = now;
    this.#ran = true;
    try {
      const [loaded, targets] = await Promise.all([loadPolicies(this.env), publishTargets(this.env)]);
      const policies = new Map(loaded);
      const forced = new Map(taken.forced.map((f) => [f.channel, f]));
      const rewrite = new Set<string>();
      for (const f of taken.forced) {
        if (f.policy === null) continue;
        const p = JSON.parse(f.policy) as { policy?: PolicyOrDefault; rewrite?: boolean };
        if (p.policy !== undefined) policies.set(f.channel, p.policy);
        if (p.rewrite) rewrite.add(f.channel);
      }
      const known = this.storage.sql.exec<{ channel: string }>("SELECT channel FROM channels").toArray().map((r) => r.channel);
      const last = new Map(this.storage.sql.exec<{ channel: string; available: number; seq: number }>("SELECT channel, available, seq FROM projections").toArray().map((r) => [r.channel, r]));
      const asOf = new Date(now).toISOString();
      const changed: (Projected & { seq: number; previous: number | null })[] = [];
      const figures: PublishedFigure[] = [];
      for (const channel of new Set([...policies.keys(), ...known, ...targets.keys(), ...forced.keys()])) {
        const policy = policies.get(channel) ?? null;
        const available = availability(this.store, channel, policy);
        const prev = last.get(channel);
        const ask = forced.get(channel);
        const channelTargets = [...(targets.get(channel) ?? []), ...(ask ? (JSON.parse(ask.targets) as PublishTarget[]) : [])];
        const grouped = channelTargets.some((t) => t.groups);
        // Unchanged figures are published only when asked (re-projection) or when a connection splits the
        // channel over locations (a location's share can move while the channel's total does not).
        if (channelTargets.length && (prev?.available !== available || ask || grouped)) figures.push(this.#figure(channel, available, policy, channelTargets, ask ? (JSON.parse(ask.targets) as PublishTarget[]) : undefined));
        if (prev?.available === available && !rewrite.has(channel)) continue;
        changed.push({ sku, channel, available, asOf, seq: (prev?.seq ?? 0) + 1, previous: prev?.available ?? null });
      }
      if (this.#meta("sku_indexed") === null) {
        await indexSku(this.env.DB, sku, asOf);
        this.#setMeta("sku_indexed", now);
      }
      if (changed.length) await this.#write(changed, taken.sourceAt, now);
      if (figures.length) await this.#publish(sku, figures, taken.sourceAt);
      if (changed.length)
        this.storage.transactionSync(() => {
        for (const c of changed) {
          this.storage.sql.exec("INSERT INTO projections (channel, available, seq, written_at) VALUES (?, ?, ?, ?) ON CONFLICT (channel) DO UPDATE SET available = excluded.available, seq = excluded.seq, written_at = excluded.written_at", c.channel, c.available, c.seq, now);
          this.storage.sql.exec("INSERT INTO sync_lag (channel, source_at, received_at, written_at) VALUES (?, ?, ?, ?)", c.channel, taken.sourceAt, taken.receivedAt, now);
        }
        this.storage.sql.exec("DELETE FROM sync_lag WHERE id <= (SELECT MAX(id) FROM sync_lag) - ?", LAG_SAMPLES);
      });
      return changed.map(({ sku: s, channel, available, asOf: a }) => ({ sku: s, channel, available, asOf: a }));
    } catch (e) {
      // Put the facts back so the retried run still measures lag from the oldest one.
      this.storage.transactionSync(() => {
        for (const f of taken.forced) this.storage.sql.exec("INSERT OR IGNORE INTO forced (channel, policy, targets) VALUES (?, ?, ?)", f.channel, f.policy, f.targets);
      });
      if (taken.sourceAt !== null) this.#pendingSourceAt = Math.min(this.#pendingSourceAt ?? taken.sourceAt, taken.sourceAt);
      if (taken.receivedAt !== null) this.#pendingReceivedAt = Math.min(this.#pendingReceivedAt ?? taken.receivedAt, taken.receivedAt);
      this.#dueAt = Math.min(this.#dueAt ?? Infinity, now + MIN_WRITE_INTERVAL_MS);
      throw e;
    }
  }

  /** The channel's figure, plus its share over each location group a publishing connection maps to one channel location. */
  #figure(channel: string, available: number, policy: PolicyOrDefault, targets: PublishTarget[], forced: PublishTarget[] | undefined): PublishedFigure {
    const groups: Record<string, number> = {};
    for (const t of targets) {
      for (const locs of Object.values(t.groups ?? {})) {
        const key = groupKey(locs);
        if (key in groups) continue;
        const within = policy ? policy.locations.filter((l) => locs.includes(l)) : locs;
        groups[key] = within.length ? availability(this.store, channel, policy ? { ...policy, locations: within } : { locations: within }) : 0;
      }
    }
    return { channel, available, ...(Object.keys(groups).length ? { groups } : {}), ...(forced ? { connections: forced } : {}) };
  }

  /** One queue message per run, whatever the number of connections and channels (the dispatch consumer fans out). */
  async #publish(sku: string, figures: PublishedFigure[], sourceAt: number | null): Promise<void> {
    const seq = this.storage.transactionSync(() => {
      const next = (this.#meta("publish_seq") ?? 0) + 1;
      this.#setMeta("publish_seq", next);
      return next;
    });
    const message: PublishMessage = { kind: "publish.figures", key: `publish:${sku}:${seq}`, sku, seq, version: seq, sourceAt, figures };
    await this.env.DISPATCH_QUEUE.send(message);
  }

  async #write(changed: (Projected & { seq: number; previous: number | null })[], sourceAt: number | null, now: number): Promise<void> {
    const wanted = await subscribedTypes(this.env);
    await writeProjections(this.env.DB, changed, sourceAt, now, wanted("inventory.availability_changed"));
    await Promise.all(changed.map((c) => this.env.AVAILABILITY_KV.put(availabilityKey(c.channel, c.sku), JSON.stringify({ sku: c.sku, channel: c.channel, available: c.available, asOf: c.asOf }))));
    // Buffered and flushed in one batch later (lib/metrics.ts): nothing here waits for it.
    if (sourceAt !== null) for (const c of changed) observe(this.env, this.waiter, "switchyard_inventory_sync_lag_seconds", { channel: c.channel }, Math.max(0, now - sourceAt) / 1000);
  }

  /** Ops view of the projection: what each channel was last shown and the measured sync lag. */
  describe(): { projections: { channel: string; available: number; writtenAt: string }[]; syncLag: { samples: number; lastMs: number | null; maxMs: number | null; p95Ms: number | null; lastProcessingMs: number | null } } {
    const projections = this.storage.sql.exec<{ channel: string; available: number; written_at: number }>("SELECT channel, available, written_at FROM projections ORDER BY channel").toArray()
      .map((r) => ({ channel: r.channel, available: r.available, writtenAt: new Date(r.written_at).toISOString() }));
    const lags = this.storage.sql.exec<{ source_at: number | null; received_at: number | null; written_at: number }>("SELECT source_at, received_at, written_at FROM sync_lag ORDER BY id").toArray();
    const ms = lags.filter((l) => l.source_at !== null).map((l) => l.written_at - l.source_at!);
    const sorted = [...ms].sort((a, b) => a - b);
    const last = lags.at(-1);
    return {
      projections,
      syncLag: {
        samples: ms.length,
        lastMs: ms.at(-1) ?? null,
        maxMs: sorted.at(-1) ?? null,
        p95Ms: sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]! : null,
        lastProcessingMs: last && last.received_at !== null ? last.written_at - last.received_at : null,
      },
    };
  }
}
