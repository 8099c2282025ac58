/**
 * MetricsDO: the one object (`metrics`, core/keys.ts) that keeps what was counted, so counters
 * survive isolate restarts and add up across isolates. Isolates buffer increments and send them
 * in batches (lib/metrics.ts: one call per flush, never one per event). It also keeps each
 * connection's cadence (core/silence.ts), folded from the same flushes, and the silence
 * transitions not yet announced as outbound events. Every method is storage I/O only, run inside
 * one synchronous transaction.
 */
import { DurableObject } from "cloudflare:workers";
import type { FlushBatch } from "../../core/metrics";
import { foldArrivals, judge, type Cadence, type CadenceRow, type SilenceRules, type SilenceTransition, transitionId } from "../../core/silence";
import type { Env } from "../../lib/env";

type Row = { key: string; id: string; kind: string; channel: string | null; last_seen: number; ewma: number | null; gaps: number; silent_since: number | null };

export class MetricsDO extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS series (key TEXT PRIMARY KEY, value REAL NOT NULL)`);
    ctx.storage.sql.exec(
      `CREATE TABLE IF NOT EXISTS cadence (key TEXT PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, channel TEXT, last_seen INTEGER NOT NULL, ewma REAL, gaps INTEGER NOT NULL, silent_since INTEGER)`,
    );
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS transitions (id TEXT PRIMARY KEY, body TEXT NOT NULL)`);
  }

  /** Adds one isolate's buffered increments and arrivals. */
  add(batch: FlushBatch): void {
    const sql = this.ctx.storage.sql;
    this.ctx.storage.transactionSync(() => {
      for (const [key, delta] of batch.series) sql.exec("INSERT INTO series (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = value + excluded.value", key, delta);
      for (const s of batch.seen) {
        const [row] = sql.exec<Row>("SELECT * FROM cadence WHERE key = ?", s.key).toArray();
        const prev: Cadence | null = row ? { lastSeen: row.last_seen, ewmaGapSeconds: row.ewma, gaps: row.gaps } : null;
        const next = foldArrivals(prev, s);
        sql.exec(
          "INSERT OR REPLACE INTO cadence (key, id, kind, channel, last_seen, ewma, gaps, silent_since) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          s.key,
          s.id,
          s.kind,
          s.channel,
          next.lastSeen,
          next.ewmaGapSeconds,
          next.gaps,
          null,
        );
        // Traffic again from a connection raised silent: the episode ends, to be announced.
        if (row?.silent_since != null && s.last > row.silent_since) {
          const t: SilenceTransition = { type: "connection.resumed", key: s.key, connectionId: s.id, kind: s.kind, channel: s.channel, silentSince: row.silent_since, lastSeenAt: next.lastSeen, expectedEverySeconds: next.ewmaGapSeconds, silentForSeconds: Math.floor((s.first - row.last_seen) / 1000), at: s.first };
          sql.exec("INSERT OR REPLACE INTO transitions (id, body) VALUES (?, ?)", transitionId(t), JSON.stringify(t));
        } else if (row?.silent_since != null) {
          sql.exec("UPDATE cadence SET silent_since = ? WHERE key = ?", row.silent_since, s.key);
        }
      }
    });
  }

  read(): { series: { key: string; value: number }[]; cadence: CadenceRow[] } {
    const sql = this.ctx.storage.sql;
    const series = sql.exec<{ key: string; value: number }>("SELECT key, value FROM series").toArray();
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
