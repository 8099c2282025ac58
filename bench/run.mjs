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
// BENCH_CONNECTIONS (default 32), BENCH_SKIP_COST=1, BENCH_SKIP_OPS=1, BENCH_SKIP_SWEEP=1, BENCH_SKIP_PUBLISHING=1, BENCH_SKIP_IMPORT=1; BENCH_RENDER_ONLY=1 only
// re-renders bench/README.md's result blocks from bench/results.json.
//
// The pieces: settings.mjs (knobs and fixed figures), scenarios.mjs and sweep.mjs (what is
// measured), targets.mjs (what it is held to), report.mjs (table and README blocks), lib.mjs and
// launch.mjs (load, sampling, starting things).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem, release } from "node:os";
import { join } from "node:path";
import { runCostModel } from "./cost.mjs";
import { ioFloor, runOpPrices } from "./ops.mjs";
import { runImportBench, runImportOnly } from "./import.mjs";
import { codeIdentity, ROOT, snapshotCheckout, startBare, startDevSystem } from "./launch.mjs";
import { began, log, mb, ProcSampler } from "./lib.mjs";
import { renderTable, updateReadme } from "./report.mjs";
import { runScenarios } from "./scenarios.mjs";
import { C, DUP_C, DUR, E2E_RATE, HOT_UNITS, SWEEP, SWEEP_DUR } from "./settings.mjs";
import { runSweep } from "./sweep.mjs";
import { evaluateTargets, renderTargets } from "./targets.mjs";
import { renderPublishing, runPublishing } from "./publishing.mjs";

/** BENCH_ONLY=publishing: only the publishing scenario (bench/publishing.mjs), into results.json's `publishing` key. */
async function publishingOnly() {
  const snap = snapshotCheckout();
  const sys = await startDevSystem({ root: snap.root });
  try {
    const r = await runPublishing(sys);
    console.log("\n" + renderPublishing(r));
    const file = join(ROOT, "bench", "results.json");
    const all = JSON.parse(readFileSync(file, "utf8"));
    all.publishing = { ...r, date: new Date().toISOString(), code: codeIdentity() };
    writeFileSync(file, JSON.stringify(all, null, 2) + "\n");
  } finally {
    await sys.stop();
    snap.remove();
  }
}

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

function previousResults() {
  try {
    return JSON.parse(readFileSync(join(ROOT, "bench", "results.json"), "utf8"));
  } catch {
    return null;
  }
}

async function main() {
  if (process.env.BENCH_ONLY === "publishing") return publishingOnly();
  // Bulk snapshot import only (bench/import.mjs): its own fresh system.
  if (process.env.BENCH_ONLY === "import") return void (await runImportOnly());
  if (process.env.BENCH_RENDER_ONLY) {
    // Re-renders the README blocks from bench/results.json (after editing the README's prose).
    const r = JSON.parse(readFileSync(join(ROOT, "bench", "results.json"), "utf8"));
    updateReadme(r, renderTable(r).markdown);
    return;
  }
  // Every local state directory (the system's, the bare reference's, the price list's) on tmpfs
  // when there is one (BENCH_TMPFS=0: the default temp dir). Locally each Durable Object's SQLite
  // commit is an fsync on this VM's disk, and those serialise across every object in the process:
  // on disk the ingest scenario measured the disk (52 against 88 orders/s on tmpfs, same code).
  // On the platform DO storage is not a local disk. The output gates still wait for each commit.
  const state = process.env.BENCH_TMPFS !== "0" && existsSync("/dev/shm") ? "tmpfs (/dev/shm)" : "disk (the default temp dir)";
  if (state.startsWith("tmpfs")) process.env.TMPDIR = "/dev/shm";
  log(`machine: ${JSON.stringify(machine())}; state on ${state}`);
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
  const results = { machine: machine(), versions: versions(), code, date: new Date().toISOString(), compatibilityDate: compatDate(), settings: { durationS: DUR, sweepDurationS: SWEEP_DUR, connections: C, dupConnections: DUP_C, sweep: SWEEP, hotUnits: HOT_UNITS, e2eRate: E2E_RATE }, launcher: sys.launcher, state };
  // Kept apart from `results` until the end so that results.json keeps its key order.
  const scenarios = [];
  try {
    const ctx = await runScenarios(sys, bare, sampler, results, scenarios);
    if (!process.env.BENCH_SKIP_SWEEP) await runSweep(sys, bare, results, ctx);
    // The two long scenarios (publishing ~5 min, the 200,000-row import ~20 min on 2 cores) can be left out of a quick look.
    if (!process.env.BENCH_SKIP_PUBLISHING) results.publishing = await runPublishing(sys).catch((e) => ({ error: String(e?.message ?? e) }));
    // Left out: the last run's publishing figures stay in results.json (they carry their own date and commit).
    else results.publishing = previousResults()?.publishing;
    if (!process.env.BENCH_SKIP_IMPORT) results.import = await runImportBench(sys, sampler).catch((e) => ({ error: String(e?.message ?? e) }));
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
  if (!process.env.BENCH_SKIP_OPS) {
    log("local price list: the runtime's CPU per operation of each I/O kind (bench/ops.mjs) …");
    try {
      results.opPrices = await runOpPrices();
      const bareBody = scenarios.find((s) => s.name.startsWith("bare:") && s.name.includes(" B body"));
      results.ioFloor = ioFloor(results.opPrices, results.cost, bareBody?.cpuMsPerRequest ?? results.opPrices.requestCpuMs);
    } catch (e) {
      results.opPrices = { error: String(e?.message ?? e) };
      log(`price list failed: ${results.opPrices.error}`);
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
  if (results.publishing?.channels) console.log("\n" + renderPublishing(results.publishing));
  updateReadme(results, table.markdown);
  log(`done in ${results.totalSeconds}s; wrote bench/results.json and bench/README.md`);
}

await main();
