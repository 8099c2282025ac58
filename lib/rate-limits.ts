/**
 * Per-key and per-connection rate limits that hold across isolates: each limited principal's
 * requests are counted by its own RateLimiterDO (one call per request, only for principals that
 * have a limit). Over the limit: 429 with Retry-After.
 */
import type { Env } from "./env";
import { ProblemError } from "./problem";

export async function enforceRate(env: Env, who: string, perMinute: number | null | undefined): Promise<void> {
  if (!perMinute) return;
  const r = await env.RATE_LIMITER.getByName(`rate:${who}`).take(perMinute, 60);
  if (!r.allowed) throw new ProblemError(429, "Too many requests", `Over ${perMinute} requests per minute.`, undefined, { "retry-after": String(r.retryAfterSeconds) });
}
