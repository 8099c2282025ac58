/**
 * The idempotency guard: claim, complete, abort. One implementation for every path that must
 * do a piece of work once per key and answer repeats with the first answer — the governed API's
 * Idempotency-Key (one object per key), provider deliveries and EDI interchanges (a connection's
 * delivery ledger, sharded: many keys per object). Check and claim are one synchronous step, so
 * two concurrent requests cannot both be told `new`.
 */
export const RETENTION_MS = 7 * 24 * 3600 * 1000;
const LEASE_MS = 60_000;

export const GUARD_SCHEMA = `CREATE TABLE IF NOT EXISTS records (key TEXT PRIMARY KEY, state TEXT NOT NULL, fingerprint TEXT NOT NULL,
  status INTEGER, body TEXT, lease_until INTEGER NOT NULL, created_at INTEGER NOT NULL) WITHOUT ROWID`;

export type ClaimResult =
  | { state: "new" }
  | { state: "replay"; status: number; body: string }
  | { state: "in_flight" }
  | { state: "mismatch" };

type RecordRow = { state: "in_flight" | "done" | "seen"; fingerprint: string; status: number | null; body: string | null; lease_until: number; created_at: number };

export class Guard {
  readonly #waiters = new Map<string, (() => void)[]>();
  #ready = false;
  constructor(private readonly sql: SqlStorage) {}

  /** The table is made on first use: an order's object never guards a key, and a table costs rows to create. */
  #table(): SqlStorage {
    if (!this.#ready) {
      this.sql.exec(GUARD_SCHEMA);
      this.#ready = true;
    }
    return this.sql;
  }

  #get(key: string): RecordRow | null {
    return this.#table().exec<RecordRow>("SELECT state, fingerprint, status, body, lease_until, created_at FROM records WHERE key = ?", key).toArray()[0] ?? null;
  }

  hasRecords(): boolean {
    return this.#table().exec("SELECT 1 FROM records LIMIT 1").toArray().length > 0;
  }

  /**
   * Claims `key` for work described by `fingerprint`. A different fingerprint under a key already
   * done is `mismatch`; with `wait`, a copy that finds the work in flight waits for its answer
   * (fifty copies of one delivery all get the first one's answer), otherwise it is `in_flight`.
   */
  async claim(key: string, fingerprint: string, opts: { wait?: boolean } = {}): Promise<ClaimResult> {
    for (let round = 0; round < 3; round++) {
      const now = Date.now();
      const r = this.#get(key);
      if (!r || (r.state === "in_flight" && r.lease_until < now)) {
        this.sql.exec(
          "INSERT OR REPLACE INTO records (key, state, fingerprint, status, body, lease_until, created_at) VALUES (?, 'in_flight', ?, NULL, NULL, ?, ?)",
          key, fingerprint, now + LEASE_MS, r?.created_at ?? now,
        );
        return { state: "new" };
      }
      // A request still running wins over a body check: the caller retries and then learns the rest.
      if (r.state === "in_flight" && !opts.wait) return { state: "in_flight" };
      if (r.fingerprint !== fingerprint) return { state: "mismatch" };
      if (r.state === "done") return { state: "replay", status: r.status ?? 200, body: r.body ?? "" };
      if (r.state === "seen") return { state: "replay", status: 200, body: "" };
      await new Promise<void>((resolve) => {
        this.#waiters.set(key, [...(this.#waiters.get(key) ?? []), resolve]);
        setTimeout(resolve, LEASE_MS);
      });
    }
    return { state: "in_flight" };
  }

  /** Stores the answer that later requests with the same key get again. */
  complete(key: string, fingerprint: string, status: number, body: string): void {
    this.#table().exec("UPDATE records SET state = 'done', status = ?, body = ? WHERE key = ? AND fingerprint = ?", status, body, key, fingerprint);
    this.#wake(key);
  }

  /** Releases a claim after a failure, so the next copy is processed afresh. */
  abort(key: string, fingerprint: string): void {
    this.#table().exec("DELETE FROM records WHERE key = ? AND fingerprint = ? AND state = 'in_flight'", key, fingerprint);
    this.#wake(key);
  }

  /**
   * Records `key` as seen with `fingerprint` without claiming work (the one-order webhook path,
   * whose order object answers repeats itself): `new` the first time, `same` for a copy,
   * `conflict` when the key was used for other content (a delivery id reused for another body).
   */
  remember(key: string, fingerprint: string): "new" | "same" | "conflict" {
    const r = this.#get(key);
    if (!r) {
      const now = Date.now();
      this.sql.exec("INSERT INTO records (key, state, fingerprint, status, body, lease_until, created_at) VALUES (?, 'seen', ?, NULL, NULL, 0, ?)", key, fingerprint, now);
      return "new";
    }
    return r.fingerprint === fingerprint ? "same" : "conflict";
  }

  /** Forgets records past retention (providers retry for up to 48 hours; we keep 7 days). */
  expire(now: number): void {
    this.#table().exec("DELETE FROM records WHERE created_at < ?", now - RETENTION_MS);
  }

  #wake(key: string): void {
    const w = this.#waiters.get(key) ?? [];
    this.#waiters.delete(key);
    for (const f of w) f();
  }
}
