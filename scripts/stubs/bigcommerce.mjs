#!/usr/bin/env node
// BigCommerce Inventory API stub: `/t/{tenant}/v3/inventory/items` (GET, `sku:in`,
// `location_id:in`) and `/t/{tenant}/v3/inventory/adjustments/absolute` (PUT), shaped as
// bigcommerce/docs reference/inventory.v3.yml: items with `identity` and per-location
// `total_inventory_onhand` / `available_to_sell` (on hand minus safety stock), `{ transaction_id }`
// on success, problem+json `{ status, title, type, errors }` on failure (a 422 refuses the whole
// request), ≤ 2,000 items. Every answer carries the store's rate-limit window headers
// (X-Rate-Limit-Requests-Quota/-Left, -Time-Window-Ms, -Time-Reset-Ms); the quota is counted per
// tenant in 30-second windows. BigCommerce applies adjustments asynchronously; this stub applies
// them at once.
// Seed: { token?, quota?, locations?: [ids], items: [{ sku, levels: { [locationId]: onHand }, safetyStock? }] }
// Faults: { kind: "rateLimit", left, resetMs, times? } → those header values on the next answers
//         { kind: "status", status, body?, headers?, times? } (e.g. 429 with the headers, or without)
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { startStub } from "./common.mjs";

export const BIGCOMMERCE_STUB_TOKEN = "bc_stub_token_0123456789";
const WINDOW_MS = 30_000;
const TYPE = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes";

const provider = {
  newState: () => ({ token: BIGCOMMERCE_STUB_TOKEN, quota: 150, used: 0, windowStart: Date.now(), locations: new Set([1]), items: new Map(), nextId: 500, adjustments: [] }),
  seed(state, body) {
    if (body.token) state.token = body.token;
    if (body.quota) state.quota = body.quota;
    for (const l of body.locations ?? []) state.locations.add(Number(l));
    for (const it of body.items ?? []) {
      const levels = new Map(Object.entries(it.levels ?? { 1: 0 }).map(([k, v]) => [Number(k), v]));
      for (const l of levels.keys()) state.locations.add(l);
      state.items.set(it.sku, { sku: it.sku, product_id: state.nextId++, variant_id: state.nextId++, safety: it.safetyStock ?? 0, levels });
    }
    return { ok: true };
  },
  snapshot: (state) => ({ items: [...state.items.values()].map((i) => ({ sku: i.sku, levels: Object.fromEntries(i.levels) })), adjustments: state.adjustments }),
  sell(state, { sku, units = 1, location }) {
    const item = state.items.get(sku);
    if (!item) return { error: "no such sku" };
    const loc = location === undefined ? [...item.levels.keys()][0] : Number(location);
    item.levels.set(loc, (item.levels.get(loc) ?? 0) - units);
    return { onHand: item.levels.get(loc) };
  },
  async handle(ctx) {
    const s = ctx.state;
    const now = Date.now();
    if (now - s.windowStart >= WINDOW_MS) {
      s.windowStart = now;
      s.used = 0;
    }
    s.used += 1;
    const forced = ctx.fault("rateLimit");
    const left = forced ? forced.left : Math.max(0, s.quota - s.used);
    const headers = {
      "x-rate-limit-requests-quota": String(s.quota),
      "x-rate-limit-requests-left": String(left),
      "x-rate-limit-time-window-ms": String(WINDOW_MS),
      "x-rate-limit-time-reset-ms": String(forced ? forced.resetMs : WINDOW_MS - (now - s.windowStart)),
    };
    const problem = (status, title, errors = {}) => ctx.send(status, { status, title, type: TYPE, errors }, { ...headers, "content-type": "application/problem+json" });
    if (ctx.headers["x-auth-token"] !== s.token) return problem(401, "You are not authorized to access this resource. Please check the X-Auth-Token header.");
    if (!forced && s.used > s.quota) return problem(429, "Too many requests");
    if (ctx.method === "GET" && ctx.path === "/v3/inventory/items") return items(ctx, headers);
    if (ctx.method === "PUT" && ctx.path === "/v3/inventory/adjustments/absolute") return absolute(ctx, headers, problem);
    return problem(404, "Route not found");
  },
};

function items(ctx, headers) {
  const q = ctx.url.searchParams;
  const skus = q.get("sku:in") ? q.get("sku:in").split(",") : [...ctx.state.items.keys()];
  const locs = q.get("location_id:in") ? new Set(q.get("location_id:in").split(",").map(Number)) : null;
  ctx.salesBefore("read", skus);
  const data = skus
    .map((sku) => ctx.state.items.get(sku))
    .filter(Boolean)
    .map((i) => ({
      identity: { sku: i.sku, variant_id: i.variant_id, product_id: i.product_id, sku_id: null },
      locations: [...i.levels.entries()]
        .filter(([l]) => !locs || locs.has(l))
        .map(([l, onHand]) => ({ location_id: l, location_code: `LOC-${l}`, location_name: l === 1 ? "Default location" : `Location ${l}`, available_to_sell: Math.max(0, onHand - i.safety), total_inventory_onhand: onHand, location_enabled: true, settings: { safety_stock: i.safety, is_in_stock: onHand - i.safety > 0, warning_level: 0, bin_picking_number: "" } })),
    }));
  const limit = Number(q.get("limit") ?? 50);
  const page = data.slice(0, limit);
  return ctx.send(200, { data: page, meta: { pagination: { total: data.length, count: page.length, per_page: limit, current_page: 1, total_pages: Math.max(1, Math.ceil(data.length / limit)), links: { current: `?page=1&limit=${limit}` } } } }, headers);
}

function absolute(ctx, headers, problem) {
  const list = Array.isArray(ctx.json?.items) ? ctx.json.items : null;
  if (!list) return problem(422, "Payload contains invalid fields", { items: "items is required" });
  if (list.length > 2000) return problem(422, "The number of items in the request exceeds the limit of 2000");
  ctx.salesBefore("write", list.map((x) => x.sku).filter(Boolean));
  for (const x of list) {
    if (!ctx.state.locations.has(Number(x.location_id))) return problem(422, `[Location with id ${x.location_id} does not exist]`);
    if (!x.sku || !ctx.state.items.has(x.sku)) return problem(422, `[Item with sku ${x.sku} does not exist]`);
    if (!Number.isInteger(x.quantity) || x.quantity < 0 || x.quantity > 2147483647) return problem(422, `[Quantity of item with sku ${x.sku} must be between 0 and 2147483647]`);
  }
  for (const x of list) ctx.state.items.get(x.sku).levels.set(Number(x.location_id), x.quantity);
  const transaction_id = randomUUID();
  ctx.state.adjustments.push({ transaction_id, reason: ctx.json.reason, items: list });
  return ctx.send(200, { transaction_id }, headers);
}

/** @example const s = await startBigCommerceStub({ unref: true }); `${s.url}/t/my-test` is a store's apiBaseUrl */
export function startBigCommerceStub(opts = {}) {
  return startStub({ provider, ...opts });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const s = await startBigCommerceStub({ port: Number(process.env.PORT ?? 8793) });
  console.log(`[bigcommerce-stub] ${s.url}`);
}
