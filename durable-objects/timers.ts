/**
 * Many logical timers on a Durable Object's one alarm (the cloudflare/agents pattern): due times
 * live in a table, the alarm is set to the earliest. Scheduling keeps the earlier of an existing
 * and a new due time, so a burst of changes never pushes a pending timer back.
 */
// WITHOUT ROWID (here and in the objects' other keyed tables): the key is the row, so an insert
// writes one row instead of the row plus its key index (rows written are what storage bills).
export const TIMER_SCHEMA = [`CREATE TABLE IF NOT EXISTS timers (name TEXT PRIMARY KEY, due_at INTEGER NOT NULL) WITHOUT ROWID`];

/** Where the due times live: a table of their own, or rows of an object's `kv (k, v)` table. */
interface TimerSql {
  upsertEarlier: string;
  upsertMoved: string;
  clear: string;
  isDue: string;
  isSet: string;
  earliest: string;
  key: (name: string) => string;
}

const TABLE: TimerSql = {
  upsertEarlier: "INSERT INTO timers (name, due_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET due_at = excluded.due_at WHERE excluded.due_at < timers.due_at",
  upsertMoved: "INSERT INTO timers (name, due_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET due_at = excluded.due_at WHERE excluded.due_at != timers.due_at",
  clear: "DELETE FROM timers WHERE name = ?",
  isDue: "SELECT 1 FROM timers WHERE name = ? AND due_at <= ?",
  isSet: "SELECT 1 FROM timers WHERE name = ?",
  earliest: "SELECT MIN(due_at) AS t FROM timers",
  key: (name) => name,
};

// Keys `timer:<name>`, due times as integers in the text column (compared as integers).
const KV: TimerSql = {
  upsertEarlier: "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE CAST(excluded.v AS INTEGER) < CAST(kv.v AS INTEGER)",
  upsertMoved: "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v != kv.v",
  clear: "DELETE FROM kv WHERE k = ?",
  isDue: "SELECT 1 FROM kv WHERE k = ? AND CAST(v AS INTEGER) <= ?",
  isSet: "SELECT 1 FROM kv WHERE k = ?",
  earliest: "SELECT MIN(CAST(v AS INTEGER)) AS t FROM kv WHERE k >= 'timer:' AND k < 'timer;'",
  key: (name) => `timer:${name}`,
};

/**
 * For an object with a `kv (k TEXT PRIMARY KEY, v TEXT)` table: its timers kept as rows of it, so
 * a new object creates one table fewer (a table made is rows written). Timers an earlier version
 * kept in a `timers` table are moved over, and that table dropped.
 */
export function timersInKv(sql: SqlStorage): void {
  if (sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'timers'").one().n === 0) return;
  sql.exec("INSERT OR REPLACE INTO kv (k, v) SELECT 'timer:' || name, CAST(due_at AS TEXT) FROM timers");
  sql.exec("DROP TABLE timers");
}

export class Timers {
  readonly #storage: DurableObjectStorage;
  readonly #extra: () => number | null;
  readonly #q: TimerSql;
  /** The alarm as this instance last set it (undefined: not known yet). Each setAlarm is a row written. */
  #alarmAt: number | null | undefined = undefined;
  /**
   * `extra`: a due time kept outside the table (in memory), folded into the earliest.
   * `inKv`: the timers are rows of the object's `kv` table (see `timersInKv`), not a table of their own.
   */
  constructor(storage: DurableObjectStorage, extra: () => number | null = () => null, { inKv = false }: { inKv?: boolean } = {}) {
    this.#storage = storage;
    this.#extra = extra;
    this.#q = inKv ? KV : TABLE;
  }

  /** Call at the start of `alarm()`: the runtime consumed the alarm that fired. */
  fired(): void {
    this.#alarmAt = null;
  }

  #due(at: number): number | string {
    return this.#q === KV ? String(at) : at;
  }

  /** Sets `name` to fire at `dueAt` unless it is already due earlier. Synchronous: safe inside transactionSync. */
  schedule(name: string, dueAt: number): void {
    this.#storage.sql.exec(this.#q.upsertEarlier, this.#q.key(name), this.#due(dueAt));
  }

  /** Moves `name` to `dueAt`, later or earlier. */
  reset(name: string, dueAt: number): void {
    this.#storage.sql.exec(this.#q.upsertMoved, this.#q.key(name), this.#due(dueAt));
  }

  clear(name: string): void {
    this.#storage.sql.exec(this.#q.clear, this.#q.key(name));
  }

  isDue(name: string, now: number): boolean {
    return this.#storage.sql.exec(this.#q.isDue, this.#q.key(name), now).toArray().length > 0;
  }

  isSet(name: string): boolean {
    return this.#storage.sql.exec(this.#q.isSet, this.#q.key(name)).toArray().length > 0;
  }

  earliest(): number | null {
    const t = this.#storage.sql.exec<{ t: number | null }>(this.#q.earliest).one().t;
    const x = this.#extra();
    return t === null ? x : x === null ? t : Math.min(t, x);
  }

  /**
   * Points the alarm at the earliest timer without awaiting: called in the same synchronous block
   * as the writes that made a timer due, so the alarm commits with them in one implicit storage
   * transaction (a crash cannot leave the state written and its alarm missing).
   */
  armNow(): void {
    const next = this.earliest();
    // Unchanged since this instance set it: no write (a burst of changes would re-set it every time).
    if (next === this.#alarmAt) return;
    this.#alarmAt = next;
    void (next === null ? this.#storage.deleteAlarm() : this.#storage.setAlarm(next));
  }

  /** Points the alarm at the earliest timer (or removes it when none is left). */
  async arm(): Promise<void> {
    const next = this.earliest();
    const current = await this.#storage.getAlarm();
    if (next === null) {
      if (current !== null) await this.#storage.deleteAlarm();
    } else if (current === null || current !== next) {
      await this.#storage.setAlarm(next);
    }
    this.#alarmAt = next;
  }
}
