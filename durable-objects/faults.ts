/**
 * Fault points for tests and `npm run chaos`: a named point in an object fails (or drops its
 * work) for its next N passes. Armed through the object's `injectFault` RPC and kept in the
 * object's own storage, so it holds across isolates; honoured only where the environment sets
 * `FAULT_INJECTION=on` (tests and chaos runs; never a deployed config).
 */
const SCHEMA = `CREATE TABLE IF NOT EXISTS faults (point TEXT PRIMARY KEY, remaining INTEGER NOT NULL)`;

export class Faults {
  readonly #sql: SqlStorage;
  readonly #enabled: boolean;
  constructor(sql: SqlStorage, env: { FAULT_INJECTION?: string }) {
    this.#sql = sql;
    this.#enabled = env.FAULT_INJECTION === "on";
    if (this.#enabled) sql.exec(SCHEMA);
  }

  arm(point: string, times: number): boolean {
    if (!this.#enabled) return false;
    this.#sql.exec("INSERT OR REPLACE INTO faults (point, remaining) VALUES (?, ?)", point, times);
    return true;
  }

  /** True (and one pass used up) when `point` is armed. Synchronous: safe between a check and a write. */
  take(point: string): boolean {
    if (!this.#enabled) return false;
    const [r] = this.#sql.exec<{ remaining: number }>("SELECT remaining FROM faults WHERE point = ?", point).toArray();
    if (!r || r.remaining <= 0) return false;
    this.#sql.exec("UPDATE faults SET remaining = remaining - 1 WHERE point = ?", point);
    return true;
  }
}

export class InjectedFault extends Error {
  override name = "InjectedFault";
  constructor(point: string) {
    super(`injected fault at ${point}`);
  }
}
