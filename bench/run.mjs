#!/usr/bin/env node
// `npm run bench`: Switchyard measured side by side with a bare Worker on the same runtime.
//
// Fresh state, the system started the way `npm run dev` starts it (one `wrangler dev` with the
// three Workers, local D1 migrated, the ERP simulator in-process), plus the bare reference Worker
// (bench/reference). Each scenario runs for a fixed duration at a fixed concurrency with
// autocannon; workerd memory and CPU are sampled from /proc. Then the cost model (bench/cost.mjs).
// Writes bench/results.json and the "Latest results" block of bench/README.md.
//
// Knobs (environment): BENCH_DURATION (s per scenario, default 8), BENCH_SWEEP_DURATION (default 3),
// BENCH_CONNECTIONS (default 32), BENCH_SKIP_COST=1, BENCH_SKIP_SWEEP=1; BENCH_RENDER_ONLY=1 only
// re-renders bench/README.md's result blocks from bench/results.json.
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem, release } from "node:os";
import { join } from "node:path";
import { runCostModel } from "./cost.mjs";
import { codeIdentity, d1Query, ROOT, snapshotCheckout, startBare, startDevSystem } from "./launch.mjs";
import { api, load, pct, ProcSampler, shopifyDelivery, shopifyOrderTemplate, sleep, until } from "./lib.mjs";

const DUR = Number(process.env.BENCH_DURATION ?? 8);
const SWEEP_DUR = Number(process.env.BENCH_SWEEP_DURATION ?? 3);
const C = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DUP_C = 64;
const SWEEP = [1, 8, 32, 64];
const HOT_UNITS = 600;
const E2E_RATE = 10; // orders/s offered in the end-to-end runs (paced, so the ERP queue does not back up)
const SHOP_SECRET = "bench-shopify-secret-0123";
const SHOP_CHANNEL = "bench-shop";
const AVAIL_CHANNEL = "bench-avail";
const HOT_CHANNEL = "bench-hot";
const HOT_SKU = "HOT-1";
const BATCH_SKUS = Array.from({ length: 50 }, (_, i) => `AV-B${String(i + 1).padStart(3, "0")}`);
/** For the "SKUs spread" ingest variant: each order's three lines drawn from this catalogue. */
const SPREAD_SKUS = Array.from({ length: 300 }, (_, i) => `SPREAD-${String(i + 1).padStart(3, "0")}`);

const began = Date.now();
const log = (...a) => console.log(`[bench +${((Date.now() - began) / 1000).toFixed(0).padStart(3)}s]`, ...a);
const mb = (b) => Math.round(b / 1024 / 1024);

function versions() {
  const pkg = (p) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, "node_modules", p, "package.json"), "utf8")).version;
    } catch {
      return null;
    }
  };
  return { node: process.version, wrangler: pkg("wrangler"), workerd: pkg("workerd"), miniflare: pkg("miniflare"), autocannon: pkg("autocannon") };
}

function machine() {
  return { cpuModel: cpus()[0]?.model ?? "unknown", cores: cpus().length, memoryGiB: Number((totalmem() / 1024 ** 3).toFixed(1)), kernel: release(), loadavgAtStart: loadavg().map((x) => Number(x.toFixed(2))) };
}

function compatDate() {
  const m = /^compatibility_date\s*=\s*"([^"]+)"/m.exec(readFileSync(join(ROOT, "wrangler.toml"), "utf8"));
  return m?.[1];
}

const scenarios = [];
function record(s) {
  scenarios.push(s);
  if (s.skipped) log(`${s.name}: skipped — ${s.skipped}`);
  else log(`${s.name}: ${s.rps} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms, max ${s.max} ms, non2xx ${s.non2xx}, errors ${s.errors}${s.peakRssMB ? `, peak RSS ${s.peakRssMB} MB` : ""}`);
  return s;
}

async function main() {
  if (process.env.BENCH_RENDER_ONLY) {
    // Re-renders the README blocks from bench/results.json (after editing the README's prose).
    const r = JSON.parse(readFileSync(join(ROOT, "bench", "results.json"), "utf8"));
    updateReadme(r, renderTable(r).markdown);
    return;
  }
  log(`machine: ${JSON.stringify(machine())}`);
  const code = codeIdentity();
  const snap = snapshotCheckout();
  log(`serving a snapshot of the checkout (commit ${code.commit?.slice(0, 10)}, ${code.uncommittedFiles} uncommitted files) from ${snap.root}`);
  let sys;
  let bare;
  try {
    [sys, bare] = await Promise.all([startDevSystem({ root: snap.root }), startBare({ compatibilityDate: compatDate() })]);
  } catch (e) {
    await Promise.allSettled([sys?.stop(), bare?.stop()]);
    snap.remove();
    throw e;
  }
  log(`system up on ${sys.url} (launcher ${sys.launcher}), bare reference on ${bare.url}`);
  const sampler = new ProcSampler({ system: sys.workerdPids, bare: bare.workerdPids });
  const results = { machine: machine(), versions: versions(), code, date: new Date().toISOString(), compatibilityDate: compatDate(), settings: { durationS: DUR, sweepDurationS: SWEEP_DUR, connections: C, dupConnections: DUP_C, sweep: SWEEP, hotUnits: HOT_UNITS, e2eRate: E2E_RATE }, launcher: sys.launcher };
  try {
    await runScenarios(sys, bare, sampler, results);
  } finally {
    sampler.stop();
    results.peakRssMB = { system: mb(sampler.overall.system ?? 0), bare: mb(sampler.overall.bare ?? 0) };
    await Promise.all([sys.stop(), bare.stop()]);
    log("system and reference stopped");
  }
  if (!process.env.BENCH_SKIP_COST) {
    log("cost model: one order through an instrumented copy of the system …");
    try {
      results.cost = await runCostModel({ root: snap.root, cpuMsPerOrder: results.cpuMsPerOrder ?? null, log: (...a) => console.log(...a) });
    } catch (e) {
      results.cost = { error: String(e?.message ?? e) };
      log(`cost model failed: ${results.cost.error}`);
    }
  }
  snap.remove();
  results.scenarios = scenarios;
  results.targets = evaluateTargets(results);
  results.totalSeconds = Math.round((Date.now() - began) / 1000);
  results.loadavgAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
  writeFileSync(join(ROOT, "bench", "results.json"), JSON.stringify(results, null, 2) + "\n");
  const table = renderTable(results);
  console.log("\n" + table.text);
  console.log("\n" + renderTargets(results.targets));
  updateReadme(results, table.markdown);
  log(`done in ${results.totalSeconds}s; wrote bench/results.json and bench/README.md`);
}

async function runScenarios(sys, bare, sampler, results) {
  const u = sys.url;
  const A = sys.vars.ADMIN_TOKEN;
  const template = shopifyOrderTemplate();
  const fixtureSkus = [...new Set(template.line_items.map((l) => l.sku))];

  // --- setup through the public admin and partner APIs
  await api(u, "/v1/admin/connections/bench-shopify", { method: "PUT", token: A, json: { kind: "shopify", secret: SHOP_SECRET, settings: { channel: SHOP_CHANNEL } } });
  const key = (await api(u, "/v1/admin/api-keys", { method: "POST", token: A, json: { name: "bench", scopes: ["orders:write", "orders:read", "inventory:write", "availability:read", "shipments:write", "ops:read"] } })).body.key;
  await api(u, `/v1/admin/channels/${AVAIL_CHANNEL}/policy`, { method: "PUT", token: A, json: { locations: ["DC1"] }, expect: null });
  const asOf = new Date(Date.now() - 60_000).toISOString();
  const stock = [
    ...fixtureSkus.map((sku) => [sku, 10_000_000]),
    ["AV-ONE", 1_000_000],
    ["AV-LOW", 3],
    ...BATCH_SKUS.map((sku) => [sku, 1_000_000]),
    [HOT_SKU, HOT_UNITS],
    ...SPREAD_SKUS.map((sku) => [sku, 1_000_000]),
  ];
  const inv = await api(u, "/v1/inventory/events", {
    method: "POST",
    token: key,
    json: { events: stock.map(([sku, onHand]) => ({ eventId: `bench-snap-${sku}`, source: "erp", type: "snapshot", sku, location: "DC1", asOf, quantities: { onHand, committed: 0 } })) },
    expect: null,
  });
  const inventoryOk = inv.status === 202;
  if (!inventoryOk) log(`POST /v1/inventory/events answered ${inv.status}: stock-dependent scenarios will be skipped`);

  const avail = (sku) => api(u, `/v1/availability/${sku}?channel=${AVAIL_CHANNEL}`, { token: key, expect: null });
  const probe = await avail("AV-ONE");
  const availSkip = probe.status === 404 ? "GET /v1/availability/{sku} answered 404 (endpoint not built yet)" : probe.status !== 200 ? `GET /v1/availability/{sku} answered ${probe.status}` : null;
  if (!availSkip) {
    // The SKU's projection reaches KV from its DO alarm, about a second after the snapshot.
    const cached = await until(async () => (await avail("AV-ONE")).body?.source === "cache" && (await avail(BATCH_SKUS[49])).body?.source === "cache", { timeoutMs: 15_000 });
    if (!cached) log("warning: AV-ONE never came from the KV projection; the single-SKU scenario measures whatever path answers");
  }

  const sample = { body: shopifyDelivery(template, SHOP_SECRET, 1).body };
  const bodyBytes = Buffer.byteLength(sample.body);
  results.webhookBodyBytes = bodyBytes;

  const run = async (name, target, opts, extra = {}) => {
    sampler.mark();
    const r = await load(opts);
    const w = sampler.window(target);
    return { name, target, ...r, peakRssMB: mb(w.peakRssBytes), cpuMs: Math.round(w.cpuMs), cpuMsPerRequest: r.requests ? Number((w.cpuMs / r.requests).toFixed(2)) : null, ...extra };
  };

  // --- bare reference
  const bareGet = record(await run("bare: no body", "bare", { url: `${bare.url}/`, connections: C, duration: DUR }));
  const bareBody = record(await run(`bare: ${bodyBytes} B body`, "bare", { url: `${bare.url}/body`, method: "POST", body: sample.body, headers: { "content-type": "application/json" }, connections: C, duration: DUR }));
  const vsGet = (s) => ({ ...s, reference: bareGet.name, rpsRatio: Number((s.rps / bareGet.rps).toFixed(3)), p99Ratio: Number((s.p99 / bareGet.p99).toFixed(2)) });
  const vsBody = (s) => ({ ...s, reference: bareBody.name, rpsRatio: Number((s.rps / bareBody.rps).toFixed(3)), p99Ratio: Number((s.p99 / bareBody.p99).toFixed(2)) });

  // --- availability
  const authz = { authorization: `Bearer ${key}` };
  if (availSkip) {
    for (const n of ["availability: single SKU (KV)", "availability: low-stock SKU (DO)", "availability: batch of 50 (KV)"]) record({ name: n, skipped: availSkip });
  } else {
    record(vsGet(await run("availability: single SKU (KV)", "system", { url: `${u}/v1/availability/AV-ONE?channel=${AVAIL_CHANNEL}`, headers: authz, connections: C, duration: DUR }, { path: "KV" })));
    record(vsGet(await run("availability: low-stock SKU (DO)", "system", { url: `${u}/v1/availability/AV-LOW?channel=${AVAIL_CHANNEL}`, headers: authz, connections: C, duration: DUR }, { path: "InventoryDO" })));
    const q = await api(u, "/v1/availability/query", { method: "POST", token: key, json: { channel: AVAIL_CHANNEL, skus: BATCH_SKUS }, expect: null });
    if (q.status === 404) record({ name: "availability: batch of 50 (KV)", skipped: "POST /v1/availability/query answered 404" });
    else
      record(
        vsGet(
          await run("availability: batch of 50 (KV)", "system", {
            url: `${u}/v1/availability/query`,
            method: "POST",
            headers: { ...authz, "content-type": "application/json" },
            body: JSON.stringify({ channel: AVAIL_CHANNEL, skus: BATCH_SKUS }),
            connections: C,
            duration: DUR,
          }, { path: "KV ×50" }),
        ),
      );
  }

  // --- hot SKU: concurrent single-unit orders against HOT_UNITS units
  let expectedBookings = 0;
  if (!inventoryOk) record({ name: "hot SKU: POST /v1/orders, 1 unit each", skipped: `stock could not be loaded (POST /v1/inventory/events answered ${inv.status})` });
  else {
    const hot = { reserved: 0, rejected: 0, firstAt: null, lastReservedAt: null, statuses: {} };
    let seq = 0;
    const runId = randomUUID().slice(0, 8);
    const amount = Math.round(HOT_UNITS * 1.25);
    const s = await run("hot SKU: POST /v1/orders, 1 unit each", "system", {
      url: `${u}/v1/orders`,
      connections: C,
      amount,
      hardStopMs: 60_000,
      requests: [
        {
          method: "POST",
          setupRequest: (req) => {
            const n = ++seq;
            hot.firstAt ??= Date.now();
            return {
              ...req,
              method: "POST",
              path: "/v1/orders",
              headers: { ...authz, "content-type": "application/json", "idempotency-key": `hot-${runId}-${n}` },
              body: JSON.stringify({ channel: HOT_CHANNEL, externalId: `HOT-${runId}-${n}`, customer: { id: "BENCH" }, currency: "USD", lines: [{ sku: HOT_SKU, quantity: 1 }] }),
            };
          },
          onResponse: (status, body) => {
            hot.statuses[status] = (hot.statuses[status] ?? 0) + 1;
            try {
              const r = JSON.parse(body).lines?.[0]?.reserved ?? 0;
              if (r > 0) {
                hot.reserved += r;
                hot.lastReservedAt = Date.now();
              } else hot.rejected++;
            } catch {
              /* problem+json */
            }
          },
        },
      ],
    });
    const spanS = hot.lastReservedAt && hot.firstAt ? (hot.lastReservedAt - hot.firstAt) / 1000 : null;
    // Authoritative check after the fact: the SKU's own figure and the D1 projection of the order lines.
    const doFigure = (await api(u, `/v1/availability/${HOT_SKU}?channel=${HOT_CHANNEL}`, { token: key, expect: null })).body;
    let d1Reserved = null;
    try {
      d1Reserved = (await d1Query(sys.persistTo, `SELECT COALESCE(SUM(reserved),0) AS n FROM order_lines WHERE sku = '${HOT_SKU}'`))[0][0].n;
    } catch (e) {
      log(`D1 check failed: ${e.message.split("\n")[0]}`);
    }
    const reservedSeen = Math.max(hot.reserved, d1Reserved ?? 0);
    expectedBookings += hot.reserved;
    record({
      ...s,
      stockUnits: HOT_UNITS,
      reservedFromAnswers: hot.reserved,
      reservedInD1: d1Reserved,
      refusedForStock: hot.rejected,
      availableAfter: doFigure?.available ?? null,
      oversold: Math.max(0, reservedSeen - HOT_UNITS),
      reservationsPerSecond: spanS ? Number((hot.reserved / spanS).toFixed(1)) : null,
    });
    log(`hot SKU: ${hot.reserved}/${HOT_UNITS} reserved (D1 ${d1Reserved}), ${hot.rejected} refused, available after ${doFigure?.available}, oversold ${Math.max(0, reservedSeen - HOT_UNITS)}, ${spanS ? (hot.reserved / spanS).toFixed(0) : "?"} reservations/s`);
  }
  await drain(sys, expectedBookings, "after hot SKU");

  // --- duplicate storm: one delivery, many copies at once
  const dupNo = 700_000_000 + Math.floor(Math.random() * 1e6);
  const dup = shopifyDelivery(template, SHOP_SECRET, dupNo);
  const dupSeen = { accepted: 0, duplicate: 0, other: 0 };
  const dupS = await run("duplicate storm: same delivery", "system", {
    url: `${u}/v1/webhooks/bench-shopify`,
    connections: DUP_C,
    duration: DUR,
    requests: [
      {
        method: "POST",
        headers: dup.headers,
        body: dup.body,
        onResponse: (status, body) => {
          const st = status === 200 ? (JSON.parse(body).status ?? "other") : "other";
          dupSeen[st in dupSeen ? st : "other"]++;
        },
      },
    ],
  });
  await until(() => [...sys.erp.state.bookings.values()].some((b) => b.externalId === String(dupNo)), { timeoutMs: 10_000 });
  await sleep(1500);
  const dupBookings = [...sys.erp.state.bookings.values()].filter((b) => b.externalId === String(dupNo)).length;
  const dupAttempts = [...sys.erp.state.externalIds.entries()].filter(([, x]) => x === String(dupNo)).map(([id]) => sys.erp.state.attempts.get(id) ?? 0);
  record(vsBody({ ...dupS, answers: dupSeen, erpBookings: dupBookings, erpPostsForOrder: dupAttempts.reduce((a, b) => a + b, 0), secondBookings: Math.max(0, dupBookings - 1) }));

  // --- webhook ingest: unique orders and unique deliveries, each signed
  let orderNo = 800_000_000 + Math.floor(Math.random() * 1e6) * 10;
  const ingestSeen = { accepted: 0, other: 0 };
  const spread = (n) => ({ ...template, line_items: template.line_items.map((l, i) => ({ ...l, sku: SPREAD_SKUS[(n * 7 + i * 101) % SPREAD_SKUS.length] })) });
  const ingestReq = (seen, sent, { spreadSkus = false } = {}) => ({
    method: "POST",
    setupRequest: (req, ctx) => {
      const n = ++orderNo;
      const d = shopifyDelivery(spreadSkus ? spread(n) : template, SHOP_SECRET, n);
      ctx.n = n;
      sent?.set(String(n), Date.now());
      return { ...req, method: "POST", path: "/v1/webhooks/bench-shopify", headers: d.headers, body: d.body };
    },
    onResponse: (status, body) => {
      try {
        if (status === 200 && JSON.parse(body).status === "accepted") seen.accepted++;
        else {
          seen.other++;
          if ((seen.samples ??= []).length < 3) seen.samples.push(`${status} ${body.slice(0, 200)}`);
        }
      } catch {
        seen.other++;
      }
    },
  });
  const bookedBefore = sys.erp.state.bookings.size;
  const cpuBefore = sampler.cpu("system");
  const ing = await run("webhook ingest: unique orders", "system", { url: `${u}/v1/webhooks/bench-shopify`, connections: C, duration: DUR, requests: [ingestReq(ingestSeen)] });
  record(vsBody({ ...ing, answers: ingestSeen }));
  const drained = await drain(sys, bookedBefore + ingestSeen.accepted, "after ingest");
  const cpuTotal = sampler.cpu("system") - cpuBefore;
  if (sys.erp.state.bookings.size - bookedBefore >= ingestSeen.accepted * 0.95 && ingestSeen.accepted > 0 && cpuTotal > 0) {
    results.cpuMsPerOrder = Number((cpuTotal / ingestSeen.accepted).toFixed(2));
    results.cpuMsPerOrderNote = `workerd CPU (user+sys) during the ingest scenario and its ERP drain (${ingestSeen.accepted} orders, ${Math.round(cpuTotal)} ms): ingest + reservation + dispatch + projection, including the local D1/KV/DO simulators — an upper bound on billed Worker CPU`;
  }
  results.dispatchDrain = drained;

  // Diagnostic variant: the same webhook, but each order's three lines on SKUs drawn from 300, so
  // orders do not all queue on the fixture's three InventoryDOs.
  if (inventoryOk) {
    const seenSpread = { accepted: 0, other: 0 };
    const before2 = sys.erp.state.bookings.size;
    const sp = await run("webhook ingest: SKUs spread (diagnostic)", "system", { url: `${u}/v1/webhooks/bench-shopify`, connections: C, duration: DUR, requests: [ingestReq(seenSpread, null, { spreadSkus: true })] });
    record(vsBody({ ...sp, answers: seenSpread }));
    await drain(sys, before2 + seenSpread.accepted, "after spread ingest");
  }

  // --- end to end: order submitted → ERP booked, with the ERP at 0 ms and at 2 s
  for (const latencyMs of [0, 2000]) {
    await fetch(`${sys.erp.url}/_sim/faults`, { method: "PUT", body: JSON.stringify({ latencyMs }) });
    const sent = new Map();
    const seen = { accepted: 0, other: 0 };
    const s = await run(`end to end: ERP at ${latencyMs} ms`, "system", { url: `${u}/v1/webhooks/bench-shopify`, connections: 4, duration: DUR, overallRate: E2E_RATE, requests: [ingestReq(seen, sent)] });
    const deadline = Date.now() + (latencyMs ? 60_000 : 20_000);
    let e2e = [];
    for (;;) {
      e2e = [];
      for (const b of sys.erp.state.bookings.values()) {
        const t = sent.get(String(b.externalId));
        if (t !== undefined) e2e.push(Date.parse(b.bookedAt) - t);
      }
      if (e2e.length >= seen.accepted || Date.now() > deadline) break;
      await sleep(250);
    }
    record({
      ...vsBody(s),
      erpLatencyMs: latencyMs,
      offeredRate: E2E_RATE,
      ackP99: s.p99,
      booked: e2e.length,
      accepted: seen.accepted,
      e2eP50: pct(e2e, 50),
      e2eP99: pct(e2e, 99),
      e2eMax: pct(e2e, 100),
    });
    log(`  e2e (ERP ${latencyMs} ms): ${e2e.length}/${seen.accepted} booked, p50 ${pct(e2e, 50)} ms, p99 ${pct(e2e, 99)} ms; ack p99 ${s.p99} ms`);
  }
  await fetch(`${sys.erp.url}/_sim/faults`, { method: "PUT", body: JSON.stringify({ latencyMs: 0 }) });

  // --- scale: concurrency sweep
  if (!process.env.BENCH_SKIP_SWEEP) {
    results.sweep = { availability: [], ingest: [], bareGet: [], bareBody: [] };
    for (const c of SWEEP) {
      const b = await run(`sweep bare no body c=${c}`, "bare", { url: `${bare.url}/`, connections: c, duration: SWEEP_DUR });
      results.sweep.bareGet.push(b);
      if (!availSkip) {
        const a = await run(`sweep availability c=${c}`, "system", { url: `${u}/v1/availability/AV-ONE?channel=${AVAIL_CHANNEL}`, headers: authz, connections: c, duration: SWEEP_DUR });
        results.sweep.availability.push({ ...a, rpsRatio: Number((a.rps / b.rps).toFixed(3)) });
        log(`sweep availability c=${c}: ${a.rps} req/s (bare ${b.rps}), p50 ${a.p50} ms, p99 ${a.p99} ms`);
      }
    }
    for (const c of SWEEP) {
      const b = await run(`sweep bare body c=${c}`, "bare", { url: `${bare.url}/body`, method: "POST", body: sample.body, headers: { "content-type": "application/json" }, connections: c, duration: SWEEP_DUR });
      results.sweep.bareBody.push(b);
      const seen = { accepted: 0, other: 0 };
      const bookedBefore = sys.erp.state.bookings.size;
      const i = await run(`sweep ingest c=${c}`, "system", { url: `${u}/v1/webhooks/bench-shopify`, connections: c, duration: SWEEP_DUR, requests: [ingestReq(seen)] });
      results.sweep.ingest.push({ ...i, accepted: seen.accepted, rpsRatio: Number((i.rps / b.rps).toFixed(3)) });
      log(`sweep ingest c=${c}: ${i.rps} req/s (bare ${b.rps}), p50 ${i.p50} ms, p99 ${i.p99} ms, accepted ${seen.accepted}`);
      // Let the dispatch backlog clear so the next level is not measured against it.
      if (c !== SWEEP.at(-1)) await drain(sys, bookedBefore + seen.accepted, null, 30_000);
    }
  }
}

/** Waits until the ERP simulator has booked `expected` orders (or stops growing); returns the drain rate. */
async function drain(sys, expected, label, capMs = 45_000) {
  const t0 = Date.now();
  const start = sys.erp.state.bookings.size;
  let last = start;
  let lastChange = Date.now();
  await until(
    () => {
      const n = sys.erp.state.bookings.size;
      if (n !== last) (last = n), (lastChange = Date.now());
      return n >= expected || Date.now() - lastChange > 3000;
    },
    { timeoutMs: capMs, everyMs: 200 },
  );
  const booked = sys.erp.state.bookings.size - start;
  const s = (Date.now() - t0) / 1000;
  if (label) log(`drain ${label}: ${sys.erp.state.bookings.size}/${expected} booked after ${s.toFixed(1)} s`);
  return { expected, bookedTotal: sys.erp.state.bookings.size, booked, seconds: Number(s.toFixed(1)) };
}

// --- targets, table, README -------------------------------------------------------------------

const byName = (r, prefix) => r.scenarios.find((s) => s.name.startsWith(prefix) && !s.skipped);

function evaluateTargets(r) {
  const t = [];
  const add = (target, measured, met, note = "") => t.push({ target, measured, met, note });
  const ing = byName(r, "webhook ingest");
  const bb = r.scenarios.find((s) => s.name.startsWith("bare:") && s.name.includes(" B body"));
  if (ing && bb) {
    add("webhook ingest ≥ 50% of same-size-body bare throughput", `${(ing.rpsRatio * 100).toFixed(1)}% (${ing.rps} vs ${bb.rps} req/s)`, ing.rpsRatio >= 0.5, ing.rpsRatio >= 0.5 ? "" : `short by ${((0.5 - ing.rpsRatio) * 100).toFixed(1)} points (needs ${(0.5 * bb.rps).toFixed(0)} req/s, ${((0.5 * bb.rps) / ing.rps).toFixed(1)}× today)`);
    add("webhook ack p99 ≤ 2× bare p99", `${ing.p99} ms vs ${bb.p99} ms (${ing.p99Ratio}×)`, ing.p99Ratio <= 2, ing.p99Ratio <= 2 ? "" : `${(ing.p99Ratio / 2).toFixed(1)}× over the allowance`);
  }
  const a1 = byName(r, "availability: single");
  if (a1) add("availability single SKU ≥ 85% of bare", `${(a1.rpsRatio * 100).toFixed(1)}% (${a1.rps} req/s)`, a1.rpsRatio >= 0.85, a1.rpsRatio >= 0.85 ? "" : `short by ${((0.85 - a1.rpsRatio) * 100).toFixed(1)} points`);
  else add("availability single SKU ≥ 85% of bare", "skipped", null, r.scenarios.find((s) => s.name.startsWith("availability: single"))?.skipped ?? "");
  const a50 = byName(r, "availability: batch");
  if (a50) add("availability batch-50 ≥ 40% of bare", `${(a50.rpsRatio * 100).toFixed(1)}% (${a50.rps} req/s)`, a50.rpsRatio >= 0.4, a50.rpsRatio >= 0.4 ? "" : `short by ${((0.4 - a50.rpsRatio) * 100).toFixed(1)} points`);
  else add("availability batch-50 ≥ 40% of bare", "skipped", null, r.scenarios.find((s) => s.name.startsWith("availability: batch"))?.skipped ?? "");
  const e0 = byName(r, "end to end: ERP at 0");
  const e2 = byName(r, "end to end: ERP at 2000");
  if (e0 && e2) {
    const ratio = e2.ackP99 / e0.ackP99;
    add("ack p99 with ERP at 2 s within 10% of ERP at 0 ms", `${e2.ackP99} ms vs ${e0.ackP99} ms (${((ratio - 1) * 100).toFixed(1)}%)`, ratio <= 1.1, ratio <= 1.1 ? "" : `${((ratio - 1.1) * 100).toFixed(1)} points over`);
  }
  const hot = byName(r, "hot SKU");
  if (hot) {
    add("hot SKU ≥ 300 reservations/s", `${hot.reservationsPerSecond} reservations/s`, (hot.reservationsPerSecond ?? 0) >= 300, (hot.reservationsPerSecond ?? 0) >= 300 ? "" : `short by ${(300 - (hot.reservationsPerSecond ?? 0)).toFixed(0)}/s (${((300 / (hot.reservationsPerSecond || 1)) || 0).toFixed(1)}× needed)`);
    add("hot SKU: zero oversell", `${hot.oversold} oversold (${hot.reservedFromAnswers} reserved of ${hot.stockUnits}; D1 ${hot.reservedInD1}; available after ${hot.availableAfter})`, hot.oversold === 0);
  } else add("hot SKU ≥ 300 reservations/s, zero oversell", "skipped", null, r.scenarios.find((s) => s.name.startsWith("hot SKU"))?.skipped ?? "");
  const dup = byName(r, "duplicate storm");
  if (dup) {
    add("duplicate storm: zero second bookings", `${dup.secondBookings} second bookings (${dup.answers.accepted} accepted, ${dup.answers.duplicate} duplicate answers; ${dup.erpPostsForOrder} ERP POSTs)`, dup.secondBookings === 0 && dup.answers.accepted <= 1);
    const ing64 = r.sweep?.ingest?.find((x) => x.connections === DUP_C);
    const ref = ing64 ?? ing;
    if (ref) add(`duplicate storm throughput ≥ unique ingest`, `${dup.rps} vs ${ref.rps} req/s (unique ingest at c=${ref.connections})`, dup.rps >= ref.rps, dup.rps >= ref.rps ? "" : `${((1 - dup.rps / ref.rps) * 100).toFixed(1)}% lower`);
  }
  return t;
}

function fmt(x) {
  return x === null || x === undefined ? "–" : String(x);
}

function renderTable(r) {
  const head = ["scenario", "conc", "req/s", "p50 ms", "p99 ms", "max ms", "non2xx/err", "vs bare (req/s, p99)", "workerd CPU ms/req", "workerd peak RSS"];
  const rows = r.scenarios.map((s) =>
    s.skipped
      ? [s.name, "", "skipped", "", "", "", "", s.skipped, "", ""]
      : [
          s.name,
          fmt(s.connections) + (s.offeredRate ? ` @${s.offeredRate}/s` : ""),
          fmt(s.rps),
          fmt(s.p50),
          fmt(s.p99),
          fmt(s.max),
          `${s.non2xx}/${s.errors + s.timeouts}`,
          s.offeredRate ? `paced; p99 ${s.p99Ratio}×` : s.rpsRatio !== undefined ? `${(s.rpsRatio * 100).toFixed(0)}%, ${s.p99Ratio}×` : s.target === "bare" ? "reference" : "–",
          fmt(s.cpuMsPerRequest),
          `${s.peakRssMB} MB`,
        ],
  );
  const extra = [];
  for (const s of r.scenarios) {
    if (s.skipped) continue;
    if (s.name.startsWith("hot SKU")) extra.push(`hot SKU: ${s.reservedFromAnswers}/${s.stockUnits} units reserved at ${s.reservationsPerSecond} reservations/s, ${s.refusedForStock} refused for stock, oversold ${s.oversold} (D1 reserved ${s.reservedInD1}, DO available after ${s.availableAfter})`);
    if (s.name.startsWith("duplicate storm")) extra.push(`duplicate storm: ${s.answers.accepted} accepted / ${s.answers.duplicate} duplicate / ${s.answers.other} other answers; ERP bookings for the order: ${s.erpBookings} (second bookings ${s.secondBookings})`);
    if (s.name.startsWith("end to end")) extra.push(`end to end, ERP at ${s.erpLatencyMs} ms (${s.offeredRate} orders/s offered): ack p99 ${s.ackP99} ms; order → ERP booked p50 ${s.e2eP50} ms, p99 ${s.e2eP99} ms (${s.booked}/${s.accepted} booked)`);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");
  const text = [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line), "", ...extra].join("\n");
  const md = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`), "", ...extra.map((e) => `- ${e}`)].join("\n");
  return { text, markdown: md };
}

function renderTargets(targets) {
  return ["Targets:", ...targets.map((t) => `  ${t.met === null ? "SKIP" : t.met ? "MET " : "MISS"}  ${t.target}: ${t.measured}${t.note ? ` — ${t.note}` : ""}`)].join("\n");
}

function renderSweep(r) {
  if (!r.sweep) return "";
  const rows = [];
  for (const [i, c] of SWEEP.entries()) {
    const a = r.sweep.availability[i];
    const g = r.sweep.bareGet[i];
    const w = r.sweep.ingest[i];
    const b = r.sweep.bareBody[i];
    rows.push(`| ${c} | ${g?.rps ?? "–"} | ${a ? `${a.rps} (${(a.rpsRatio * 100).toFixed(0)}%)` : "–"} | ${a ? `${a.p50} / ${a.p99}` : "–"} | ${b?.rps ?? "–"} | ${w ? `${w.rps} (${(w.rpsRatio * 100).toFixed(0)}%)` : "–"} | ${w ? `${w.p50} / ${w.p99}` : "–"} |`);
  }
  return [
    "| concurrency | bare no-body req/s | availability req/s (vs bare) | availability p50 / p99 ms | bare body req/s | ingest req/s (vs bare) | ingest p50 / p99 ms |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function replaceBlock(text, name, content) {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) return text;
  return text.slice(0, i) + start + "\n" + content + "\n" + text.slice(j);
}

function renderCost(c) {
  if (!c || c.error) return `Cost model: ${c?.error ?? "not run"}.`;
  const rows = c.lines.map((l) => `| ${l.item} | ${Number(l.units.toFixed(3))} | $${l.price} | $${l.usdPerMillionOrders.toFixed(2)} | ${l.how} |`);
  const stmts = Object.entries(c.units.rowsWrittenByStatement ?? {})
    .slice(0, 10)
    .map(([k, v]) => `| \`${k}\` | ${v.rowsWritten} | ${v.statements ?? "–"} |`);
  const reads = Object.entries(c.perRead ?? {}).map(([k, v]) => `| ${k} | ${v.workerRequests} | ${v.doRequests} | ${v.d1Queries} (${v.d1RowsRead} rows) | ${v.kvReads} | $${v.usdPerMillionReads} |`);
  return [
    `Flow: ${c.flow}.${c.shipment === "recorded" ? "" : ` Note: ${c.shipment}.`}`,
    "",
    "| unit | per order | price per M | $ per 1M orders | how |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    `| **total** | | | **$${c.usdPerMillionOrders}** | marginal list price beyond included usage, plus the $5/month plan |`,
    "",
    c.pendingAlarmsAfterWindow?.length ? `Still scheduled when the window closed: ${c.pendingAlarmsAfterWindow.map((a) => `${a.cls} alarm in ${Math.round(a.inSeconds / 3600)} h`).join(", ")} — ≈ $${c.estimatedPendingCost} per 1M orders more (estimated: 1 DO request each, plus their deletes).` : "",
    "",
    `DO requests per order by method: ${Object.entries(c.units.doRequestsByMethod).map(([k, v]) => `${k} ${v}`).join(", ")}, plus ${c.units.alarms} alarm runs. DO SQLite rows written by class: ${Object.entries(c.units.doRowsWrittenByClass ?? {}).map(([k, v]) => `${k} ${v}`).join(", ")}. D1 net new rows (outside-in cross-check, a lower bound on rows written): ${Object.entries(c.d1RowCountDelta).map(([k, v]) => `${k} +${v}`).join(", ")}.`,
    "",
    "Rows written per order, by statement (top 10):",
    "",
    "| statement | rows written | statements |",
    "| --- | --- | --- |",
    ...stmts,
    "",
    "Reads, per request (excluding CPU):",
    "",
    "| read | Worker requests | DO requests | D1 queries | KV reads | $ per 1M reads |",
    "| --- | --- | --- | --- | --- | --- |",
    ...reads,
  ].join("\n");
}

function renderProfile(c) {
  if (!c?.profile?.length) return "(no profile in the latest run)";
  const keys = Object.keys(c.profile[0].msPerOrder);
  return [
    `| ms per order | ${c.profile.map((p) => `${p.label}: ${p.ordersPerSecond} orders/s`).join(" | ")} |`,
    `| --- | ${c.profile.map(() => "---").join(" | ")} |`,
    ...keys.map((k) => `| ${k.replace(/^ +/, "↳ ")}${k.includes("statements") ? " (a count, not ms)" : ""} | ${c.profile.map((p) => p.msPerOrder[k]).join(" | ")} |`),
    `| D1 statements / DO requests per order | ${c.profile.map((p) => `${p.d1QueriesPerOrder} / ${p.doRequestsPerOrder}`).join(" | ")} |`,
  ].join("\n");
}

function updateReadme(r, tableMd) {
  const file = join(ROOT, "bench", "README.md");
  if (!existsSync(file)) return;
  let text = readFileSync(file, "utf8");
  const m = r.machine;
  const cost = r.cost && !r.cost.error ? `**Cost per million orders: $${r.cost.usdPerMillionOrders}** at list price (marginal, beyond included usage; breakdown in *Cost per million orders* below).` : `Cost model: ${r.cost?.error ?? "not run"}.`;
  const block = [
    `Run ${r.date} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB (load average at start ${m.loadavgAtStart.join(" / ")}); Node ${r.versions.node}, wrangler ${r.versions.wrangler}, workerd ${r.versions.workerd}, autocannon ${r.versions.autocannon}; compatibility date ${r.compatibilityDate}; code ${r.code?.commit?.slice(0, 10)} + ${r.code?.uncommittedFiles} uncommitted files; ${r.settings.durationS} s per scenario, ${r.settings.connections} connections (duplicate storm ${r.settings.dupConnections}); total ${r.totalSeconds} s. Peak workerd RSS: system ${r.peakRssMB.system} MB, bare ${r.peakRssMB.bare} MB (each \`wrangler dev\` runs two workerd processes: the dev proxy and the Workers).`,
    "",
    tableMd,
    "",
    renderTargets(r.targets)
      .split("\n")
      .slice(1)
      .map((l) => `- ${l.trim()}`)
      .join("\n"),
    "",
    r.cpuMsPerOrder ? `Worker CPU per order, measured: ${r.cpuMsPerOrder} ms (${r.cpuMsPerOrderNote}).` : "",
    "",
    cost,
    "",
    r.sweep ? `Concurrency sweep (${r.settings.sweepDurationS} s per level):\n\n${renderSweep(r)}` : "",
  ].join("\n");
  text = replaceBlock(text, "results", block);
  text = replaceBlock(text, "profile", renderProfile(r.cost));
  text = replaceBlock(text, "cost", renderCost(r.cost));
  writeFileSync(file, text);
}

await main();
