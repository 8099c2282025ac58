/**
 * MetricsDO: the one object (`metrics`, core/keys.ts) that keeps what was counted, so counters
 * survive isolate restarts and add up across isolates. Isolates buffer increments and send them
 * in batches (lib/metrics.ts: one call per flush, never one per event). It also keeps each
 * connection's cadence (core/silence.ts), folded from the same flushes, and the silence
 * transitions not yet announced as outbound events. Every method is storage I/O only, run inside
 * one synchronous transaction.
 *
 * Series are stored by set (a family and its labels without `le`), one row per set holding every
 * series of it: a flush writes one row per label set it touched, where a row per series made a
 * histogram observation sixteen rows written (buckets, sum, count). The sets are cached in memory
 * once read; the cache changes only after its transaction commits.
 */
import { DurableObject } from "cloudflare:workers";
import { seriesSet, type FlushBatch } from "../../core/metrics";
import { foldArrivals, judge, type Cadence, type CadenceRow, type SilenceRules, type SilenceTransition, transitionId } from "../../core/silence";
import type { Env } from "../../lib/env";

type Row = { key: string; id: string; kind: string; channel: string | null; last_seen: number; ewma: number | null; gaps: number; silent_since: number | null };

export class MetricsDO extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS series_sets (set_key TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID`);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS cadence (key TEXT PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, channel TEXT, last_seen INTEGER NOT NULL, ewma REAL, gaps INTEGER NOT NULL, silent_since INTEGER)`,
    );
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS transitions (id TEXT PRIMARY KEY, body TEXT NOT NULL)`);
  }

  #sets: Map<string, Record<string, number>> | null = null;

  /** Every stored set, read once per instance (rows of the one-row-per-series table of earlier versions folded in). */
  #loadSets(): Map<string, Record<string, number>> {
    if (this.#sets) return this.#sets;
    const sql = this.ctx.storage.sql;
    const sets = new Map<string, Record<string, number>>();
    for (const r of sql.exec<{ set_key: string; body: string }>("SELECT set_key, body FROM series_sets")) sets.set(r.set_key, JSON.parse(r.body) as Record<string, number>);
    const legacy = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'series'").one().n > 0;
    if (legacy) {
      this.ctx.storage.transactionSync(() => {
        const touched = new Set<string>();
        for (const r of sql.exec<{ key: string; value: number }>("SELECT key, value FROM series")) {
          const set = seriesSet(r.key);
          const body = sets.get(set) ?? {};
          body[r.key] = (body[r.key] ?? 0) + r.value;
          sets.set(set, body);
          touched.add(set);
        }
        for (const set of touched) this.#writeSet(set, sets.get(set)!);
        sql.exec("DROP TABLE series");
      });
    }
    this.#sets = sets;
    return sets;
  }

  #writeSet(set: string, body: Record<string, number>): void {
    this.ctx.storage.sql.exec("INSERT INTO series_sets (set_key, body) VALUES (?, ?) ON CONFLICT (set_key) DO UPDATE SET body = excluded.body", set, JSON.stringify(body));
  }

  /** Adds one isolate's buffered increments and arrivals. */
  add(batch: FlushBatch): void {
    const sql = this.ctx.storage.sql;
    const sets = this.#loadSets();
    const next = new Map<string, Record<string, number>>();
    for (const [key, delta] of batch.series) {
      const set = seriesSet(key);
      const body = next.get(set) ?? { ...(sets.get(set) ?? {}) };
      body[key] = (body[key] ?? 0) + delta;
      next.set(set, body);
    }
    this.ctx.storage.transactionSync(() => {
      for (const [set, body] of next) this.#writeSet(set, body);
      for (const s of batch.seen) {
        const [row] = sql.exec<Row>("SELECT * FROM cadence WHERE key = ?", s.key).toArray();
        const prev: Cadence | null = row ? { lastSeen: row.last_seen, ewmaGapSeconds: row.ewma, gaps: row.gaps } : null;
        const next = foldArrivals(prev, s);
        // Traffic again from a connection raised silent: the episode ends, to be announced.
        const resumed = row?.silent_since != null && s.last > row.silent_since;
        // One upsert (a replace is a delete and an insert: two rows written).
        sql.exec(
          "INSERT INTO cadence (key, id, kind, channel, last_seen, ewma, gaps, silent_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET id = excluded.id, kind = excluded.kind, channel = excluded.channel, last_seen = excluded.last_seen, ewma = excluded.ewma, gaps = excluded.gaps, silent_since = excluded.silent_since",
          s.key,
          s.id,
          s.kind,
          s.channel,
          next.lastSeen,
          next.ewmaGapSeconds,
          next.gaps,
          row?.silent_since != null && !resumed ? row.silent_since : null,
        );
        if (resumed) {
          const t: SilenceTransition = { type: "connection.resumed", key: s.key, connectionId: s.id, kind: s.kind, channel: s.channel, silentSince: row!.silent_since!, lastSeenAt: next.lastSeen, expectedEverySeconds: next.ewmaGapSeconds, silentForSeconds: Math.floor((s.first - row!.last_seen) / 1000), at: s.first };
          sql.exec("INSERT OR REPLACE INTO transitions (id, body) VALUES (?, ?)", transitionId(t), JSON.stringify(t));
        }
      }
    });
    for (const [set, body] of next) sets.set(set, body);
  }

  read(): { series: { key: string; value: number }[]; cadence: CadenceRow[] } {
    const sql = this.ctx.storage.sql;
    const series = [...this.#loadSets().values()].flatMap((body) => Object.entries(body).map(([key, value]) => ({ key, value })));
    const cadence = sql.exec<Row>("SELECT * FROM cadence").toArray().map((r) => ({ key: r.key, id: r.id, kind: r.kind, channel: r.channel, lastSeen: r.last_seen, ewmaGapSeconds: r.ewma, gaps: r.gaps, silentSince: r.silent_since }));
    return { series, cadence };
  }

  /**
   * Raises connections gone quiet beyond their threshold (rules per key; `defaults` for the rest)
   * and answers every transition not yet announced. Announcing is the caller's (an outbound event
   * with a deterministic id), then `announced` removes them: a crash in between announces twice
   * under one id, never never.
   */
  checkSilence(now: number, rules: Record<string, SilenceRules>, defaults: SilenceRules): SilenceTransition[] {
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      for (const r of sql.exec<Row>("SELECT * FROM cadence WHERE silent_since IS NULL").toArray()) {
        const v = judge({ lastSeen: r.last_seen, ewmaGapSeconds: r.ewma, gaps: r.gaps }, now, { ...defaults, ...(rules[r.key] ?? {}) });
        if (!v.silent) continue;
        sql.exec("UPDATE cadence SET silent_since = ? WHERE key = ?", now, r.key);
        const t: SilenceTransition = { type: "connection.silent", key: r.key, connectionId: r.id, kind: r.kind, channel: r.channel, silentSince: now, lastSeenAt: r.last_seen, expectedEverySeconds: v.expectedEverySeconds, silentForSeconds: v.silentForSeconds, at: now };
        sql.exec("INSERT OR REPLACE INTO transitions (id, body) VALUES (?, ?)", transitionId(t), JSON.stringify(t));
      }
    });
    return sql
      .exec<{ body: string }>("SELECT body FROM transitions")
      .toArray()
      .map((r) => JSON.parse(r.body) as SilenceTransition)
      .sort((a, b) => a.at - b.at || (a.type === "connection.silent" ? -1 : 1));
  }

  /** Transitions announced: forgotten. */
  announced(ids: string[]): void {
    for (const id of ids) this.ctx.storage.sql.exec("DELETE FROM transitions WHERE id = ?", id);
  }
}
