#!/usr/bin/env node
// Demo data for `npm run dev`, through the public admin API only, safe to run again: connections
// and policies are PUTs, the demo key is imported (409 "already registered" is fine) and stock
// snapshots carry fixed event ids (a second run counts as duplicates).
//   node scripts/seed.mjs [--url http://127.0.0.1:8787]   (reads ADMIN_TOKEN, DEMO_API_KEY from .dev.vars)
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

/** One connection per kind; each belongs to a channel (several may share one). Dev-only secrets. */
export const DEMO_CONNECTIONS = [
  { id: "demo-shopify", kind: "shopify", name: "Demo Shopify store", channel: "webshop", secret: "shpss_demo_shopify_secret" },
  { id: "demo-woocommerce", kind: "woocommerce", name: "Demo WooCommerce shop", channel: "woo", secret: "demo-woocommerce-secret" },
  { id: "demo-bigcommerce", kind: "bigcommerce", name: "Demo B2B portal (BigCommerce)", channel: "b2b-portal", secret: "demo-bigcommerce-bearer-token" },
  { id: "demo-amazon", kind: "amazon", name: "Demo Amazon (EventBridge API destination)", channel: "amazon", secret: "demo-amazon-api-key" },
  { id: "demo-standard", kind: "standard", name: "Demo field-sales app (Standard Webhooks)", channel: "field-sales", secret: `whsec_${Buffer.from("switchyard-demo-standard-secret!").toString("base64")}` },
  { id: "demo-x12", kind: "x12", name: "Demo EDI dealer (X12)", channel: "dealer-edi", secret: "demo-x12-edi-secret" },
];

export const DEMO_POLICIES = {
  webshop: { locations: ["DC1", "DC2"], percent: 90, buffer: 2 },
  amazon: { locations: ["DC1"], max: 50, endWhenBelow: 3 },
  "dealer-edi": { locations: ["DC2", "DC1"], backorder: true },
};

export const DEMO_STOCK = [
  { sku: "WIDGET-1", location: "DC1", onHand: 120 },
  { sku: "WIDGET-1", location: "DC2", onHand: 40 },
  { sku: "GADGET-2", location: "DC1", onHand: 15 },
  { sku: "BOLT-M8", location: "DC2", onHand: 5000 },
  { sku: "PUMP-X", location: "DC1", onHand: 3 },
];

export const ALL_SCOPES = ["orders:write", "orders:read", "inventory:write", "availability:read", "shipments:write", "returns:write", "ops:read", "ops:write", "master:write"];

async function call(url, token, method, path, body) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, ok: res.ok, json, text };
}

const reason = (r) => (r.json?.title ? `${r.status} ${r.json.title}${r.json.detail ? `: ${r.json.detail}` : ""}` : `${r.status} ${r.text.slice(0, 200)}`);

/**
 * Seeds the demo data; returns what was set up (for printing). Throws on an unexpected answer,
 * except for the inventory endpoint, which may not exist yet.
 * @example await seedDemo({ url: "http://127.0.0.1:8787", adminToken: "dev-admin-token", demoKey })
 */
export async function seedDemo({ url, adminToken, demoKey, log = console.log }) {
  for (const c of DEMO_CONNECTIONS) {
    const r = await call(url, adminToken, "PUT", `/v1/admin/connections/${c.id}`, { kind: c.kind, secret: c.secret, name: c.name, settings: { channel: c.channel } });
    if (!r.ok) throw new Error(`seeding connection ${c.id}: ${reason(r)}`);
  }
  log(`• seeded ${DEMO_CONNECTIONS.length} connections`);

  let keyState = "imported";
  if (demoKey) {
    const r = await call(url, adminToken, "POST", "/v1/admin/api-keys", { name: "demo (npm run dev)", scopes: ALL_SCOPES, key: demoKey });
    if (r.status === 409) keyState = "already registered";
    else if (!r.ok) throw new Error(`seeding the demo API key: ${reason(r)}`);
  } else keyState = "skipped (no DEMO_API_KEY in .dev.vars)";
  log(`• demo API key ${keyState}`);

  for (const [channel, policy] of Object.entries(DEMO_POLICIES)) {
    const r = await call(url, adminToken, "PUT", `/v1/admin/channels/${channel}/policy`, policy);
    if (!r.ok) throw new Error(`seeding policy ${channel}: ${reason(r)}`);
  }
  log(`• seeded ${Object.keys(DEMO_POLICIES).length} channel policies`);

  const asOf = new Date().toISOString();
  const events = DEMO_STOCK.map((s) => ({
    eventId: `demo-seed-${s.sku}-${s.location}`,
    source: "erp",
    type: "snapshot",
    sku: s.sku,
    location: s.location,
    asOf,
    quantities: { onHand: s.onHand, committed: 0 },
  }));
  const inv = await call(url, demoKey ?? adminToken, "POST", "/v1/inventory/events", { events });
  let stock;
  if (inv.ok) {
    stock = inv.json;
    log(`• stock snapshots: ${JSON.stringify(inv.json)}`);
  } else {
    stock = { skipped: reason(inv) };
    log(`• stock not seeded (POST /v1/inventory/events answered ${reason(inv)}); continuing`);
  }
  return { connections: DEMO_CONNECTIONS, policies: DEMO_POLICIES, stock: DEMO_STOCK, stockResult: stock, demoKey, keyState };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { parseDotenv } = await import("./dev-system.mjs");
  const vars = parseDotenv(readFileSync(".dev.vars", "utf8"));
  const i = process.argv.indexOf("--url");
  const url = i > 0 ? process.argv[i + 1] : process.env.SWITCHYARD_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`;
  await seedDemo({ url, adminToken: vars.ADMIN_TOKEN, demoKey: vars.DEMO_API_KEY });
}
