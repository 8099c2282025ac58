/**
 * How the generic ERP's answers are read (CONTRACT "Outbound"): 2xx ok, 409 already there,
 * 400/422 business rejection with the ERP's reason (and its `code` when it sends one of ours),
 * 408/429/5xx and no answer retried with `Retry-After`, 401/403/404 configuration.
 */
import type { ErpOrderStatus, ErpRejectCode, ErpResult } from "../types";
import { asObject, isTransientStatus, str, type Answer } from "../shared/http";
import { config, rejected, retry } from "../shared/result";

const REJECT_CODES: readonly ErpRejectCode[] = ["unknown_customer", "unknown_item", "invalid_order", "not_cancellable", "conflict", "other"];
const STATES: readonly ErpOrderStatus["state"][] = ["draft", "open", "confirmed", "processing", "shipped", "done", "cancelled"];

/** The ERP's reason, from whichever field it used. @example reasonOf({ error: "credit hold" }, 422) // "credit hold" */
export function reasonOf(body: unknown, status: number): string {
  const b = asObject(body) ?? {};
  for (const k of ["reason", "error", "message", "detail", "title"]) {
    const v = str(b[k]);
    if (v) return v;
  }
  return `HTTP ${status}`;
}

/** Classifies any answer that is not the success the caller looks for. `rejectAs` is the code when the ERP names none. */
export function failure(a: Answer, what: string, rejectAs: ErpRejectCode = "other"): ErpResult<never> {
  if (!a.ok) return retry(`${what}: ${a.reason}`);
  const reason = `${what}: ${reasonOf(a.json ?? (a.text ? { text: a.text } : {}), a.status)}`;
  if (isTransientStatus(a.status)) return retry(reason, a.retryAfter, a.status);
  if (a.status === 400 || a.status === 422) {
    const code = str(asObject(a.json)?.code) as ErpRejectCode | undefined;
    return rejected(reason, code && REJECT_CODES.includes(code) ? code : rejectAs, a.status);
  }
  if (a.status === 401 || a.status === 403) return config(`${what}: the ERP refused the token (HTTP ${a.status})`, a.status);
  if (a.status === 404 || a.status === 405) return config(`${what}: the ERP has no such endpoint (HTTP ${a.status}); check baseUrl`, a.status);
  return config(reason, a.status);
}

/** One order as the generic read endpoints describe it, normalised. */
export function toStatus(v: unknown): ErpOrderStatus | null {
  const o = asObject(v);
  const erpOrderId = str(o?.erpOrderId);
  if (!o || !erpOrderId) return null;
  const word = str(o.status) ?? str(o.state) ?? "open";
  return {
    erpOrderId,
    reference: str(o.reference) ?? null,
    state: STATES.includes(word as ErpOrderStatus["state"]) ? (word as ErpOrderStatus["state"]) : "open",
    erpState: word,
    updatedAt: str(o.updatedAt) ?? new Date(0).toISOString(),
  };
}
