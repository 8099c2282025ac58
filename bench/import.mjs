// The bulk snapshot import at distributor scale: 200,000 rows (50,000 SKUs × 4 locations) streamed
// as one NDJSON body to POST /v1/inventory/snapshots on a fresh system started the way `npm run
// dev` starts it. Reports rows per second (upload to the job's last chunk applied), the peak RSS
// of the runtime's workerd processes, and the time until every SKU's availability figure for the
// channel is the snapshot's, served from the KV projection. Then the same file again: every row
// must be stale (applied exactly once).
//
// `BENCH_ONLY=import npm run bench` runs only this; the full `npm run bench` runs it after the
// other scenarios. Knobs: BENCH_IMPORT_SKUS (default 50000), BENCH_IMPORT_LOCATIONS (default 4).
import { existsSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import { ROOT, snapshotCheckout, startDevSystem } from "./launch.mjs";
import { api, log, mb, ProcSampler, sleep } from "./lib.mjs";

const SKUS = Number(process.env.BENCH_IMPORT_SKUS || 50_000);
const LOCATIONS = Number(process.env.BENCH_IMPORT_LOCATIONS || 4);
const CHANNEL = "bench-import";
const onHand = (i, l) => 100 + ((i * 7 + l * 13) % 50);
const committed = (i) => i % 5;
const expected = (i) => Array.from({ length: LOCATIONS }, (_, l) => onHand(i, l) - committed(i)).reduce((a, b) => a + b, 0);
const sku = (i) => `BULK-${String(i).padStart(6, "0")}`;

/** The file (about 20 MB for 200,000 rows; the server streams it, never holding it whole). */
function body(asOf) {
  const parts = [];
  for (let i = 0; i < SKUS; i++) for (let l = 0; l < LOCATIONS; l++) parts.push(JSON.stringify({ sku: sku(i), location: `DC${l + 1}`, asOf, quantities: { onHand: onHand(i, l), committed: committed(i) } }));
  return Buffer.from(parts.join("\n") + "\n");
}

/**
 * Sends the file with node:http, not fetch: the route answers only once every line is read and
 * queued, which for 200,000 rows on a loaded machine can take longer than fetch's fixed 300 s
 * wait for response headers. node:http waits as long as the server keeps the connection.
 */
function upload(url, token, asOf) {
  const data = body(asOf);
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/inventory/snapshots`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson", "content-length": data.length } }, (res) => {
      const parts = [];
      res.on("data", (c) => parts.push(c));
      res.on("error", reject);
      res.on("end", () => {
        const text = Buffer.concat(parts).toString("utf8");
        if (res.statusCode !== 202) return reject(new Error(`snapshot upload answered ${res.statusCode}: ${text.slice(0, 300)}`));
        resolve(JSON.parse(text).jobId);
      });
    });
    req.on("error", reject);
    req.end(data);
  });
}

async function job(url, token, id, onProgress) {
  for (;;) {
    const r = (await api(url, `/v1/jobs/${id}`, { token })).body;
    onProgress?.(r);
    if (r.state !== "running") return r;
    await sleep(500);
  }
}

/** Polls availability (batches of 100, from KV) until every SKU shows its figure; returns when. */
async function allUpdated(url, token, deadlineMs) {
  let pending = Array.from({ length: SKUS }, (_, i) => i);
  while (pending.length) {
    if (Date.now() > deadlineMs) throw new Error(`${pending.length} availability figures still not updated`);
    const still = [];
    const batches = [];
    for (let k = 0; k < pending.length; k += 100) batches.push(pending.slice(k, k + 100));
    for (let k = 0; k < batches.length; k += 8)
      await Promise.all(
        batches.slice(k, k + 8).map(async (b) => {
          const r = (await api(url, "/v1/availability/query", { method: "POST", token, json: { channel: CHANNEL, skus: b.map(sku) } })).body;
          const got = new Map(r.items.map((x) => [x.sku, x]));
          for (const i of b) {
            const x = got.get(sku(i));
            if (!x || x.source !== "cache" || x.available !== expected(i)) still.push(i);
          }
        }),
      );
    pending = still;
    if (pending.length) await sleep(1000);
  }
  return Date.now();
}

/** Runs the import on a running system; `sampler` samples its workerd processes. */
export async function runImportBench(sys, sampler) {
  const token = sys.vars.ADMIN_TOKEN;
  await api(sys.url, `/v1/admin/channels/${CHANNEL}/policy`, { method: "PUT", token, json: { locations: Array.from({ length: LOCATIONS }, (_, l) => `DC${l + 1}`) } });
  const rows = SKUS * LOCATIONS;
  const asOf = new Date(Date.now() - 60_000).toISOString();
  log(`import: ${rows} rows (${SKUS} SKUs × ${LOCATIONS} locations) …`);
  sampler.mark();
  const t0 = Date.now();
  const id = await upload(sys.url, token, asOf);
  const uploaded = Date.now();
  log(`import: body read and queued in ${((uploaded - t0) / 1000).toFixed(1)} s (job ${id}); applying …`);
  let lastLog = 0;
  const done = await job(sys.url, token, id, (r) => {
    if (Date.now() - lastLog > 10_000) {
      lastLog = Date.now();
      log(`import: ${r.chunks.done}/${r.chunks.sent} chunks, ${r.applied} applied`);
    }
  });
  const applied = Date.now();
  if (done.state !== "done" || done.applied !== rows) throw new Error(`import job ended ${done.state} with ${done.applied}/${rows} applied, ${done.rejectedCount} rejected`);
  log(`import: all ${rows} rows applied after ${((applied - t0) / 1000).toFixed(1)} s; waiting for every availability figure …`);
  const visible = await allUpdated(sys.url, token, applied + 30 * 60_000);
  const window = sampler.window("system");
  log(`import: every figure served from KV after ${((visible - t0) / 1000).toFixed(1)} s; sending the same file again …`);
  const again = await job(sys.url, token, await upload(sys.url, token, asOf));
  const resent = Date.now();
  const result = {
    rows,
    skus: SKUS,
    locations: LOCATIONS,
    uploadSeconds: Number(((uploaded - t0) / 1000).toFixed(1)),
    appliedSeconds: Number(((applied - t0) / 1000).toFixed(1)),
    rowsPerSecond: Math.round(rows / ((applied - t0) / 1000)),
    allAvailabilityUpdatedSeconds: Number(((visible - t0) / 1000).toFixed(1)),
    peakWorkerdRssMB: mb(window.peakRssBytes),
    workerdCpuSeconds: Number((window.cpuMs / 1000).toFixed(1)),
    resend: { applied: again.applied, stale: again.stale, seconds: Number(((resent - visible) / 1000).toFixed(1)), exactlyOnce: again.applied === 0 && again.stale === rows },
  };
  log(`import: ${JSON.stringify(result)}`);
  return result;
}

/**
 * `BENCH_ONLY=import`: a fresh system, this scenario only; writes bench/results-import.json. The
 * system's state goes on /dev/shm when there is one (BENCH_IMPORT_TMPFS=0: the default temp dir):
 * one Durable Object per SKU is one SQLite file per SKU locally, and on a shared disk the run
 * measures fsyncs, not Switchyard.
 */
export async function runImportOnly() {
  const tmpfs = process.env.BENCH_IMPORT_TMPFS !== "0" && existsSync("/dev/shm");
  if (tmpfs) process.env.TMPDIR = "/dev/shm";
  const snap = snapshotCheckout();
  const sys = await startDevSystem({ root: snap.root });
  const sampler = new ProcSampler({ system: sys.workerdPids });
  try {
    const r = { date: new Date().toISOString(), state: tmpfs ? "tmpfs (/dev/shm)" : "disk", ...(await runImportBench(sys, sampler)) };
    writeFileSync(join(ROOT, "bench", "results-import.json"), JSON.stringify(r, null, 2) + "\n");
    console.log(`\nimport: ${r.rows} rows at ${r.rowsPerSecond} rows/s (applied in ${r.appliedSeconds} s), every availability figure updated after ${r.allAvailabilityUpdatedSeconds} s, peak workerd RSS ${r.peakWorkerdRssMB} MB; re-sent: ${r.resend.applied} applied, ${r.resend.stale} stale`);
    return r;
  } finally {
    sampler.stop();
    await sys.stop();
    snap.remove();
  }
}
