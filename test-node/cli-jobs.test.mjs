// The CLI's bulk jobs against the real system (set up like test-node/cli.test.mjs): a snapshot
// file streamed (gzipped on the way), followed to its report, sent again (all stale); master data
// imported; jobs show; failures in one line.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, startSystem } from "../scripts/dev-system.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const CLI = path.join(repo, "cli", "bin.mjs");
const TOKEN = "test-node-admin-token";
const SKIP = new Set(["node_modules", ".git", ".wrangler", ".dev.vars", ".bench-tmp", "dist"]);

let dir;
let sys;

/** Runs the CLI; never throws, so a test can assert on failures. */
function cli(args, { env = {}, cwd = dir } = {}) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...process.env, SWITCHYARD_URL: sys.url, SWITCHYARD_ADMIN_TOKEN: TOKEN, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

async function ok(args, opts) {
  const r = await cli(args, opts);
  assert.equal(r.code, 0, `switchyard ${args.join(" ")} failed: ${r.stderr}`);
  return r;
}

async function json(args, opts) {
  return JSON.parse((await ok([...args, "--json"], opts)).stdout);
}

/** Exits non-zero with exactly one line on stderr, containing `expected`. */
async function fails(args, expected, opts) {
  const r = await cli(args, opts);
  assert.notEqual(r.code, 0, `expected switchyard ${args.join(" ")} to fail`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one-line reason expected, got:\n${r.stderr}`);
  assert.match(lines[0], expected);
  return r;
}

async function api(method, p, body, token = TOKEN) {
  const res = await fetch(`${sys.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function eventually(fn, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

before(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "switchyard-cli-"));
  cpSync(repo, dir, { recursive: true, filter: (src) => !SKIP.has(path.basename(src)) });
  symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"), "dir");
  writeFileSync(path.join(dir, ".dev.vars"), `ADMIN_TOKEN=${TOKEN}\nSECRETS_KEY=test-node-secrets-key-0123456789\nERP_TOKEN=test-node-erp-token\n`);
  const [port, erpPort] = [await freePort(), await freePort()];
  sys = await startSystem({
    root: dir,
    port,
    erpPort,
    persistTo: path.join(dir, ".wrangler", "state"),
    // Retries without backoff, so a failing ERP dead-letters an order in seconds.
    overrides: { ERP_URL: `http://127.0.0.1:${erpPort}`, RETRY_BASE_SECONDS: "0" },
    registryPath: path.join(dir, ".wrangler", "registry"),
    quiet: true,
    log: () => {},
  });
}, { timeout: 180_000 });

after(async () => {
  await sys?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("switchyard snapshots, master import and jobs", { timeout: 240_000 }, () => {
  test("imports a snapshot file with --gzip, reports rejected lines, and a second send applies nothing", async () => {
    const asOf = new Date(Date.now() - 60_000).toISOString();
    const lines = [];
    for (let i = 0; i < 40; i++) for (const location of ["DC1", "DC2"]) lines.push(JSON.stringify({ sku: `CLI-SNAP-${i}`, location, asOf, quantities: { onHand: 5 + i } }));
    lines.splice(3, 0, "not json");
    const file = path.join(dir, "snap.ndjson");
    writeFileSync(file, lines.join("\n") + "\n");
    const report = await json(["snapshots", "import", file, "--gzip"]);
    assert.equal(report.state, "done");
    assert.equal(report.rows, 81);
    assert.equal(report.applied, 80);
    assert.deepEqual(report.rejected, [{ line: 4, reason: "invalid JSON" }]);
    const table = await ok(["snapshots", "import", file]);
    assert.match(table.stdout, /applied\s+0/);
    assert.match(table.stdout, /stale\s+80/);
    assert.match(table.stdout, /4\s+invalid JSON/);
    const shown = await json(["jobs", "show", report.jobId]);
    assert.equal(shown.applied, 80);
    const a = await api("GET", "/v1/inventory/CLI-SNAP-7");
    assert.equal(a.status, 200);
    assert.equal(a.body.locations.length, 2);
  });

  test("imports products, and a job followed with --no-wait then jobs show --watch", async () => {
    const file = path.join(dir, "products.ndjson");
    writeFileSync(file, [JSON.stringify({ sku: "CLI-P-1", status: "active", units: [{ code: "case", each: 12 }], version: 1 }), JSON.stringify({ sku: "CLI-P-2", status: "blocked", version: 1 })].join("\n"));
    const started = await json(["master", "import", "products", file, "--no-wait"]);
    assert.match(started.jobId, /^job_[0-9a-f]{32}$/);
    const done = await json(["jobs", "show", started.jobId, "--watch"]);
    assert.equal(done.applied, 2);
    const p = await api("GET", "/v1/master/products/CLI-P-2");
    assert.equal(p.body.status, "blocked");
  });

  test("failures exit non-zero with one line", async () => {
    await fails(["snapshots", "import", path.join(dir, "missing.ndjson")], /no such file/);
    await fails(["master", "import", "things", path.join(dir, "products.ndjson")], /kind must be products or customers/);
    await fails(["jobs", "show", "job_nope"], /Not found/);
  });
});
