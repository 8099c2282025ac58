#!/usr/bin/env node
// WooCommerce REST v3 stub: `/t/{tenant}/wp-json/wc/v3/…` for products, variations and their
// batches, shaped as woocommerce-rest-api-docs and WC_REST_Controller answer: error bodies
// `{ code, message, data: { status } }`, batch answers 200 with per-row `{ id, error }`, more than
// the batch limit is 413 `woocommerce_rest_request_entity_too_large`, `X-WP-Total(Pages)` headers.
// Authentication as WC_REST_Authentication: Basic (header, or consumer_key/consumer_secret query
// parameters) only over HTTPS, which a tenant seeded with `tls: true` pretends to be (a store
// behind a TLS-terminating proxy); otherwise OAuth 1.0a one-legged, signature checked
// (HMAC-SHA1/256 keyed `secret&`, timestamp within 15 minutes, nonce used once).
// Seed: { consumerKey?, consumerSecret?, tls?, variationsInSkuSearch? (default true: recent
//         versions return variations from /products?sku=), batchLimit?,
//         products: [{ sku, stock, manageStock? } | { sku?, type: "variable", variations: [{ sku, stock }] }] }
// Faults: { kind: "status", status, body?, headers?, match?, times? } (e.g. 429 + Retry-After)
import { createHmac, timingSafeEqual } from "node:crypto";
import { pathToFileURL } from "node:url";
import { startStub } from "./common.mjs";

export const WOO_STUB_KEY = "ck_stub_0123456789abcdef";
export const WOO_STUB_SECRET = "cs_stub_fedcba9876543210";

const error = (ctx, status, code, message) => ctx.send(status, { code, message, data: { status } });
const rfc3986 = (s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const view = (p) => ({
  id: p.id,
  name: p.sku ?? `Product ${p.id}`,
  sku: p.sku ?? "",
  type: p.type,
  status: "publish",
  parent_id: p.parent_id,
  manage_stock: p.manage_stock,
  stock_quantity: p.manage_stock ? p.stock_quantity : null,
  stock_status: !p.manage_stock || p.stock_quantity > 0 ? "instock" : "outofstock",
  ...(p.type === "variable" ? { variations: p.variations } : {}),
});

const provider = {
  newState: () => ({ key: WOO_STUB_KEY, secret: WOO_STUB_SECRET, tls: false, variationsInSkuSearch: true, batchLimit: 100, products: new Map(), nextId: 100, nonces: new Set() }),
  seed(state, body) {
    if (body.consumerKey) state.key = body.consumerKey;
    if (body.consumerSecret) state.secret = body.consumerSecret;
    if (body.tls !== undefined) state.tls = body.tls;
    if (body.variationsInSkuSearch !== undefined) state.variationsInSkuSearch = body.variationsInSkuSearch;
    if (body.batchLimit) state.batchLimit = body.batchLimit;
    const made = [];
    for (const p of body.products ?? []) {
      const id = state.nextId++;
      if (p.type === "variable") {
        const parent = { id, sku: p.sku, type: "variable", parent_id: 0, manage_stock: false, stock_quantity: null, variations: [] };
        state.products.set(id, parent);
        made.push({ sku: p.sku, id });
        for (const v of p.variations ?? []) {
          const vid = state.nextId++;
          state.products.set(vid, { id: vid, sku: v.sku, type: "variation", parent_id: id, manage_stock: v.manageStock ?? true, stock_quantity: v.stock ?? 0 });
          parent.variations.push(vid);
          made.push({ sku: v.sku, id: vid, parent: id });
        }
      } else {
        state.products.set(id, { id, sku: p.sku, type: "simple", parent_id: 0, manage_stock: p.manageStock ?? true, stock_quantity: p.stock ?? 0 });
        made.push({ sku: p.sku, id });
      }
    }
    return { products: made };
  },
  snapshot: (state) => ({ products: [...state.products.values()].map(view) }),
  sell(state, { sku, units = 1 }) {
    const p = [...state.products.values()].find((x) => x.sku === sku);
    if (!p) return { error: "no such sku" };
    // Order stock reduction is an atomic SQL decrement in WooCommerce (woocommerce#26039).
    p.stock_quantity -= units;
    return { stock_quantity: p.stock_quantity };
  },
  async handle(ctx) {
    const m = /^\/wp-json\/wc\/v3(\/.*)$/.exec(ctx.path);
    if (!m) return error(ctx, 404, "rest_no_route", "No route was found matching the URL and request method.");
    const denied = authenticate(ctx);
    if (denied) return error(ctx, 401, denied.code, denied.message);
    const route = m[1];
    const q = Object.fromEntries(ctx.url.searchParams);
    let r;
    if (ctx.method === "GET" && route === "/products") return list(ctx, [...ctx.state.products.values()].filter((p) => p.type !== "variation" || (q.sku && ctx.state.variationsInSkuSearch)), q);
    if (ctx.method === "GET" && (r = /^\/products\/(\d+)\/variations$/.exec(route))) {
      const parent = ctx.state.products.get(Number(r[1]));
      if (!parent || parent.type !== "variable") return error(ctx, 404, "woocommerce_rest_product_invalid_id", "Invalid ID.");
      return list(ctx, parent.variations.map((id) => ctx.state.products.get(id)), q);
    }
    if (ctx.method === "POST" && route === "/products/batch") return batch(ctx, (p) => p.type !== "variation");
    if (ctx.method === "POST" && (r = /^\/products\/(\d+)\/variations\/batch$/.exec(route))) return batch(ctx, (p) => p.type === "variation" && p.parent_id === Number(r[1]));
    return error(ctx, 404, "rest_no_route", "No route was found matching the URL and request method.");
  },
};

function authenticate(ctx) {
  const s = ctx.state;
  const q = ctx.url.searchParams;
  if (s.tls) {
    const auth = ctx.headers.authorization ?? "";
    const basic = auth.startsWith("Basic ") ? Buffer.from(auth.slice(6), "base64").toString("utf8") : null;
    const [key, secret] = basic ? [basic.slice(0, basic.indexOf(":")), basic.slice(basic.indexOf(":") + 1)] : [q.get("consumer_key"), q.get("consumer_secret")];
    if (key !== null && key !== undefined && key !== "") {
      if (key !== s.key) return { code: "woocommerce_rest_authentication_error", message: "Consumer key is invalid." };
      if (secret !== s.secret) return { code: "woocommerce_rest_authentication_error", message: "Consumer secret is invalid." };
      return null;
    }
  }
  if (!q.get("oauth_consumer_key")) return { code: "woocommerce_rest_cannot_view", message: "Sorry, you cannot list resources." };
  if (q.get("oauth_consumer_key") !== s.key) return { code: "woocommerce_rest_authentication_error", message: "Consumer key is invalid." };
  const ts = Number(q.get("oauth_timestamp"));
  if (!Number.isFinite(ts) || Math.abs(Date.now() / 1000 - ts) > 15 * 60) return { code: "woocommerce_rest_authentication_error", message: "Invalid timestamp." };
  const nonce = `${q.get("oauth_nonce")}:${ts}`;
  if (s.nonces.has(nonce)) return { code: "woocommerce_rest_authentication_error", message: "Invalid nonce - nonce has already been used." };
  const method = q.get("oauth_signature_method");
  if (method !== "HMAC-SHA1" && method !== "HMAC-SHA256") return { code: "woocommerce_rest_authentication_error", message: "Invalid signature - signature method is invalid." };
  const params = [...q.entries()].filter(([k]) => k !== "oauth_signature").map(([k, v]) => [rfc3986(k), rfc3986(v)]);
  params.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const base = `${ctx.method}&${rfc3986(`http://${ctx.headers.host}/t/${ctx.tenant.id}${ctx.path}`)}&${rfc3986(params.map(([k, v]) => `${k}=${v}`).join("&"))}`;
  const expected = createHmac(method === "HMAC-SHA1" ? "sha1" : "sha256", `${s.secret}&`).update(base).digest();
  const given = Buffer.from(q.get("oauth_signature") ?? "", "base64");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { code: "woocommerce_rest_authentication_error", message: "Invalid signature - provided signature does not match." };
  s.nonces.add(nonce);
  return null;
}

function list(ctx, products, q) {
  let out = products.filter(Boolean);
  if (q.sku) {
    const skus = new Set(q.sku.split(","));
    out = out.filter((p) => skus.has(p.sku));
  }
  if (q.include) {
    const ids = new Set(q.include.split(",").map(Number));
    out = out.filter((p) => ids.has(p.id));
  }
  if (q.type) out = out.filter((p) => p.type === q.type);
  ctx.salesBefore("read", out.map((p) => p.sku));
  const perPage = Math.min(100, Number(q.per_page ?? 10));
  const page = Number(q.page ?? 1);
  const total = out.length;
  const slice = out.slice((page - 1) * perPage, page * perPage).map(view);
  return ctx.send(200, slice, { "x-wp-total": String(total), "x-wp-totalpages": String(Math.max(1, Math.ceil(total / perPage))) });
}

function batch(ctx, belongs) {
  const body = ctx.json ?? {};
  const count = ["create", "update", "delete"].reduce((n, k) => n + (Array.isArray(body[k]) ? body[k].length : 0), 0);
  if (count > ctx.state.batchLimit) return error(ctx, 413, "woocommerce_rest_request_entity_too_large", `Unable to accept more than ${ctx.state.batchLimit} items for this request.`);
  const rows = Array.isArray(body.update) ? body.update : [];
  ctx.salesBefore("write", rows.map((r) => ctx.state.products.get(r.id)?.sku).filter(Boolean));
  const update = rows.map((r) => {
    const p = ctx.state.products.get(r.id);
    if (!p || !belongs(p)) return { id: r.id, error: { code: "woocommerce_rest_product_invalid_id", message: "Invalid ID.", data: { status: 400 } } };
    if ("manage_stock" in r) p.manage_stock = r.manage_stock === true;
    if ("stock_quantity" in r) p.stock_quantity = Number(r.stock_quantity);
    return view(p);
  });
  return ctx.send(200, { update });
}

/** @example const s = await startWooCommerceStub({ unref: true }); `${s.url}/t/my-test` is a store's apiBaseUrl */
export function startWooCommerceStub(opts = {}) {
  return startStub({ provider, ...opts });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const s = await startWooCommerceStub({ port: Number(process.env.PORT ?? 8792) });
  console.log(`[woocommerce-stub] ${s.url}`);
}
