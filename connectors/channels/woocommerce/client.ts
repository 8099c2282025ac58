/**
 * One WooCommerce REST v3 call (`{apiBaseUrl}/wp-json/wc/v3/…`), authenticated and classified.
 * Errors are `{ code, message, data: { status } }`. WooCommerce has no REST rate limit of its own;
 * hosts and WAFs in front of it answer 429/503, with `Retry-After` when they give one.
 */
import { parseRetryAfter } from "../../../core/retry";
import { callProvider, classifyStatus, cut } from "../common/http";
import type { Throttle } from "../common/outcomes";
import type { PublisherDeps } from "../types";
import { authorize, type WooCredentials } from "./auth";

export interface WooClient {
  base: string;
  creds: WooCredentials;
  deps: PublisherDeps;
  redact(text: string): string;
  counter: { calls: number };
}

export type WooAnswer =
  | { kind: "ok"; json: unknown }
  | { kind: "config" | "rejected"; reason: string; status: number; code?: string }
  | { kind: "retry"; reason: string; throttle?: Throttle };

const DEFAULT_BACKOFF_SECONDS = 30;

/**
 * @example const r = await wooCall(client, "GET", "/products", { sku: "A,B", per_page: "100" });
 */
export async function wooCall(client: WooClient, method: "GET" | "POST", path: string, query: Record<string, string> = {}, body?: unknown): Promise<WooAnswer> {
  const url = new URL(`${client.base}/wp-json/wc/v3${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const signed = await authorize(client.creds, method, url, client.deps.now());
  client.counter.calls++;
  const a = await callProvider(client.deps, signed.url.toString(), {
    method,
    headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }), ...signed.headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (a.kind === "network") return { kind: "retry", reason: `WooCommerce: ${client.redact(a.reason)}` };
  const verdict = classifyStatus(a.status);
  // WordPress behind a cache or a maintenance plugin can answer 200 with HTML: nothing is known.
  if (verdict === "ok" && (a.json === undefined || a.json === null || typeof a.json !== "object")) return { kind: "retry", reason: `WooCommerce answered ${a.status} for ${method} ${path} without JSON: ${client.redact(cut(a.text, 200))}` };
  if (verdict === "ok") return { kind: "ok", json: a.json };
  const err = (a.json ?? {}) as { code?: string; message?: string };
  const said = client.redact(cut(err.message ? `${err.code ?? ""} ${err.message}`.trim() : a.text));
  const reason = `WooCommerce answered ${a.status} for ${method} ${path}: ${said}`;
  if (verdict === "retry") {
    const after = parseRetryAfter(a.headers.get("retry-after"), client.deps.now());
    const throttled = a.status === 429 || a.status === 503;
    return throttled ? { kind: "retry", reason, throttle: { retryAfterSeconds: after ?? DEFAULT_BACKOFF_SECONDS, reason: `WooCommerce store answered ${a.status}` } } : { kind: "retry", reason };
  }
  // No route (WooCommerce missing, plain permalinks) and a batch over the store's limit are the
  // connection's settings, not the item.
  if (a.status === 413) return { kind: "config", reason: `${reason} (the store's batch limit is lower: set settings.batchLimit)`, status: a.status, code: err.code };
  if (verdict === "config" || err.code === "rest_no_route") return { kind: "config", reason, status: a.status, code: err.code };
  return { kind: "rejected", reason, status: a.status, code: err.code };
}
