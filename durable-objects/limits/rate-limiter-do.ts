/**
 * RateLimiterDO: one object per limited principal (`rate:key:<id>`, `rate:connection:<id>`),
 * counting requests in fixed windows across every isolate and location. Counts live in memory:
 * an object that is evicted after going idle starts a fresh window, which only ever errs towards
 * letting a quiet client in. Workers' Rate Limiting binding has fixed per-binding limits (10 or
 * 60 s periods); per-key and per-connection limits are data, so they are counted here.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../lib/env";

export class RateLimiterDO extends DurableObject<Env> {
  #window = { start: 0, count: 0 };

  /** Counts one request against `limit` per `windowSeconds`; over it, says how long to wait. */
  take(limit: number, windowSeconds: number): { allowed: boolean; retryAfterSeconds: number; remaining: number } {
    const now = Date.now();
    const span = windowSeconds * 1000;
    if (now - this.#window.start >= span) this.#window = { start: now - (now % span), count: 0 };
    this.#window.count++;
    const allowed = this.#window.count <= limit;
    return { allowed, retryAfterSeconds: allowed ? 0 : Math.max(1, Math.ceil((this.#window.start + span - now) / 1000)), remaining: Math.max(0, limit - this.#window.count) };
  }
}
