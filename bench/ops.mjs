// The local price list: what one operation of each kind costs the runtime in CPU on this machine
// (`node bench/ops.mjs`, ~1 min; `npm run bench` runs it too unless BENCH_SKIP_OPS=1). A bare
// Worker with bindings (bench/ops/) performs BENCH_OPS_N operations of one kind per run of
// requests; the workerd processes' user+system CPU from /proc before and after, minus the same
// requests doing nothing, divided by the operations, is the price. The queue's price is a send
// plus its delivery and ack (the run ends when the consumer has seen every message; the consumer
// records that with one DO call per batch, counted in the price).
//
// Multiplied by the cost model's counts per order (bench/cost.mjs), it gives the **I/O floor**:
// the CPU the runtime spends on an order's I/O alone, before any of our code runs. Locally that
// I/O is simulated in the same process (miniflare's D1, KV and queue Workers, DO storage), so the
// floor is what no change to our code can go below without removing operations.
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { cpuMs, freePort, startWrangler } from "./launch.mjs";
import { log, sleep, until } from "./lib.mjs";

const N = Number(process.env.BENCH_OPS_N ?? 400);
const PER_REQUEST = 50;
export const OP_KINDS = ["do_call", "do_write", "d1_statement", "d1_batch3", "d1_order_projection", "d1_projection_x10", "d1_read", "kv_get", "kv_get50", "kv_put", "queue_send", "fetch", "log_line"];

/** Runs the price list; `{ n, requestCpuMs, ops: { kind: { cpuMsPerOp, wallMsPerOp } } }`. */
export async function runOpPrices({ say = log } = {}) {
  const sink = createServer((_q, r) => r.end("{}"));
  await new Promise((ok) => sink.listen(0, "127.0.0.1", ok));
  const sinkUrl = `http://127.0.0.1:${sink.address().port}/`;
  const persistTo = mkdtempSync(join(tmpdir(), "switchyard-bench-ops-"));
  const wr = await startWrangler({ configs: ["bench/ops/wrangler.toml"], persistTo, port: await freePort(), logFile: join(persistTo, "wrangler.log"), readyPath: "/?kind=none" });
  const cpu = () => wr.workerdPids().reduce((s, p) => s + cpuMs(p), 0);
  const get = async (q) => {
    const r = await fetch(`${wr.url}/?${q}&url=${encodeURIComponent(sinkUrl)}`);
    if (!r.ok) throw new Error(`ops worker ${q}: HTTP ${r.status}`);
    return r.text();
  };
  const delivered = async () => JSON.parse(await get("kind=delivered")).delivered;
  /** CPU ms of the runtime for `requests` requests doing `perRequest` operations of `kind`. */
  const measure = async (kind, requests, perRequest) => {
    const queued = kind === "queue_send" ? await delivered() : 0;
    const c0 = cpu();
    const t0 = Date.now();
    for (let i = 0; i < requests; i++) await get(`kind=${kind}&n=${perRequest}`);
    const wall = Date.now() - t0;
    if (kind === "queue_send") await until(async () => (await delivered()) >= queued + requests * perRequest, { timeoutMs: 60_000, everyMs: 200 });
    await sleep(300); // let the last request's bookkeeping (logs, the dev proxy) settle into the figure
    return { cpu: cpu() - c0, wall };
  };
  try {
    await get("kind=init");
    const requests = Math.max(1, Math.round(N / PER_REQUEST));
    const idle = await measure("none", requests, 0);
    // A request's own price, one at a time (the dev proxy wakes for each: more than under load,
    // where the bench's bare Worker gives the figure the floor uses).
    const REQUESTS = 200;
    const plain = await measure("none", REQUESTS, 0);
    const requestCpuMs = Number((Math.max(0, plain.cpu - idle.cpu) / (REQUESTS - requests)).toFixed(3));
    say(`  ${"HTTP request".padEnd(19)} ${requestCpuMs.toFixed(3)} ms CPU per request`);
    const ops = {};
    for (const kind of OP_KINDS) {
      await measure(kind, 1, 10); // warm: the object, the table, the connection
      const m = await measure(kind, requests, PER_REQUEST);
      const n = requests * PER_REQUEST;
      ops[kind] = { cpuMsPerOp: Number((Math.max(0, m.cpu - idle.cpu) / n).toFixed(3)), wallMsPerOp: Number(((m.wall - idle.wall) / n).toFixed(3)) };
      say(`  ${kind.padEnd(19)} ${ops[kind].cpuMsPerOp.toFixed(3)} ms CPU per operation`);
    }
    return { date: new Date().toISOString(), n: requests * PER_REQUEST, requestCpuMs, ops };
  } finally {
    await wr.stop();
    sink.close();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

/**
 * The runtime CPU an order's I/O costs at these prices: the cost model's operations per order
 * (its full flow: webhook, reservation, booking, one shipment) times each one's price. A lower
 * bound: a DO call is priced without storage, and D1 statements at a third of a 3-statement
 * batch. Besides the counted operations, one outbound fetch (the ERP booking) and one log line
 * (`erp accepted`) per order. HTTP requests are priced at `requestCpuMs`: the bare Worker's CPU
 * per request under load in the same run when given (one at a time, a request costs more).
 */
export function ioFloor(prices, cost, requestCpuMs = prices?.requestCpuMs) {
  const p = prices?.ops;
  const u = cost?.units;
  if (!p || !u) return null;
  const parts = {
    "HTTP requests in (webhook, shipment) and queue invocations": (u.ingestRequests + u.queueInvocations) * requestCpuMs,
    "Durable Object calls and alarm runs": (u.doRequests + u.alarms) * p.do_call.cpuMsPerOp,
    "D1 statements": (u.d1Queries * p.d1_batch3.cpuMsPerOp) / 3,
    "KV reads and writes": u.kvReads * p.kv_get.cpuMsPerOp + u.kvWrites * p.kv_put.cpuMsPerOp,
    "queue messages (send, delivery, ack)": u.queueSent * p.queue_send.cpuMsPerOp,
    "the ERP booking (one outbound fetch)": p.fetch.cpuMsPerOp,
    "one log line": p.log_line.cpuMsPerOp,
  };
  const round = (x) => Number(x.toFixed(2));
  const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
  // The shipment's own operations, for the part the ingest scenario measures (webhook, reservation,
  // booking): its request, its calls to the order and the SKUs' objects, its API-key read and the
  // order's D1 write it causes (one batch: the order's row and its lines).
  const shipmentCalls = Object.entries(u.doRequestsByMethod ?? {})
    .filter(([k]) => /recordShipment|consume/.test(k))
    .reduce((a, [, v]) => a + v, 0);
  const shipment = requestCpuMs + shipmentCalls * p.do_call.cpuMsPerOp + ((1 + 2) * p.d1_batch3.cpuMsPerOp) / 3;
  return {
    msPerOrder: round(sum(parts)),
    withoutShipmentMsPerOrder: round(Math.max(0, sum(parts) - shipment)),
    parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, round(v)])),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  log(`local price list: ${N} operations of each kind`);
  const r = await runOpPrices();
  console.log(JSON.stringify(r, null, 2));
  // BENCH_OPS_WRITE=1: this price list replaces the one in bench/results.json (it carries its own
  // date), the floor and the verdicts are recomputed, and bench/README.md's blocks re-rendered.
  if (process.env.BENCH_OPS_WRITE) {
    const { readFileSync, writeFileSync } = await import("node:fs");
    const { ROOT } = await import("./launch.mjs");
    const { evaluateTargets } = await import("./targets.mjs");
    const { renderTable, updateReadme } = await import("./report.mjs");
    const file = join(ROOT, "bench", "results.json");
    const results = JSON.parse(readFileSync(file, "utf8"));
    const bareBody = results.scenarios.find((x) => x.name.startsWith("bare:") && x.name.includes(" B body"));
    results.opPrices = r;
    results.ioFloor = ioFloor(r, results.cost, bareBody?.cpuMsPerRequest ?? r.requestCpuMs);
    results.targets = evaluateTargets(results);
    writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
    updateReadme(results, renderTable(results).markdown);
    log("wrote bench/results.json and bench/README.md");
  }
}
