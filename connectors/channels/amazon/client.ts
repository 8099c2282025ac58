/**
 * One SP-API call with a Login with Amazon token (`x-amz-access-token`), classified. A 403 with a
 * cached token gets one fresh token and one more try before it is config. Throttling is a 429
 * `QuotaExceeded` without a delay; each operation's rate comes back in `x-amzn-RateLimit-Limit`
 * (requests per second) on successful answers, so the delay asked of the host is one token of that
 * operation's bucket, from the last rate seen or the documented default
 * (https://developer-docs.amazon.com/sp-api/docs/usage-plans-and-rate-limits-in-the-sp-api).
 */
import { parseRetryAfter } from "../../../core/retry";
import { callProvider, classifyStatus, cut } from "../common/http";
import type { Throttle } from "../common/outcomes";
import type { PublisherDeps } from "../types";
import { accessToken, forgetToken, type LwaCredentials } from "./lwa";

export type Operation = "searchListingsItems" | "getListingsItem" | "patchListingsItem" | "createFeedDocument" | "createFeed";

/** Documented default rates (requests per second) of the operations we call. */
export const DEFAULT_RATES: Record<Operation, number> = {
  searchListingsItems: 5,
  getListingsItem: 5,
  patchListingsItem: 5,
  createFeedDocument: 0.5,
  createFeed: 0.0083,
};

export interface SpClient {
  base: string;
  lwa: LwaCredentials;
  deps: PublisherDeps;
  redact(text: string): string;
  counter: { calls: number; slowDown(t: Throttle | undefined): void };
  /** Last `x-amzn-RateLimit-Limit` seen per operation. */
  rates: Map<Operation, number>;
}

export type SpAnswer =
  | { kind: "ok"; status: number; json: unknown }
  | { kind: "config" | "rejected"; reason: string; status?: number }
  | { kind: "retry"; reason: string; throttled?: boolean };

/** Seconds until one more call of `op` is allowed. @example throttleSeconds(new Map(), "createFeed") // 121 */
export function throttleSeconds(rates: Map<Operation, number>, op: Operation): number {
  const rate = rates.get(op) ?? DEFAULT_RATES[op];
  return Math.max(1, Math.ceil(1 / rate));
}

/**
 * @example const r = await spCall(client, "patchListingsItem", "PATCH", `/listings/2021-08-01/items/${seller}/${sku}`, { marketplaceIds }, body);
 */
export async function spCall(client: SpClient, op: Operation, method: string, path: string, query: Record<string, string>, body?: unknown, renewed = false): Promise<SpAnswer> {
  const token = await accessToken(client.lwa, client.deps, client.counter, client.redact);
  if (token.kind !== "token") return token;
  const url = new URL(`${client.base}${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  client.counter.calls++;
  const a = await callProvider(client.deps, url.toString(), {
    method,
    headers: { accept: "application/json", "x-amz-access-token": token.accessToken, "user-agent": "Switchyard/0.1 (Language=TypeScript)", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (a.kind === "network") return { kind: "retry", reason: `SP-API ${op}: ${a.reason}` };
  const rate = Number(a.headers.get("x-amzn-ratelimit-limit"));
  if (Number.isFinite(rate) && rate > 0) client.rates.set(op, rate);
  const verdict = classifyStatus(a.status);
  if (verdict === "ok" && (a.json === undefined || a.json === null || typeof a.json !== "object")) return { kind: "retry", reason: `SP-API ${op} answered ${a.status} without JSON: ${client.redact(cut(a.text, 200))}` };
  if (verdict === "ok") return { kind: "ok", status: a.status, json: a.json };
  const errors = ((a.json ?? {}) as { errors?: Array<{ code?: string; message?: string; details?: string }> }).errors ?? [];
  const said = client.redact(cut(errors.length ? errors.map((e) => `${e.code ?? ""} ${e.message ?? ""} ${e.details ?? ""}`.trim()).join("; ") : a.text));
  const reason = `SP-API ${op} answered ${a.status}: ${said}`;
  if (a.status === 403 && !renewed) {
    await forgetToken(client.lwa);
    return spCall(client, op, method, path, query, body, true);
  }
  if (a.status === 429) {
    const after = parseRetryAfter(a.headers.get("retry-after"), client.deps.now()) ?? throttleSeconds(client.rates, op);
    client.counter.slowDown({ retryAfterSeconds: after, reason: `SP-API ${op} QuotaExceeded` });
    return { kind: "retry", reason, throttled: true };
  }
  if (verdict === "config" || verdict === "retry") return { kind: verdict, reason };
  return { kind: "rejected", reason, status: a.status };
}
