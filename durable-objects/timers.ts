/**
 * Many logical timers on a Durable Object's one alarm (the cloudflare/agents pattern): due times
 * live in a table, the alarm is set to the earliest. Scheduling keeps the earlier of an existing
 * and a new due time, so a burst of changes never pushes a pending timer back.
 */
// WITHOUT ROWID (here and in the objects' other keyed tables): the key is the row, so an insert
// writes one row instead of the row plus its key index (rows written are what storage bills).
export const TIMER_SCHEMA = [`CREATE TABLE IF NOT EXISTS timers (name TEXT PRIMARY KEY, due_at INTEGER NOT NULL) WITHOUT ROWID`];

export class Timers {
  readonly #storage: DurableObjectStorage;
  readonly #extra: () => number | null;
  /** The alarm as this instance last set it (undefined: not known yet). Each setAlarm is a row written. */
  #alarmAt: number | null | undefined = undefined;
  /** `extra`: a due time kept outside the table (in memory), folded into the earliest. */
  constructor(storage: DurableObjectStorage, extra: () => number | null = () => null) {
    this.#storage = storage;
    this.#extra = extra;
  }

  /** Call at the start of `alarm()`: the runtime consumed the alarm that fired. */
  fired(): void {
    this.#alarmAt = null;
  }

  /** Sets `name` to fire at `dueAt` unless it is already due earlier. Synchronous: safe inside transactionSync. */
  schedule(name: string, dueAt: number): void {
    this.#storage.sql.exec(
      "INSERT INTO timers (name, due_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET due_at = excluded.due_at WHERE excluded.due_at < timers.due_at",
      name,
      dueAt,
    );
  }

  /** Moves `name` to `dueAt`, later or earlier. */
  reset(name: string, dueAt: number): void {
    this.#storage.sql.exec("INSERT INTO timers (name, due_at) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET due_at = excluded.due_at WHERE excluded.due_at != timers.due_at", name, dueAt);
  }

  clear(name: string): void {
    this.#storage.sql.exec("DELETE FROM timers WHERE name = ?", name);
  }

  isDue(name: string, now: number): boolean {
    return this.#storage.sql.exec("SELECT 1 FROM timers WHERE name = ? AND due_at <= ?", name, now).toArray().length > 0;
  }

  isSet(name: string): boolean {
    return this.#storage.sql.exec("SELECT 1 FROM timers WHERE name = ?", name).toArray().length > 0;
  }

  earliest(): number | null {
    const t = this.#storage.sql.exec<{ t: number | null }>("SELECT MIN(due_at) AS t FROM timers").one().t;
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
