// The publishing scenario (issue 11): 10,000 stock changes over 1,000 SKUs, four channel
// connections (Shopify, WooCommerce, BigCommerce, Amazon) on their loopback stubs, each with its
// own channel policy. Reports per channel the provider calls made (and the coalescing ratio:
// stock changes per call), the publish lag (stock fact time → channel acknowledgment, p50/p99,
// from GET /v1/ops/publishing), how long until every stub held Switchyard's final figure, and
// whether the last figure each stub holds equals Switchyard's for every SKU.
//
// Run alone: BENCH_ONLY=publishing npm run bench (writes the `publishing` key of
// bench/results.json). The full run calls runPublishing on its own system after the other
// scenarios.
import { startAmazonStub } from "../scripts/stubs/amazon.mjs";
import { startBigCommerceStub } from "../scripts/stubs/bigcommerce.mjs";
import { startShopifyStub } from "../scripts/stubs/shopify.mjs";
import { startWooCommerceStub } from "../scripts/stubs/woocommerce.mjs";
import { api, log, pct, sleep } from "./lib.mjs";

export const PUBLISH_CHANGES = Number(process.env.BENCH_PUBLISH_CHANGES ?? 10_000);
export const PUBLISH_SKUS = Number(process.env.BENCH_PUBLISH_SKUS ?? 1_000);
const CONVERGE_TIMEOUT_MS = Number(process.env.BENCH_PUBLISH_TIMEOUT_MS ?? 600_000);
const EVENTS_PER_POST = Number(process.env.BENCH_PUBLISH_PER_POST ?? 100);
const SHOPIFY_LOCATION = "gid://shopify/Location/1";

const CHANNELS = [
  { kind: "shopify", policy: { locations: ["DC1"] } },
  { kind: "woocommerce", policy: { locations: ["DC1"], percent: 80 } },
  { kind: "bigcommerce", policy: { locations: ["DC1"], buffer: 5 } },
  { kind: "amazon", policy: { locations: ["DC1"], max: 100 } },
];

function settings(kind, base) {
  switch (kind) {
    case "shopify":
      return { shopDomain: "bench.myshopify.com", accessToken: "shpat_stub_token", apiBaseUrl: base, publish: { enabled: true, locations: { DC1: SHOPIFY_LOCATION } } };
    case "woocommerce":
      return { consumerKey: "ck_stub_0123456789abcdef", consumerSecret: "cs_stub_fedcba9876543210", apiBaseUrl: base, publish: { enabled: true } };
    case "bigcommerce":
      return { storeHash: "stub123", apiToken: "bc_stub_token_0123456789", apiBaseUrl: base, publish: { enabled: true, locations: { DC1: "1" } } };
    default:
      return {
        lwaClientId: "amzn1.application-oa2-client.stub0123",
        lwaClientSecret: "amzn1.oa2-cs.v1.stubsecret0123456789",
        refreshToken: "Atzr|IwEBIstubrefreshtoken0123456789",
        sellerId: "A1STUBSELLER01",
        marketplaceIds: ["ATVPDKIKX0DER"],
        apiBaseUrl: base,
        lwaTokenUrl: `${base}/auth/o2/token`,
        publish: { enabled: true },
      };
  }
}

function seedBody(kind, skus) {
  if (kind === "shopify") return { items: skus.map((sku) => ({ sku, levels: { [SHOPIFY_LOCATION]: 0 } })) };
  if (kind === "woocommerce") return { products: skus.map((sku) => ({ sku, stock: 0 })) };
  if (kind === "bigcommerce") return { quota: 1_000_000, items: skus.map((sku) => ({ sku, levels: { 1: 0 } })) };
  return { listings: skus.map((sku) => ({ sku, quantity: 0 })) };
}

function held(kind, state) {
  const out = new Map();
  if (kind === "shopify") for (const i of state.items) out.set(i.sku, i.levels[SHOPIFY_LOCATION]);
  else if (kind === "woocommerce") for (const p of state.products) out.set(p.sku, p.stock_quantity);
  else if (kind === "bigcommerce") for (const i of state.items) out.set(i.sku, i.levels["1"]);
  else for (const l of state.listings) out.set(l.sku, l.quantity);
  return out;
}

/** A small seeded PRNG, so every run makes the same changes. */
function prng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const control = async (stub, tenant, action, body) => {
  const res = await fetch(`${stub.url}/_control/${tenant}/${action}`, body === undefined ? {} : { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
  if (!res.ok) throw new Error(`stub ${action} answered ${res.status}`);
  return res.json();
};

/** Switchyard's figure for every SKU on one channel (POST /v1/availability/query, 100 at a time). */
async function switchyardFigures(u, key, channel, skus) {
  const out = new Map();
  for (let i = 0; i < skus.length; i += 100) {
    const r = await api(u, "/v1/availability/query", { method: "POST", token: key, json: { channel, skus: skus.slice(i, i + 100) } });
    for (const it of r.body.items) out.set(it.sku, it.available);
  }
  return out;
}

/**
 * Runs the scenario against a running system `sys` ({ url, vars.ADMIN_TOKEN }).
 * @example const r = await runPublishing(sys); r.channels[0].coalescing
 */
export async function runPublishing(sys) {
  const u = sys.url;
  const A = sys.vars.ADMIN_TOKEN;
  const run = `bp${Date.now().toString(36)}`;
  const stubs = {
    shopify: await startShopifyStub({ unref: true }),
    woocommerce: await startWooCommerceStub({ unref: true }),
    bigcommerce: await startBigCommerceStub({ unref: true }),
    amazon: await startAmazonStub({ unref: true }),
  };
  try {
    const key = (await api(u, "/v1/admin/api-keys", { method: "POST", token: A, json: { name: `bench-publishing-${run}`, scopes: ["inventory:write", "availability:read", "ops:read"] } })).body.key;
    const skus = Array.from({ length: PUBLISH_SKUS }, (_, i) => `${run}-SKU-${String(i + 1).padStart(4, "0")}`);
    const conns = [];
    for (const c of CHANNELS) {
      const tenant = `${run}-${c.kind}`;
      const channel = `${run}-${c.kind}`;
      const connectionId = `${run}-pub-${c.kind}`;
      await control(stubs[c.kind], tenant, "seed", seedBody(c.kind, skus));
      await api(u, `/v1/admin/channels/${channel}/policy`, { method: "PUT", token: A, json: c.policy });
      await api(u, `/v1/admin/connections/${connectionId}`, { method: "PUT", token: A, json: { kind: c.kind, secret: `bench-${c.kind}-secret`, settings: { channel, ...settings(c.kind, `${stubs[c.kind].url}/t/${tenant}`) } } });
      conns.push({ ...c, tenant, channel, connectionId, stub: stubs[c.kind] });
    }
    log(`publishing: 4 connections on their stubs, ${skus.length} SKUs seeded; sending ${PUBLISH_CHANGES} stock changes …`);

    const rand = prng(11);
    const t0 = Date.now();
    let retries = 0;
    const changes = Array.from({ length: PUBLISH_CHANGES }, (_, i) => ({ i, sku: skus[Math.floor(rand() * skus.length)], onHand: Math.floor(rand() * 200) }));
    // One POST at a time, each stamped when it is sent: the lag is measured from a fact's arrival,
    // and a SKU's later change always carries a later asOf.
    for (let i = 0; i < changes.length; i += EVENTS_PER_POST) {
      const sentAt = Date.now();
      const events = changes.slice(i, i + EVENTS_PER_POST).map((c, j) => ({
        eventId: `${run}-chg-${c.i}`,
        source: "erp",
        type: "snapshot",
        sku: c.sku,
        location: "DC1",
        asOf: new Date(sentAt + j).toISOString(),
        quantities: { onHand: c.onHand, committed: 0 },
      }));
      // A loaded local system may answer 408/429/5xx: a client sends the same events again (ids dedupe).
      for (let attempt = 1; ; attempt++) {
        const r = await api(u, "/v1/inventory/events", { method: "POST", token: key, json: { events }, expect: null }).catch((e) => ({ status: 0, error: e }));
        if (r.status === 202) break;
        if (attempt >= 8) throw new Error(`POST /v1/inventory/events kept failing (${r.status})`);
        retries++;
        await sleep(500 * attempt);
      }
    }
    const sentMs = Date.now() - t0;
    log(`publishing: ${PUBLISH_CHANGES} changes accepted in ${(sentMs / 1000).toFixed(1)} s; waiting for every stub to hold Switchyard's figures …`);

    // Converged when, for every channel, Switchyard's figure equals the stub's for every SKU.
    const deadline = Date.now() + CONVERGE_TIMEOUT_MS;
    const report = new Map();
    for (;;) {
      let all = true;
      for (const c of conns) {
        if (report.get(c.kind)?.converged) continue;
        const [ours, state] = await Promise.all([switchyardFigures(u, key, c.channel, skus), control(c.stub, c.tenant, "state")]);
        const theirs = held(c.kind, state);
        const mismatched = skus.filter((s) => ours.get(s) !== theirs.get(s));
        const converged = mismatched.length === 0;
        report.set(c.kind, { converged, convergedAfterMs: converged ? Date.now() - t0 : null, mismatched: mismatched.length, example: mismatched[0] ? { sku: mismatched[0], switchyard: ours.get(mismatched[0]), channel: theirs.get(mismatched[0]) } : null });
        if (!converged) all = false;
      }
      if (all || Date.now() > deadline) break;
      await sleep(1000);
    }

    const ops = (await api(u, "/v1/ops/publishing?limit=0", { token: key })).body;
    const channels = [];
    for (const c of conns) {
      const calls = (await control(c.stub, c.tenant, "calls")).calls;
      const v = ops.connections.find((x) => x.connectionId === c.connectionId) ?? {};
      const r = report.get(c.kind);
      const row = {
        channel: c.kind,
        policy: c.policy,
        calls: calls.length,
        coalescing: Number((PUBLISH_CHANGES / Math.max(1, calls.length)).toFixed(1)),
        batches: v.batches ?? null,
        figuresAcknowledged: v.acknowledged ?? null,
        lagP50Ms: v.lagMs?.p50 ?? null,
        lagP99Ms: v.lagMs?.p99 ?? null,
        convergedAfterS: r.convergedAfterMs === null ? null : Number((r.convergedAfterMs / 1000).toFixed(1)),
        lastFigureEqualsSwitchyard: r.converged,
        mismatchedSkus: r.mismatched,
        ...(r.example ? { example: r.example } : {}),
        dead: v.items?.dead ?? null,
        rejected: v.items?.rejected ?? null,
      };
      channels.push(row);
      log(`publishing ${c.kind}: ${row.calls} calls (×${row.coalescing} coalescing), lag p50 ${row.lagP50Ms} ms p99 ${row.lagP99Ms} ms, converged ${row.lastFigureEqualsSwitchyard ? `after ${row.convergedAfterS} s` : `NO (${row.mismatchedSkus} SKUs differ)`}`);
    }
    const lags = channels.flatMap((c) => [c.lagP50Ms]).filter((x) => x !== null);
    return {
      changes: PUBLISH_CHANGES,
      skus: PUBLISH_SKUS,
      connections: conns.length,
      changesAcceptedS: Number((sentMs / 1000).toFixed(1)),
      postRetries: retries,
      allEqual: channels.every((c) => c.lastFigureEqualsSwitchyard),
      medianOfP50Ms: lags.length ? pct(lags, 50) : null,
      channels,
    };
  } finally {
    await Promise.allSettled(Object.values(stubs).map((s) => s.close()));
  }
}

/** A table of the scenario's figures, for the log. */
export function renderPublishing(r) {
  const head = "channel      | calls | changes/call | lag p50 ms | lag p99 ms | equal | converged s";
  const rows = r.channels.map((c) => `${c.channel.padEnd(12)} | ${String(c.calls).padStart(5)} | ${String(c.coalescing).padStart(12)} | ${String(c.lagP50Ms).padStart(10)} | ${String(c.lagP99Ms).padStart(10)} | ${c.lastFigureEqualsSwitchyard ? "yes  " : "NO   "} | ${c.convergedAfterS ?? "-"}`);
  return [`publishing: ${r.changes} stock changes over ${r.skus} SKUs, ${r.connections} connections`, head, ...rows].join("\n");
}
