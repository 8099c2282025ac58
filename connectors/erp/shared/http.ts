/**
 * One HTTP exchange with an ERP, with the per-call timeout, that never throws: either the answer
 * (status, headers, body text and parsed JSON) or why there is none (timeout or network).
 */
import type { ConnectorDeps } from "../types";
import { parseRetryAfter } from "../../../core/retry";
import { cut, errorText } from "./result";

export const DEFAULT_TIMEOUT_MS = 10_000;

export type Answer =
  | { ok: true; status: number; headers: Headers; text: string; json: unknown; retryAfter: number | null }
  | { ok: false; timeout: boolean; reason: string };

/**
 * Sends one request; the body is read under the same timeout.
 * @example const a = await send(deps, `${base}/orders`, { method: "POST", headers, body }); if (a.ok && a.status === 201) ...
 */
export async function send(deps: ConnectorDeps, url: string, init: RequestInit): Promise<Answer> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const res = await deps.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let json: unknown = undefined;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
    }
    return { ok: true, status: res.status, headers: res.headers, text, json, retryAfter: parseRetryAfter(res.headers.get("retry-after"), deps.now()) };
  } catch (e) {
    const name = e instanceof Error ? e.name : "";
    if (name === "TimeoutError" || name === "AbortError") return { ok: false, timeout: true, reason: `no answer within ${timeoutMs} ms` };
    return { ok: false, timeout: false, reason: `network error: ${cut(errorText(e), 200)}` };
  }
}

/** True for the statuses every ERP here means as "try again later". */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** A JSON object, or null for anything else (arrays, strings, unparsable bodies). */
export function asObject(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** The value as a string when it is one, else undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}
