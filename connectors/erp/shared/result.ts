/**
 * Building `ErpResult`s, the one shape every connector answers with. Reasons are cut to 500
 * characters here, so no connector can hand a whole third-party body to a log line or timeline.
 */
import type { ErpRejectCode, ErpResult } from "../types";

const MAX_REASON = 500;

/** Cuts third-party text to the 500 characters a reason may carry. @example cut("x".repeat(900)).length // 500 */
export function cut(text: string, max = MAX_REASON): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** @example ok({ erpOrderId: "SO-1" }) */
export const ok = <T>(value: T): ErpResult<T> => ({ kind: "ok", value });

/** Transient: the caller retries, never sooner than `retryAfterSeconds`. @example retry("HTTP 503", 30, 503) */
export const retry = (reason: string, retryAfterSeconds: number | null = null, httpStatus?: number): ErpResult<never> => ({
  kind: "retry",
  reason: cut(reason),
  retryAfterSeconds,
  ...(httpStatus !== undefined ? { httpStatus } : {}),
});

/** Business: the ERP said no. @example rejected("customer C-1 is blocked", "other", 400) */
export const rejected = (reason: string, code: ErpRejectCode, httpStatus?: number): ErpResult<never> => ({
  kind: "rejected",
  reason: cut(reason),
  code,
  ...(httpStatus !== undefined ? { httpStatus } : {}),
});

/** Auth or configuration: alerted, not retried forever. @example config("token endpoint refused the client secret", 401) */
export const config = (reason: string, httpStatus?: number): ErpResult<never> => ({
  kind: "config",
  reason: cut(reason),
  ...(httpStatus !== undefined ? { httpStatus } : {}),
});

/** True when the result is not `ok`: narrows so a failure can be passed on as any `ErpResult<U>`. */
export function failed<T>(r: ErpResult<T>): r is Exclude<ErpResult<T>, { kind: "ok" }> {
  return r.kind !== "ok";
}

/** The text of an unknown thrown value, without a stack. */
export function errorText(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}
