/**
 * Availability Worker: the public read edge for available-to-promise (availability:read).
 *
 * Answers from KV, the projection each SKU's InventoryDO writes at most once a second per key.
 * KV may be up to about a minute stale, which is harmless while stock is comfortable and is
 * exactly how a stale answer oversells when it is low: so when the cached figure is at or below
 * `LOW_STOCK_THRESHOLD` (default 5), or missing, the answer comes from the SKU's InventoryDO
 * instead. Each item says which: `source: "cache" | "authoritative"`, and `asOf`.
 */
import { Hono, type Context } from "hono";
import type { PolicyOrDefault } from "../../core/inventory/policy";
import type { Env } from "../../lib/env";
import { route } from "../../lib/api";
import { notFound, onError, param, parseJsonBody, ProblemError, requireScope, type AppEnv } from "../../lib/http";
import { availabilityKey, masterKeys } from "../../core/keys";
import type { SkuEntry } from "../../core/master/model";
import type { Projected } from "../../durable-objects/inventory/projector";
import { loadPolicy } from "../../lib/policies";
import { batchRoute, channelSchema as channel, querySchema, singleRoute, skuSchema as sku } from "./routes";

export type AvailabilityItem = Projected & { source: "cache" | "authoritative" };

/** Seconds a client may reuse a comfortable (cached) figure; low-stock answers must be revalidated. */
const CACHE_MAX_AGE = 5;


const threshold = (env: Env) => {
  const n = Number(env.LOW_STOCK_THRESHOLD ?? "5");
  return Number.isFinite(n) ? n : 5;
};

/** One SKU's figure: KV when comfortably above the threshold, else the DO (with the channel's policy). */
async function lookup(env: Env, ch: string, s: string, policy: () => Promise<PolicyOrDefault>, cached?: Projected | null, depth = 0): Promise<AvailabilityItem> {
  const hit = cached === undefined ? await env.AVAILABILITY_KV.get<Projected>(availabilityKey(ch, s), "json") : cached;
  if (hit && hit.available > threshold(env)) return { ...hit, source: "cache" };
  // No figure at all: a kit has none of its own (only a miss pays this read).
  if (!hit && depth < 3) {
    const kit = await kitAvailability(env, ch, s, policy, depth);
    if (kit) return kit;
  }
  const fresh = await env.INVENTORY.getByName(s).availability(ch, await policy());
  return { ...fresh, sku: s, source: "authoritative" };
}

/** A kit sells as many as its scarcest component allows: min over components of floor(available / quantity per kit). */
async function kitAvailability(env: Env, ch: string, s: string, policy: () => Promise<PolicyOrDefault>, depth: number): Promise<AvailabilityItem | null> {
  const entry = await env.AVAILABILITY_KV.get<SkuEntry>(masterKeys.product(s), "json");
  const components = entry?.product.components ?? [];
  if (!components.length) return null;
  const keys = components.map((c) => availabilityKey(ch, c.sku));
  const cached = await env.AVAILABILITY_KV.get<Projected>(keys, "json");
  const figures = await Promise.all(components.map((c, i) => lookup(env, ch, c.sku, policy, cached.get(keys[i]!) ?? null, depth + 1)));
  const available = Math.min(...figures.map((f, i) => Math.floor(Math.max(0, f.available) / components[i]!.quantity)));
  const asOf = figures.map((f) => f.asOf).sort()[0] ?? new Date().toISOString();
  return { sku: s, channel: ch, available, asOf, source: figures.some((f) => f.source === "authoritative") ? "authoritative" : "cache" };
}

/**
 * Many SKUs: one bulk KV read (up to 100 keys); comfortable figures are answered as read, in one
 * pass with no per-SKU promise, and only the low or missing ones go to their DO.
 */
async function lookupMany(env: Env, ch: string, skus: string[], policy: () => Promise<PolicyOrDefault>): Promise<AvailabilityItem[]> {
  const keys = skus.map((s) => availabilityKey(ch, s));
  const cached = await env.AVAILABILITY_KV.get<Projected>(keys, "json");
  const low = threshold(env);
  const items: AvailabilityItem[] = new Array(skus.length);
  const slow: Promise<void>[] = [];
  for (let i = 0; i < skus.length; i++) {
    const hit = cached.get(keys[i]!) ?? null;
    if (hit && hit.available > low) items[i] = { sku: hit.sku, channel: hit.channel, available: hit.available, asOf: hit.asOf, source: "cache" };
    else slow.push(lookup(env, ch, skus[i]!, policy, hit).then((r) => void (items[i] = r)));
  }
  if (slow.length) await Promise.all(slow);
  return items;
}

/** The policy is read at most once per request, and only if some SKU needs the DO. */
function lazyPolicy(env: Env, ch: string): () => Promise<PolicyOrDefault> {
  let p: Promise<PolicyOrDefault> | null = null;
  return () => (p ??= loadPolicy(env, ch));
}

/**
 * A weak validator over the figures only (sku, channel, available, source): an authoritative
 * answer's `asOf` is "now" on every call, and a client revalidating wants to know whether the
 * numbers changed, which is what a weak ETag promises.
 */
function etagOf(items: AvailabilityItem[]): string {
  // One SKU (the hot path): its URL names sku and channel, so the figure itself is the validator.
  if (items.length === 1) return `W/"${items[0]!.available}.${items[0]!.source}"`;
  // Many: a 64-bit FNV-1a (two 32-bit lanes) over the figures. A weak validator only has to change
  // when a figure does; a cryptographic digest per request cost more than building the answer.
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ items.length;
  for (const i of items) {
    const f = `${i.sku}\u0000${i.channel}\u0000${i.available}\u0000${i.source}\u0001`;
    for (let k = 0; k < f.length; k++) {
      const c = f.charCodeAt(k);
      a = Math.imul(a ^ c, 0x01000193) >>> 0;
      b = Math.imul(b ^ c, 0x01000193 ^ 0x5bd1e995) >>> 0;
    }
  }
  return `W/"${a.toString(16).padStart(8, "0")}${b.toString(16).padStart(8, "0")}.${items.length}"`;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  // If-None-Match uses the weak comparison (RFC 9110 §13.1.2).
  const opaque = (t: string) => t.trim().replace(/^W\//, "");
  return ifNoneMatch.trim() === "*" || ifNoneMatch.split(",").some((t) => opaque(t) === opaque(etag));
}

/** JSON with a strong ETag; `If-None-Match` → 304. Authoritative (low-stock) answers are `no-cache`. */
async function answer(c: Context<AppEnv>, body: unknown, items: AvailabilityItem[]): Promise<Response> {
  const text = JSON.stringify(body);
  const etag = etagOf(items);
  const headers = {
    etag,
    "cache-control": items.some((i) => i.source === "authoritative") ? "private, no-cache" : `private, max-age=${CACHE_MAX_AGE}`,
    vary: "authorization",
  };
  if (matches(c.req.header("if-none-match"), etag)) return new Response(null, { status: 304, headers });
  return new Response(text, { status: 200, headers: { ...headers, "content-type": "application/json" } });
}

export const app = new Hono<AppEnv>();
app.onError(onError);
app.notFound(notFound);
app.use("/v1/availability/*", requireScope("availability:read"));

route(app, batchRoute, async (c) => {
  const { data } = await parseJsonBody(c, querySchema);
  const policy = lazyPolicy(c.env, data.channel);
  const items = await lookupMany(c.env, data.channel, [...new Set(data.skus)], policy);
  return answer(c, { items }, items);
});

route(app, singleRoute, async (c) => {
  const s = sku.safeParse(param(c, "sku"));
  const ch = channel.safeParse(c.req.query("channel") ?? "");
  const errors = [
    ...(s.success ? [] : [{ path: "sku", message: "must be 1–120 characters" }]),
    ...(ch.success ? [] : [{ path: "channel", message: "the channel query parameter is required" }]),
  ];
  if (!s.success || !ch.success) throw new ProblemError(400, "Validation failed", "One or more fields are invalid.", errors);
  const item = await lookup(c.env, ch.data, s.data, lazyPolicy(c.env, ch.data));
  return answer(c, item, [item]);
});

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
