/**
 * The generic HTTP ERP connector (CONTRACT "Outbound"): one attempt per call, classified.
 * The caller decides about retries; this module never throws.
 */
import { classifyStatus, parseRetryAfter, type Verdict } from "../../core/retry";
import type { Env } from "../../lib/env";

export type ErpAttempt =
  | { verdict: Verdict; httpStatus: number; latencyMs: number; body: Record<string, unknown>; retryAfter: number | null }
  | { verdict: "retry"; httpStatus: null; latencyMs: number; error: string; retryAfter: null; body: Record<string, unknown> };

async function call(env: Env, path: string, body: unknown, headers: Record<string, string>): Promise<ErpAttempt> {
  const started = Date.now();
  const timeout = Number(env.ERP_TIMEOUT_MS || "10000");
  try {
    const res = await fetch(`${env.ERP_URL.replace(/\/$/, "")}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${env.ERP_TOKEN}`, ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
    const text = await res.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { text: text.slice(0, 500) };
    }
    return { verdict: classifyStatus(res.status), httpStatus: res.status, latencyMs: Date.now() - started, body: parsed, retryAfter: parseRetryAfter(res.headers.get("retry-after")) };
  } catch (e) {
    const error = e instanceof Error && e.name === "TimeoutError" ? `timeout after ${timeout} ms` : `network error: ${String(e)}`;
    return { verdict: "retry", httpStatus: null, latencyMs: Date.now() - started, error, retryAfter: null, body: {} };
  }
}

export function sendOrder(env: Env, order: { orderId: string; orchestrationId: string }, version: number): Promise<ErpAttempt> {
  return call(env, "/orders", order, { "idempotency-key": `${order.orderId}:${version}`, "x-orchestration-id": order.orchestrationId });
}

export function sendCancel(env: Env, erpOrderId: string, orderId: string, orchestrationId: string): Promise<ErpAttempt> {
  return call(env, `/orders/${encodeURIComponent(erpOrderId)}/cancel`, { orderId }, { "idempotency-key": `${orderId}:cancel`, "x-orchestration-id": orchestrationId });
}

/** The ERP's reason for a rejection, from whatever field it used. */
export function reasonOf(a: ErpAttempt): string {
  const b = a.body;
  for (const k of ["reason", "error", "message", "detail", "title"]) if (typeof b[k] === "string" && b[k]) return b[k] as string;
  return "error" in a ? a.error : `HTTP ${a.httpStatus}`;
}
