/**
 * One GraphQL Admin call, classified. Shopify answers most failures with HTTP 200 and an `errors`
 * array; throttling is `errors[].extensions.code = "THROTTLED"` (some report it with 429), and the
 * leaky-bucket state comes back in `extensions.cost.throttleStatus` on every answer
 * (https://shopify.dev/docs/apps/build/apis/graphql-admin/rate-limits): we read it every time and
 * never assume a bucket size.
 */
import { callProvider, classifyStatus, cut } from "../common/http";
import type { Throttle } from "../common/outcomes";
import type { PublisherDeps } from "../types";

export interface ShopifyClient {
  url: string;
  token: string;
  deps: PublisherDeps;
  redact(text: string): string;
}

export type Gql =
  | { kind: "data"; data: Record<string, unknown>; throttle?: Throttle }
  | { kind: "throttled"; reason: string; throttle: Throttle }
  | { kind: "config"; reason: string }
  | { kind: "retry"; reason: string; throttle?: Throttle }
  | { kind: "error"; reason: string };

interface Cost {
  requestedQueryCost?: number | null;
  actualQueryCost?: number | null;
  throttleStatus?: { maximumAvailable?: number; currentlyAvailable?: number; restoreRate?: number };
}

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});

/**
 * Seconds until the bucket holds `needed` points again: `(needed − available) / restoreRate`.
 * @example secondsUntil({ throttleStatus: { currentlyAvailable: 0, restoreRate: 100 } }, 250) // 3
 */
export function secondsUntil(cost: Cost, needed: number): number {
  const s = cost.throttleStatus;
  const available = s?.currentlyAvailable ?? 0;
  const rate = s?.restoreRate && s.restoreRate > 0 ? s.restoreRate : 50;
  return Math.max(1, Math.ceil((needed - available) / rate));
}

/** A low bucket: the next call of the same cost would be throttled, so the host should wait. */
function lowBucket(cost: Cost): Throttle | undefined {
  const s = cost.throttleStatus;
  const needed = cost.requestedQueryCost ?? cost.actualQueryCost ?? 10;
  if (!s || s.currentlyAvailable === undefined || s.currentlyAvailable >= needed) return undefined;
  return { retryAfterSeconds: secondsUntil(cost, needed), reason: `Shopify cost bucket low: ${s.currentlyAvailable} of ${s.maximumAvailable ?? "?"} points left, ${needed} needed` };
}

/**
 * Posts a query or mutation and classifies the answer.
 * @example const r = await gql(client, "query { shop { id } }", {}); if (r.kind === "data") r.data.shop
 */
export async function gql(client: ShopifyClient, query: string, variables: Json): Promise<Gql> {
  const a = await callProvider(client.deps, client.url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", "x-shopify-access-token": client.token },
    body: JSON.stringify({ query, variables }),
  });
  if (a.kind === "network") return { kind: "retry", reason: `Shopify: ${a.reason}` };
  const body = obj(a.json);
  const cost = obj(obj(body.extensions).cost) as Cost;
  const errors = Array.isArray(body.errors) ? body.errors.map(obj) : [];
  const said = () => client.redact(cut(a.text));
  const throttledError = errors.find((e) => obj(e.extensions).code === "THROTTLED");
  if (throttledError || a.status === 429) {
    const retryAfter = Number(a.headers.get("retry-after"));
    const seconds = Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : secondsUntil(cost, cost.requestedQueryCost ?? 10);
    return { kind: "throttled", reason: `Shopify THROTTLED: retry in ${seconds} s`, throttle: { retryAfterSeconds: seconds, reason: "Shopify THROTTLED (cost bucket empty)" } };
  }
  const verdict = classifyStatus(a.status);
  // A proxy's maintenance page or an empty body is not Shopify's answer: nothing is known.
  if (verdict === "ok" && (!a.json || typeof a.json !== "object" || (!("data" in body) && errors.length === 0))) return { kind: "retry", reason: `Shopify answered ${a.status} without a GraphQL body: ${said()}` };
  if (verdict === "config") return { kind: "config", reason: `Shopify answered ${a.status}: ${said()}` };
  if (verdict === "retry") return { kind: "retry", reason: `Shopify answered ${a.status}: ${said()}` };
  if (verdict === "rejected") {
    // 402 (shop frozen for payment) and 423 (shop locked) are the merchant's account, not the item.
    if (a.status === 402 || a.status === 423 || a.status === 404) return { kind: "config", reason: `Shopify answered ${a.status}: ${said()}` };
    return { kind: "error", reason: `Shopify answered ${a.status}: ${said()}` };
  }
  if (errors.length > 0) {
    const codes = errors.map((e) => String(obj(e.extensions).code ?? ""));
    const reason = `Shopify errors: ${client.redact(cut(errors.map((e) => String(e.message ?? "")).join("; ")))}`;
    if (codes.includes("ACCESS_DENIED")) return { kind: "config", reason };
    if (codes.includes("INTERNAL_SERVER_ERROR") || codes.includes("SERVICE_UNAVAILABLE")) return { kind: "retry", reason };
    if (!body.data || Object.keys(obj(body.data)).length === 0) return { kind: "error", reason };
  }
  const low = lowBucket(cost);
  return low ? { kind: "data", data: obj(body.data), throttle: low } : { kind: "data", data: obj(body.data) };
}
