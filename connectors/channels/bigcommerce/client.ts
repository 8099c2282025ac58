/**
 * One BigCommerce V3 call, classified, with the store's rate-limit window read from every answer
 * (docs/api-docs/getting-started/api-rate-limits.mdx): `X-Rate-Limit-Requests-Left` and
 * `X-Rate-Limit-Time-Reset-Ms`. The quota is per store and shared with every other app, so when it
 * runs out the host is told to wait for the window to reset; a 429 without those headers means
 * platform load, and gets a longer wait. Errors are problem+json `{ status, title, type, errors }`.
 */
import { callProvider, classifyStatus, cut } from "../common/http";
import type { Throttle } from "../common/outcomes";
import type { PublisherDeps } from "../types";

export interface BigCommerceClient {
  base: string;
  token: string;
  deps: PublisherDeps;
  redact(text: string): string;
  counter: { calls: number; slowDown(t: Throttle | undefined): void };
}

export type BcAnswer =
  | { kind: "ok"; json: unknown; requestsLeft: number | null }
  | { kind: "config" | "rejected" | "retry"; reason: string; status?: number; body?: string };

/** A 429 without rate-limit headers: BigCommerce says to back off longer than a window. */
const PLATFORM_BACKOFF_SECONDS = 60;

function windowThrottle(headers: Headers, status: number): Throttle | undefined {
  const left = headers.get("x-rate-limit-requests-left");
  const resetMs = Number(headers.get("x-rate-limit-time-reset-ms"));
  const quota = headers.get("x-rate-limit-requests-quota");
  if (status === 429) {
    if (!Number.isFinite(resetMs) || headers.get("x-rate-limit-time-reset-ms") === null) return { retryAfterSeconds: PLATFORM_BACKOFF_SECONDS, reason: "BigCommerce answered 429 without rate-limit headers (platform load)" };
    return { retryAfterSeconds: Math.max(1, Math.ceil(resetMs / 1000)), reason: `BigCommerce store quota used up (quota ${quota ?? "?"} per window)` };
  }
  if (left !== null && Number(left) <= 0 && Number.isFinite(resetMs)) {
    return { retryAfterSeconds: Math.max(1, Math.ceil(resetMs / 1000)), reason: `BigCommerce store quota used up: 0 of ${quota ?? "?"} requests left in this window` };
  }
  return undefined;
}

/**
 * @example const r = await bcCall(client, "GET", "/v3/inventory/items", { "sku:in": "A,B" });
 */
export async function bcCall(client: BigCommerceClient, method: "GET" | "PUT", path: string, query: Record<string, string> = {}, body?: unknown): Promise<BcAnswer> {
  const url = new URL(`${client.base}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  client.counter.calls++;
  const a = await callProvider(client.deps, url.toString(), {
    method,
    headers: { accept: "application/json", "x-auth-token": client.token, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (a.kind === "network") return { kind: "retry", reason: `BigCommerce: ${a.reason}` };
  client.counter.slowDown(windowThrottle(a.headers, a.status));
  const verdict = classifyStatus(a.status);
  if (verdict === "ok" && (a.json === undefined || a.json === null || typeof a.json !== "object")) return { kind: "retry", reason: `BigCommerce answered ${a.status} for ${method} ${path} without JSON: ${client.redact(cut(a.text, 200))}` };
  if (verdict === "ok") {
    const left = a.headers.get("x-rate-limit-requests-left");
    return { kind: "ok", json: a.json, requestsLeft: left === null ? null : Number(left) };
  }
  const p = (a.json ?? {}) as { title?: string; errors?: unknown };
  const detail = p.title ? `${p.title}${p.errors && Object.keys(p.errors).length ? ` ${JSON.stringify(p.errors)}` : ""}` : a.text;
  const said = client.redact(cut(detail));
  const reason = `BigCommerce answered ${a.status} for ${method} ${path}: ${said}`;
  // 404 on the store path is a wrong store hash, not a missing item.
  if (a.status === 404) return { kind: "config", reason, status: a.status };
  return { kind: verdict, reason, status: a.status, body: said };
}
