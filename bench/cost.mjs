// Cost model: one order flowing webhook → reservation → ERP → shipment, with every billable
// operation counted by instrumentation (bench/cost/meter.ts wraps the app's Workers and Durable
// Objects from outside; the app code is not edited), cross-checked against D1 table row counts
// taken with `wrangler d1 execute --local` before and after. Priced at Cloudflare's list prices.
//
//   node bench/cost.mjs            (standalone; `npm run bench` runs it at the end)
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { d1Query, startSystem } from "./launch.mjs";
import { api, shopifyDelivery, shopifyOrderTemplate, sleep, until } from "./lib.mjs";

/**
 * Workers Paid list prices (USD), marginal rate beyond the monthly included usage.
 * Source: Cloudflare developer docs, read from the cloudflare/cloudflare-docs repository
 * (src/content/docs/workers/platform/pricing.mdx and the partials it renders:
 * partials/workers/{kv_pricing,queues_pricing,d1-pricing,durable_objects_pricing,storage_api_pricing}.mdx),
 * the pages https://developers.cloudflare.com/workers/platform/pricing/ , /durable-objects/platform/pricing/ ,
 * /d1/platform/pricing/ , /kv/platform/pricing/ , /queues/platform/pricing/ ; looked up 2026-11-26.
 */
export const PRICES = {
  source:
    "Cloudflare docs pricing pages (workers/platform/pricing, durable-objects/platform/pricing, d1/platform/pricing, kv/platform/pricing, queues/platform/pricing), read from the cloudflare/cloudflare-docs repository on 2026-11-26",
  workerRequestsPerM: 0.3, // Workers Standard: 10M/month included, +$0.30/M
  workerCpuMsPerM: 0.02, // 30M CPU-ms/month included, +$0.02 per M CPU-ms
  doRequestsPerM: 0.15, // 1M included, +$0.15/M (RPC calls and alarm invocations each count)
  doGbSecondsPerM: 12.5, // 400,000 GB-s included, +$12.50/M GB-s; billed at 128 MB per active object
  doRowsReadPerM: 0.001, // SQLite-backed DO storage: 25B/month included, +$0.001/M
  doRowsWrittenPerM: 1.0, // 50M/month included, +$1.00/M; each setAlarm is one row written
  d1RowsReadPerM: 0.001, // 25B/month included, +$0.001/M
  d1RowsWrittenPerM: 1.0, // 50M/month included, +$1.00/M (index updates count as extra rows)
  kvReadsPerM: 0.5, // 10M/month included, +$0.50/M
  kvWritesPerM: 5.0, // 1M/month included, +$5.00/M (deletes and lists priced the same)
  queueOpsPerM: 0.4, // 1M/month included, +$0.40/M; write + read + delete per 64 KB message, +1 read per retry
  baseMonthly: 5.0, // Workers Paid subscription
};

const SHOP_SECRET = "bench-cost-shopify-secret";
/** Orders in the metered flow (counts are per order: totals ÷ ORDERS). */
const ORDERS = Math.max(1, Number(process.env.BENCH_COST_ORDERS ?? 10) || 10);

/** Every count divided by `n` (per order); alarm events kept as they are. */
function perOrder(m, n) {
  return { ...m, total: Object.fromEntries(Object.entries(m.total).map(([k, v]) => [k, v / n])) };
}
const CHANNEL = "bench-cost-shop";

function sumMeters(lines) {
  const total = {};
  const alarmByObject = new Map();
  const events = [];
  for (const l of lines) {
    for (const [k, v] of Object.entries(l.counts)) total[k] = (total[k] ?? 0) + v;
    if (l.alarmEvents) events.push(...l.alarmEvents);
  }
  for (const e of events.sort((a, b) => a.t - b.t)) alarmByObject.set(e.id, e);
  const pendingAlarms = [...alarmByObject.values()].filter((e) => e.at !== null);
  return { total, pendingAlarms };
}

const sumPrefix = (t, prefix) => Object.entries(t).filter(([k]) => k === prefix || (k.startsWith(prefix + ".") && k.split(".").length === prefix.split(".").length + 1)).reduce((s, [, v]) => s + v, 0);

/** Table of row counts per D1 table (the outside-in cross-check). */
async function d1Counts(persistTo) {
  const tables = (await d1Query(persistTo, "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations' ORDER BY name"))[0].map((r) => r.name);
  const [row] = (await d1Query(persistTo, `SELECT ${tables.map((t) => `(SELECT COUNT(*) FROM "${t}") AS "${t}"`).join(", ")}`))[0];
  return row;
}

/**
 * Runs the flow on a fresh instrumented system and returns measured units per order and cost.
 * `cpuMsPerOrder`: Worker CPU per order measured by the benchmark (workerd CPU time / orders);
 * without it a documented estimate is used.
 */
export async function runCostModel({ root, cpuMsPerOrder = null, log = console.log } = {}) {
  const meterLines = [];
  let recording = false;
  const onLine = (line) => {
    const i = line.indexOf("BENCH_METER ");
    if (i < 0 || !recording) return;
    try {
      meterLines.push(JSON.parse(line.slice(i + 12)));
    } catch {
      /* partial line */
    }
  };
  const sys = await startSystem({
    root,
    label: "cost",
    onLine,
    mains: {
      "wrangler.toml": "bench/cost/ingest.ts",
      "workers/dispatch/wrangler.toml": "bench/cost/dispatch.ts",
      "workers/availability/wrangler.toml": "bench/cost/availability.ts",
    },
  });
  const u = sys.url;
  const A = sys.vars.ADMIN_TOKEN;
  try {
    // --- setup (not counted): connection, key, the channel's policy, stock for the three SKUs
    await api(u, "/v1/admin/connections/bench-cost", { method: "PUT", token: A, json: { kind: "shopify", secret: SHOP_SECRET, settings: { channel: CHANNEL } } });
    const key = (await api(u, "/v1/admin/api-keys", { method: "POST", token: A, json: { name: "bench-cost", scopes: ["orders:read", "inventory:write", "availability:read", "shipments:write"] } })).body.key;
    await api(u, `/v1/admin/channels/${CHANNEL}/policy`, { method: "PUT", token: A, json: { locations: ["DC1"] } });
    const template = shopifyOrderTemplate();
    const skus = [...new Set(template.line_items.map((l) => l.sku))];
    const asOf = new Date(Date.now() - 60_000).toISOString();
    await api(u, "/v1/inventory/events", {
      method: "POST",
      token: key,
      json: { events: [...skus, "COST-AVAIL", "COST-LOW"].map((sku) => ({ eventId: `cost-snap-${sku}`, source: "erp", type: "snapshot", sku, location: "DC1", asOf, quantities: { onHand: sku === "COST-LOW" ? 3 : 100000, committed: 0 } })) },
    });
    // Warm the isolates' caches the way steady traffic would (API key and connection lookups are cached per isolate).
    await api(u, `/v1/availability/COST-AVAIL?channel=${CHANNEL}`, { token: key });
    // Steady state, not a first order: one order on the same SKUs and channel first (not counted), so
    // what is created once per SKU × channel (the channel's row in each SKU's object) is not billed to the measured order.
    const warm = shopifyDelivery(template, SHOP_SECRET, 870_000_000 + Math.floor(Math.random() * 1e6));
    const warmAck = await fetch(`${u}/v1/webhooks/bench-cost`, { method: "POST", headers: warm.headers, body: warm.body });
    if (warmAck.status !== 200) throw new Error(`warm-up webhook answered ${warmAck.status}`);
    await warmAck.arrayBuffer();
    await until(() => sys.erp.state.bookings.size > 0, { timeoutMs: 20_000 });
    await sleep(2500);
    await sleep(2500); // the SKUs' projection alarms run ~1 s after the change
    const before = await d1Counts(sys.persistTo);
    await fetch(`${u}/__bench/flush`);
    await sleep(300);
    meterLines.length = 0;
    recording = true;

    // --- the orders: webhook → (reserve, record, enqueue) → ERP → shipment, ORDERS of them a
    // fifth of a second apart (steady traffic: isolate caches warm, projections coalesced), every
    // count divided by ORDERS. BENCH_COST_ORDERS=1 prices one isolated order.
    const t0 = Date.now();
    const orderIds = [];
    const base = 880_000_000 + Math.floor(Math.random() * 1e6) * 100;
    for (let i = 0; i < ORDERS; i++) {
      const d = shopifyDelivery(template, SHOP_SECRET, base + i);
      const ack = await fetch(`${u}/v1/webhooks/bench-cost`, { method: "POST", headers: d.headers, body: d.body });
      const answer = await ack.json();
      if (ack.status !== 200 || answer.status !== "accepted") throw new Error(`webhook answered ${ack.status} ${JSON.stringify(answer)}`);
      orderIds.push(answer.orderId);
      if (i < ORDERS - 1) await sleep(200);
    }
    const booked = await until(() => orderIds.every((_, i) => [...sys.erp.state.bookings.values()].some((b) => b.externalId === String(base + i))), { timeoutMs: 30_000 });
    if (!booked) throw new Error("the ERP simulator never booked every order");
    await sleep(1500); // dispatch records the ERP answer on the order right after the booking (no API polling: it would be counted)
    let shipmentOk = true;
    let shipStatus = 202;
    for (const orderId of orderIds) {
      const ship = await api(u, "/v1/shipments", {
        method: "POST",
        token: key,
        json: { eventId: `ship-${randomUUID()}`, orderId, source: "wms", type: "shipped", location: "DC1", lines: template.line_items.map((l) => ({ sku: l.sku, quantity: l.quantity })), carrier: "UPS", tracking: "1Z999" },
        expect: null,
      });
      if (ship.status !== 202 && ship.status !== 200) [shipmentOk, shipStatus] = [false, ship.status];
      if (ORDERS > 1) await sleep(200);
    }
    const orderId = orderIds[0];
    // Let alarms fire: the SKU projections (~1 s) and the orders' effects alarms (+15 s after a failure at most).
    const settleUntil = Math.max(t0 + 17_000, Date.now() + 4_000);
    while (Date.now() < settleUntil) await sleep(250);
    await fetch(`${u}/__bench/flush`);
    await sleep(500);
    recording = false;
    const orderMeter = perOrder(sumMeters(meterLines), ORDERS);
    const after = await d1Counts(sys.persistTo);

    // --- one availability read of each kind, metered on their own
    const availMeter = {};
    for (const [label, path] of [
      ["availability, KV path", `/v1/availability/COST-AVAIL?channel=${CHANNEL}`],
      ["availability, low-stock DO path", `/v1/availability/COST-LOW?channel=${CHANNEL}`],
      ["order status read", `/v1/orders/${orderId}`],
    ]) {
      meterLines.length = 0;
      recording = true;
      await api(u, path, { token: key, expect: null });
      await fetch(`${u}/__bench/flush`);
      await sleep(300);
      recording = false;
      availMeter[label] = sumMeters(meterLines).total;
    }

    const result = summarize({ orderMeter, availMeter, before, after, shipmentOk, shipStatus, cpuMsPerOrder, log });
    result.orders = ORDERS;

    // --- profile: where a webhook's time goes, sequential and under concurrency. The ERP is made
    // slow (30 s) for the profile so the dispatch consumer's work on these orders (which runs in
    // the same TransactionDOs) falls outside the window and the timings are the ack path's alone.
    await fetch(`${sys.erp.url}/_sim/faults`, { method: "PUT", body: JSON.stringify({ latencyMs: 30_000 }) });
    result.profile = [];
    for (const p of [
      { label: "sequential (c=1), fixture SKUs", n: 20, c: 1 },
      { label: "concurrent (c=16), fixture SKUs (3 hot InventoryDOs)", n: 96, c: 16 },
    ]) {
      meterLines.length = 0;
      recording = true;
      const t1 = Date.now();
      let next = 0;
      let ok = 0;
      const base = 890_000_000 + Math.floor(Math.random() * 1e6) * 1000;
      await Promise.all(
        Array.from({ length: p.c }, async () => {
          while (next < p.n) {
            const dl = shopifyDelivery(template, SHOP_SECRET, base + next++);
            const r = await fetch(`${u}/v1/webhooks/bench-cost`, { method: "POST", headers: dl.headers, body: dl.body });
            if (r.status === 200) ok++;
            await r.arrayBuffer();
          }
        }),
      );
      const wallS = (Date.now() - t1) / 1000;
      await fetch(`${u}/__bench/flush`);
      await sleep(400);
      recording = false;
      const t = sumMeters(meterLines).total;
      const per = (k) => Number(((t[k] ?? 0) / p.n).toFixed(1));
      const prof = {
        label: p.label,
        orders: p.n,
        accepted: ok,
        ordersPerSecond: Number((p.n / wallS).toFixed(1)),
        msPerOrder: {
          "ingest fetch, total": per("time.fetch.ingest"),
          "ingest: D1 (connection lookup, cached)": per("time.d1.ingest"),
          "TransactionDO.begin (delivery dedupe), caller wait": per("time.do.TransactionDO.begin"),
          "TransactionDO.submitOrder, caller wait": per("time.do.TransactionDO.submitOrder"),
          "  inside submitOrder: D1 (policy read + projection batches)": per("time.d1.TransactionDO"),
          "  inside submitOrder: D1 statements": per("count.d1.TransactionDO"),
          "  inside submitOrder: InventoryDO.reserve caller wait (sum of 3 lines, run in parallel)": per("time.do.InventoryDO.reserve"),
          "  inside InventoryDO.reserve: in-object time (sum of 3)": per("time.in.InventoryDO.reserve"),
          "  inside submitOrder: queue send": per("time.queue.TransactionDO"),
          "TransactionDO.complete, caller wait": per("time.do.TransactionDO.complete"),
        },
        d1QueriesPerOrder: Number((((t["count.d1.ingest"] ?? 0) + (t["count.d1.TransactionDO"] ?? 0) + (t["count.d1.InventoryDO"] ?? 0)) / p.n).toFixed(1)),
        doRequestsPerOrder: Number((((t["do.requests.TransactionDO"] ?? 0) + (t["do.requests.InventoryDO"] ?? 0)) / p.n).toFixed(1)),
        kvWritesPerOrder: Number(((t["kv.writes"] ?? 0) / p.n).toFixed(3)),
        d1RowsWrittenPerOrder: Number(((t["d1.rowsWritten"] ?? 0) / p.n).toFixed(1)),
      };
      const m = prof.msPerOrder;
      m["ingest residual: verify HMAC, parse, route, JSON (total − DO/D1 waits)"] = Number((m["ingest fetch, total"] - m["ingest: D1 (connection lookup, cached)"] - m["TransactionDO.begin (delivery dedupe), caller wait"] - m["TransactionDO.submitOrder, caller wait"] - m["TransactionDO.complete, caller wait"]).toFixed(1));
      result.profile.push(prof);
      if (log) {
        log(`\nProfile of the webhook ack path, ${prof.label}: ${prof.ordersPerSecond} orders/s, ${prof.d1QueriesPerOrder} D1 statements and ${prof.doRequestsPerOrder} DO requests per order, ${prof.kvWritesPerOrder} KV writes per order (projection coalescing) (instrumented build; mean ms per order):`);
        for (const [k, v] of Object.entries(prof.msPerOrder)) log(`  ${String(v).padStart(7)}  ${k}`);
      }
    }
    return result;
  } finally {
    await sys.stop();
  }
}

function units(t) {
  const minus = () => 0;
  const doReq = sumPrefix(t, "do.requests") + sumPrefix(t, "do.alarms");
  return {
    workerRequests: (t["worker.requests.ingest"] ?? 0) - minus("worker.requests.ingest") + (t["worker.requests.dispatch.queue"] ?? 0) + (t["worker.requests.dispatch.scheduled"] ?? 0),
    ingestRequests: (t["worker.requests.ingest"] ?? 0) - minus("worker.requests.ingest"),
    queueInvocations: t["worker.requests.dispatch.queue"] ?? 0,
    doRequests: doReq,
    doRequestsByMethod: Object.fromEntries(
      Object.entries(t)
        .filter(([k]) => (/^do\.requests\.[A-Za-z]+\./.test(k) && k.split(".").length === 4) || (/^do\.alarms\.[A-Za-z]+$/.test(k) && k.split(".").length === 3))
        .map(([k, v]) => [k.replace(/^do\.requests\./, "").replace(/^do\.alarms\.(\w+)$/, "$1.alarm"), v]),
    ),
    alarms: sumPrefix(t, "do.alarms"),
    doActiveMs: sumPrefix(t, "do.activeMs"),
    doRowsRead: sumPrefix(t, "do.sqlRowsRead"),
    doRowsWritten: sumPrefix(t, "do.sqlRowsWritten") + sumPrefix(t, "do.setAlarm"),
    setAlarms: sumPrefix(t, "do.setAlarm"),
    d1Queries: (t["d1.queries"] ?? 0) - minus("d1.queries"),
    d1RowsRead: (t["d1.rowsRead"] ?? 0) - minus("d1.rowsRead"),
    d1RowsWritten: t["d1.rowsWritten"] ?? 0,
    kvReads: t["kv.reads"] ?? 0,
    kvWrites: (t["kv.writes"] ?? 0) + (t["kv.deletes"] ?? 0),
    queueSent: sumPrefix(t, "queue.sent"),
    queueDelivered: sumPrefix(t, "queue.delivered"),
    queueAcked: sumPrefix(t, "queue.acked"),
    queueRetried: sumPrefix(t, "queue.retried"),
    serviceBindingCalls: sumPrefix(t, "service.requests"),
    doRowsWrittenByClass: Object.fromEntries(Object.entries(t).filter(([k]) => k.startsWith("do.sqlRowsWritten.")).map(([k, v]) => [k.slice(18), v + (t[`do.setAlarm.${k.slice(18)}`] ?? 0)])),
    d1StatementsByQuery: Object.fromEntries(
      Object.entries(t)
        .filter(([k]) => k.startsWith("sqln.d1."))
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k.slice(8), v]),
    ),
    rowsWrittenByStatement: Object.fromEntries(
      Object.entries(t)
        .filter(([k, v]) => k.startsWith("sqlw.") && v > 0)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k.slice(5), { rowsWritten: v, statements: t[`sqln.${k.slice(5)}`] ?? (k.endsWith(".setAlarm") ? v : null) }]),
    ),
  };
}

function summarize({ orderMeter, availMeter, before, after, shipmentOk, shipStatus, cpuMsPerOrder, log }) {
  const t = orderMeter.total;
  const u = units(t);
  const queueOps = u.queueSent + u.queueDelivered + u.queueRetried + u.queueAcked; // write + read (+ retries) + delete, messages < 64 KB
  const cpu = cpuMsPerOrder ?? 10;
  const P = PRICES;
  const lines = [
    { item: "Worker requests", units: u.workerRequests, price: P.workerRequestsPerM, how: "measured: ingest fetch + queue consumer invocations (1 batch per order here; 0.1 at full batches of 10)" },
    { item: "Worker CPU ms", units: cpu, price: P.workerCpuMsPerM, how: cpuMsPerOrder ? "measured upper bound: workerd CPU time per accepted order under load (includes the local D1/KV/DO simulators)" : "estimate (no benchmark CPU figure given)" },
    { item: "DO requests", units: u.doRequests, price: P.doRequestsPerM, how: "measured: every stub RPC call + alarm invocations" },
    { item: "DO duration GB-s", units: (u.doActiveMs / 1000) * 0.128, price: P.doGbSecondsPerM, how: "measured locally: in-object wall time × 128 MB (local storage is slower than production: an upper bound)" },
    { item: "DO SQLite rows read", units: u.doRowsRead, price: P.doRowsReadPerM, how: "measured: cursor.rowsRead" },
    { item: "DO SQLite rows written", units: u.doRowsWritten, price: P.doRowsWrittenPerM, how: "measured: cursor.rowsWritten + setAlarm calls" },
    { item: "D1 rows read", units: u.d1RowsRead, price: P.d1RowsReadPerM, how: "measured: D1 meta.rows_read" },
    { item: "D1 rows written", units: u.d1RowsWritten, price: P.d1RowsWrittenPerM, how: "measured: D1 meta.rows_written (incl. index rows)" },
    { item: "KV reads", units: u.kvReads, price: P.kvReadsPerM, how: "measured: binding calls" },
    { item: "KV writes", units: u.kvWrites, price: P.kvWritesPerM, how: "measured: binding calls (projection writes, coalesced ≤1/s per key)" },
    { item: "Queue operations", units: queueOps, price: P.queueOpsPerM, how: "measured: messages sent (write) + delivered (read) + acked (delete) + retries (read)" },
  ];
  for (const l of lines) l.usdPerMillionOrders = Number((l.units * l.price).toFixed(4));
  const total = lines.reduce((s, l) => s + l.usdPerMillionOrders, 0);
  const d1Delta = Object.fromEntries(Object.keys({ ...before, ...after }).map((k) => [k, ((after[k] ?? 0) - (before[k] ?? 0)) / ORDERS]).filter(([, v]) => v));
  const pending = orderMeter.pendingAlarms.filter((a) => a.at > Date.now());
  const result = {
    flow: `${ORDERS} Shopify orders/create webhook${ORDERS > 1 ? "s, 5 a second," : ""} (3 lines each, on the same 3 SKUs) → reservation in 3 InventoryDOs → dispatch queue → ERP booking → 1 shipment each (shipped, all lines) → alarms (projection, order effects); every figure per order`,
    shipment: shipmentOk ? "recorded" : `POST /v1/shipments answered ${shipStatus}: shipment step not counted`,
    units: u,
    queueOps,
    lines,
    usdPerMillionOrders: Number(total.toFixed(2)),
    pendingAlarmsAfterWindow: pending.map((a) => ({ cls: a.cls, inSeconds: Math.round((a.at - Date.now()) / 1000) })),
    pendingAlarmNote: "alarms still scheduled when the window closed (e.g. the delivery and idempotency records' 7-day expiry): each will cost one more DO request and its deletes; counted in the estimate line below",
    estimatedPendingCost: Number(((pending.length / ORDERS) * P.doRequestsPerM).toFixed(4)),
    d1RowCountDelta: d1Delta,
    d1CrossCheck: "net new rows per D1 table (wrangler d1 execute --local, before/after): a lower bound on rows written — upserts and index entries add writes that do not add rows",
    perRead: Object.fromEntries(
      Object.entries(availMeter).map(([k, v]) => {
        const x = units(v);
        const usd = x.workerRequests * P.workerRequestsPerM + x.doRequests * P.doRequestsPerM + x.d1RowsRead * P.d1RowsReadPerM + x.kvReads * P.kvReadsPerM + x.doRowsRead * P.doRowsReadPerM + x.doRowsWritten * P.doRowsWrittenPerM;
        return [k, { workerRequests: x.workerRequests, doRequests: x.doRequests, d1Queries: x.d1Queries, d1RowsRead: x.d1RowsRead, kvReads: x.kvReads, doRowsRead: x.doRowsRead, doRowsWritten: x.doRowsWritten, usdPerMillionReads: Number(usd.toFixed(3)) }];
      }),
    ),
    prices: P,
  };
  if (log) printCost(result, log);
  return result;
}

export function printCost(r, log = console.log) {
  log("\nCost per order (measured by instrumentation; see bench/README.md for the method)");
  log(`  flow: ${r.flow}`);
  if (!r.shipment.startsWith("recorded")) log(`  note: ${r.shipment}`);
  const w = Math.max(...r.lines.map((l) => l.item.length));
  for (const l of r.lines) log(`  ${l.item.padEnd(w)}  ${String(Number(l.units.toFixed(3))).padStart(9)} /order  × $${l.price}/M  = $${l.usdPerMillionOrders.toFixed(4).padStart(8)} per 1M orders   (${l.how})`);
  log(`  ${"TOTAL".padEnd(w)}  ${"".padStart(9)}                     = $${r.usdPerMillionOrders.toFixed(2).padStart(8)} per 1M orders (marginal list price, beyond included usage; + $${r.prices.baseMonthly}/month plan)`);
  if (r.pendingAlarmsAfterWindow.length) log(`  + ${r.pendingAlarmsAfterWindow.length} alarm(s) still scheduled (${r.pendingAlarmsAfterWindow.map((a) => `${a.cls} in ${a.inSeconds}s`).join(", ")}): ≈ $${r.estimatedPendingCost} per 1M orders more (estimated)`);
  log(`  DO requests by method: ${JSON.stringify(r.units.doRequestsByMethod)}`);
  log(`  DO SQLite rows written by class: ${JSON.stringify(r.units.doRowsWrittenByClass)}`);
  log("  rows written by statement (top 12; d1.* = D1, do.<class>.* = DO SQLite):");
  for (const [k, v] of Object.entries(r.units.rowsWrittenByStatement).slice(0, 12)) log(`    ${String(v.rowsWritten).padStart(5)} rows in ${String(v.statements).padStart(3)} statements  ${k}`);
  for (const [k, v] of Object.entries(r.perRead ?? {})) log(`  one ${k}: ${JSON.stringify(v)} (excl. CPU)`);
  log(`  D1 net new rows (outside-in cross-check): ${JSON.stringify(r.d1RowCountDelta)}`);
  log(`  prices: ${r.prices.source}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { snapshotCheckout } = await import("./launch.mjs");
  const snap = snapshotCheckout();
  const r = await runCostModel({ root: snap.root }).finally(() => snap.remove());
  console.log(JSON.stringify(r.units, null, 2));
}
