/**
 * One POST to a fulfiller or an EDI partner, classified, never thrown: the answer decides
 * whether the message is delivered, worth retrying, or refused for good. Reasons carry at most
 * 500 characters of the answer and never the secret that signed or authorised the call.
 */
import { parseRetryAfter } from "../../core/retry";
import { cut, redactor } from "../channels/common/http";

export type DeliveryOutcome =
  /** 2xx, or 409 "already have it" (a retry of a message that got through). `body` is the answer, cut to 64 KiB. */
  | { outcome: "delivered"; status: number; body: string }
  /** 408, 429, 5xx, a timeout, a dropped connection; also 401/403/404 (configuration: retried until exhausted, then an operator's). */
  | { outcome: "retry"; status: number | null; retryAfter: number | null; reason: string }
  /** 400 or 422: the receiver refuses this message as it is (a release it will not take). */
  | { outcome: "refused"; status: number; reason: string };

export interface DeliveryDeps {
  fetch: typeof fetch;
  timeoutMs?: number;
}

const KEEP_BODY = 64 * 1024;

/** Classifies an HTTP status the way every fulfiller and partner delivery does. */
export function classifyDelivery(status: number): "delivered" | "retry" | "refused" {
  if ((status >= 200 && status < 300) || status === 409) return "delivered";
  if (status === 400 || status === 422) return "refused";
  return "retry";
}

/**
 * @example await post(new URL("https://wms.example/releases"), { "content-type": "application/json" }, "{}", { fetch }, ["secret"])
 */
export async function post(url: URL, headers: Record<string, string>, body: string, deps: DeliveryDeps, secrets: string[]): Promise<DeliveryOutcome> {
  const scrub = redactor(secrets);
  const timeoutMs = deps.timeoutMs ?? 10_000;
  let res: Response;
  // Called unbound: the runtime's fetch refuses any `this` but the global one.
  const call = deps.fetch;
  try {
    res = await call(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
  } catch (e) {
    const name = e instanceof Error ? e.name : "";
    const reason = name === "TimeoutError" || name === "AbortError" ? `no answer within ${timeoutMs} ms` : `network error: ${cut(scrub(e instanceof Error ? e.message : String(e)), 200)}`;
    return { outcome: "retry", status: null, retryAfter: null, reason };
  }
  const text = await res.text().catch(() => "");
  const verdict = classifyDelivery(res.status);
  if (verdict === "delivered") return { outcome: "delivered", status: res.status, body: text.slice(0, KEEP_BODY) };
  const reason = `HTTP ${res.status}${text ? `: ${cut(scrub(text))}` : ""}`;
  if (verdict === "refused") return { outcome: "refused", status: res.status, reason };
  return { outcome: "retry", status: res.status, retryAfter: parseRetryAfter(res.headers.get("retry-after")), reason };
}
