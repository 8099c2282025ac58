/**
 * Retry policy for calls to systems outside Switchyard (the ERP, subscribers): which answers
 * are worth retrying, full-jitter exponential backoff, and `Retry-After`. Pure.
 */

/** Longest delay a queue message may be given (Queues cap delays at 12 hours). */
export const MAX_DELAY_SECONDS = 12 * 3600;

export type Verdict = "success" | "already_there" | "reject" | "retry";

/**
 * How an HTTP answer from the ERP is treated (CONTRACT "Outbound"): 2xx accepted, 409 already
 * booked (success), 400/422 business rejection (no retry), 408/429/5xx retried; anything else
 * (401/403/404: a configuration fault on our side) is retried too, so it reaches a dead letter
 * an operator can replay after fixing the configuration rather than silently failing.
 */
export function classifyStatus(status: number): Verdict {
  if (status >= 200 && status < 300) return "success";
  if (status === 409) return "already_there";
  if (status === 400 || status === 422) return "reject";
  return "retry";
}

/**
 * Full-jitter backoff: a uniform delay in [0, min(cap, base·2^(attempt−1))] seconds.
 * @example backoffSeconds(3, { baseSeconds: 2 }) // somewhere in 0..8
 */
export function backoffSeconds(attempt: number, opts: { baseSeconds: number; capSeconds?: number; random?: () => number }): number {
  const cap = Math.min(opts.capSeconds ?? 3600, MAX_DELAY_SECONDS);
  const ceiling = Math.min(cap, opts.baseSeconds * 2 ** Math.max(0, attempt - 1));
  return Math.round((opts.random ?? Math.random)() * ceiling);
}

/** Parses `Retry-After` (seconds or an HTTP date) into whole seconds from `now`; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v), MAX_DELAY_SECONDS);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, Math.ceil((at - now) / 1000)), MAX_DELAY_SECONDS);
}

/** The delay before the next attempt: the backoff, but never sooner than the server asked. */
export function nextDelaySeconds(attempt: number, retryAfter: number | null, opts: { baseSeconds: number; capSeconds?: number; random?: () => number }): number {
  const b = backoffSeconds(attempt, opts);
  return retryAfter === null ? b : Math.max(b, retryAfter);
}
