#!/usr/bin/env node
// Shopify Admin GraphQL stub: `POST /t/{tenant}/admin/api/{version}/graphql.json` with
// `X-Shopify-Access-Token`. It answers the three operations the publisher sends, told apart by
// their root field: `productVariants(query: "sku:…")` (lookup), `inventorySetQuantities`
// (the write) and aliased `inventoryItem(id:) { inventoryLevel(locationId:) }` (re-read).
// Shapes follow shopify.dev: HTTP 200 with `data`, `userErrors { code field message }` per
// mutation, `errors[].extensions.code` for top-level failures, `extensions.cost.throttleStatus`
// on every answer; `THROTTLED` with `actualQueryCost: null`.
// Version rules: ≤ 2025-10 compareQuantity/ignoreCompareQuantity and no @idempotent;
// 2026-01 changeFromQuantity (explicit null opts out) and optional @idempotent;
// 2026-04+ both mandatory on every call/row. A call with any userError applies nothing (the
// docs do not say; all-or-nothing is the cautious reading).
// Seed: { token?, locations?: [gid], items: [{ sku, tracked?, levels: { [locationGid]: n } }] }
// Faults: { kind: "throttle", times?, currentlyAvailable?, restoreRate? } → THROTTLED
//         { kind: "lowBucket", times?, currentlyAvailable } → normal answer, low throttleStatus
//         { kind: "status", status, body?, headers?, times? } → that HTTP answer, nothing applied
//         { kind: "applyThenFail", status? } → the mutation applies, the answer is lost (502)
import { pathToFileURL } from "node:url";
import { startStub } from "./common.mjs";

export const SHOPIFY_STUB_TOKEN = "shpat_stub_token";
const REASONS = new Set(["correction", "cycle_count_available", "damaged", "movement_created", "movement_updated", "movement_received", "movement_canceled", "other", "promotion", "quality_control", "received", "reservation_created", "reservation_deleted", "reservation_updated", "restock", "safety_stock", "shrinkage"]);
const MAX = 2000;
const RATE = 100;

const cost = (requested, available = MAX - requested, actual = requested, restoreRate = RATE) => ({
  cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: { maximumAvailable: MAX, currentlyAvailable: available, restoreRate } },
});

const provider = {
  newState: () => ({ token: SHOPIFY_STUB_TOKEN, locations: new Set(["gid://shopify/Location/1"]), items: [], nextId: 1001, groups: 0, idem: new Map(), applied: [] }),
  seed(state, body) {
    if (body.token) state.token = body.token;
    for (const l of body.locations ?? []) state.locations.add(l);
    for (const it of body.items ?? []) {
      const gid = `gid://shopify/InventoryItem/${state.nextId++}`;
      const levels = new Map(Object.entries(it.levels ?? { "gid://shopify/Location/1": 0 }));
      for (const l of levels.keys()) state.locations.add(l);
      state.items.push({ gid, sku: it.sku, tracked: it.tracked ?? true, levels });
    }
    return { items: state.items.map((i) => ({ sku: i.sku, gid: i.gid })) };
  },
  snapshot: (state) => ({
    items: state.items.map((i) => ({ gid: i.gid, sku: i.sku, levels: Object.fromEntries(i.levels) })),
    idempotency: [...state.idem.entries()].map(([key, v]) => ({ key, failed: v.failed, replays: v.replays })),
    applied: state.applied,
  }),
  sell(state, { sku, units = 1, location }) {
    const item = state.items.find((i) => i.sku === sku);
    if (!item) return { error: "no such sku" };
    const loc = location ?? [...item.levels.keys()][0];
    item.levels.set(loc, (item.levels.get(loc) ?? 0) - units);
    return { available: item.levels.get(loc) };
  },
  async handle(ctx) {
    const m = /^\/admin\/api\/([\w-]+)\/graphql\.json$/.exec(ctx.path);
    if (!m || ctx.method !== "POST") return ctx.send(404, { errors: "Not Found" });
    if (ctx.headers["x-shopify-access-token"] !== ctx.state.token) {
      return ctx.send(401, { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" });
    }
    const version = m[1];
    const query = String(ctx.json?.query ?? "");
    const vars = ctx.json?.variables ?? {};
    const throttled = ctx.fault("throttle");
    if (throttled) {
      const requested = query.includes("inventorySetQuantities") ? 10 : 12;
      return ctx.send(200, {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
        extensions: cost(requested, throttled.currentlyAvailable ?? 0, null, throttled.restoreRate ?? RATE),
      });
    }
    const low = ctx.fault("lowBucket");
    const answer = (data, requested) => ctx.send(200, { data, extensions: cost(requested, low ? low.currentlyAvailable : MAX - requested) });
    if (query.includes("productVariants(")) return lookup(ctx, vars, answer);
    if (query.includes("inventorySetQuantities(")) return setQuantities(ctx, version, query, vars, answer);
    if (query.includes("inventoryItem(id:")) return levels(ctx, query, vars, answer);
    return ctx.send(200, { errors: [{ message: "Field is not supported by this stub", extensions: { code: "undefinedField" } }] });
  },
};

function lookup(ctx, vars, answer) {
  const terms = [...String(vars.q ?? "").matchAll(/sku:"((?:[^"\\]|\\.)*)"/g)].map((x) => x[1].replace(/\\(.)/g, "$1"));
  ctx.salesBefore("read", terms);
  // Shopify's search is not an exact match: a term also finds SKUs it prefixes.
  const nodes = ctx.state.items
    .filter((i) => terms.some((t) => i.sku.startsWith(t)))
    .slice(0, Number(vars.n ?? 50))
    .map((i) => ({ sku: i.sku, inventoryItem: { id: i.gid, tracked: i.tracked } }));
  return answer({ productVariants: { nodes } }, 2 + nodes.length);
}

function levels(ctx, query, vars, answer) {
  const data = {};
  const fields = [...query.matchAll(/(\w+): inventoryItem\(id: \$(\w+)\) \{ id inventoryLevel\(locationId: \$(\w+)\)/g)];
  ctx.salesBefore("read", fields.map(([, , i]) => ctx.state.items.find((x) => x.gid === vars[i])?.sku).filter(Boolean));
  for (const [, alias, iVar, lVar] of fields) {
    const item = ctx.state.items.find((x) => x.gid === vars[iVar]);
    const q = item?.levels.get(vars[lVar]);
    data[alias] = item ? { id: item.gid, inventoryLevel: q === undefined ? null : { quantities: [{ name: "available", quantity: q }] } } : null;
  }
  return answer(data, 1 + fields.length);
}

function setQuantities(ctx, version, query, vars, answer) {
  const modern = version === "unstable" || version >= "2026-01";
  const mandatory = version === "unstable" || version >= "2026-04";
  const key = /@idempotent\(key:\s*"([^"]+)"\)/.exec(query)?.[1];
  const input = vars.input ?? {};
  const rows = Array.isArray(input.quantities) ? input.quantities : [];
  const topError = (message, code) => ctx.send(200, { errors: [{ message, extensions: { code } }] });
  if (!modern && key) return topError("Directive 'idempotent' is not defined", "undefinedDirective");
  if (mandatory && !key) return topError("The @idempotent directive is required for this mutation", "BAD_REQUEST");
  if (!modern && rows.some((r) => "changeFromQuantity" in r)) return topError("InputObject 'InventoryQuantityInput' doesn't accept argument 'changeFromQuantity'", "argumentNotAccepted");
  if (mandatory && ("ignoreCompareQuantity" in input || rows.some((r) => "compareQuantity" in r))) return topError("compareQuantity and ignoreCompareQuantity were removed in 2026-04", "argumentNotAccepted");

  const params = JSON.stringify(input);
  if (key && ctx.state.idem.has(key)) {
    const prev = ctx.state.idem.get(key);
    if (prev.params !== params) return answer({ inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: [{ code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH", field: null, message: "The same idempotency key cannot be used with different operation parameters." }] } }, 10);
    if (prev.failed) return answer({ inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors: [{ code: "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", field: null, message: "A previous request with this idempotency key failed. Retry with a new idempotency key." }] } }, 10);
    prev.replays += 1;
    return answer(prev.data, 10);
  }

  const items = rows.map((r) => ctx.state.items.find((i) => i.gid === r.inventoryItemId));
  ctx.salesBefore("write", items.filter(Boolean).map((i) => i.sku));
  const userErrors = [];
  const err = (i, field, code, message) => userErrors.push({ code, field: i === null ? [field] : ["input", "quantities", String(i), field], message });
  if (input.name !== "available" && input.name !== "on_hand") err(null, "name", "INVALID_NAME", "The quantity name must be either 'available' or 'on_hand'.");
  if (!REASONS.has(input.reason)) err(null, "reason", "INVALID_REASON", "The specified reason is invalid.");
  const seen = new Set();
  rows.forEach((r, i) => {
    const item = items[i];
    const pair = `${r.inventoryItemId}|${r.locationId}`;
    if (seen.has(pair)) return err(i, "inventoryItemId", "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR", "The combination of inventoryItemId and locationId must be unique.");
    seen.add(pair);
    if (!item) return err(i, "inventoryItemId", "INVALID_INVENTORY_ITEM", "The specified inventory item could not be found.");
    if (!ctx.state.locations.has(r.locationId)) return err(i, "locationId", "INVALID_LOCATION", "The specified location could not be found.");
    if (!item.levels.has(r.locationId)) return err(i, "locationId", "ITEM_NOT_STOCKED_AT_LOCATION", "The specified inventory item is not stocked at the location.");
    if (!Number.isInteger(r.quantity) || r.quantity < 0) return err(i, "quantity", "INVALID_QUANTITY_NEGATIVE", "The quantity can't be negative.");
    const current = item.levels.get(r.locationId);
    if (modern) {
      if (mandatory && !("changeFromQuantity" in r)) return err(i, "changeFromQuantity", "COMPARE_QUANTITY_REQUIRED", "changeFromQuantity must be given to each quantity (null to opt out).");
      if ("changeFromQuantity" in r) {
        if (r.changeFromQuantity !== null && r.changeFromQuantity !== current) err(i, "changeFromQuantity", "CHANGE_FROM_QUANTITY_STALE", "The changeFromQuantity value does not match persisted value.");
        return;
      }
    }
    if (input.ignoreCompareQuantity === true) return;
    if (!("compareQuantity" in r)) return err(i, "compareQuantity", "COMPARE_QUANTITY_REQUIRED", "The compareQuantity argument must be given to each quantity or ignored using ignoreCompareQuantity.");
    if (r.compareQuantity !== current) err(i, "compareQuantity", "COMPARE_QUANTITY_STALE", "The compareQuantity value does not match persisted value.");
  });

  let data;
  if (userErrors.length > 0) data = { inventorySetQuantities: { inventoryAdjustmentGroup: null, userErrors } };
  else {
    const changes = [];
    rows.forEach((r, i) => {
      const item = items[i];
      const before = item.levels.get(r.locationId);
      item.levels.set(r.locationId, r.quantity);
      ctx.state.applied.push({ at: Date.now(), sku: item.sku, location: r.locationId, quantity: r.quantity, key: key ?? null });
      if (r.quantity !== before) changes.push({ name: "available", delta: r.quantity - before, quantityAfterChange: r.quantity, item: { id: item.gid }, location: { id: r.locationId } });
    });
    data = { inventorySetQuantities: { inventoryAdjustmentGroup: { id: `gid://shopify/InventoryAdjustmentGroup/${++ctx.state.groups}`, changes }, userErrors: [] } };
  }
  if (key) ctx.state.idem.set(key, { params, data, failed: userErrors.length > 0, replays: 0 });
  const lost = ctx.fault("applyThenFail");
  if (lost) return ctx.send(lost.status ?? 502, "<html><body>502 Bad Gateway</body></html>", { "content-type": "text/html" });
  return answer(data, 10);
}

/** @example const s = await startShopifyStub({ unref: true }); `${s.url}/t/my-test` is a shop's apiBaseUrl */
export function startShopifyStub(opts = {}) {
  return startStub({ provider, ...opts });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const s = await startShopifyStub({ port: Number(process.env.PORT ?? 8791) });
  console.log(`[shopify-stub] ${s.url}`);
}
