// The harness of the CLI's node tests (test-node/cli.test.mjs, test-node/cli-jobs.test.mjs): the
// system started the way `npm run dev` starts it (one wrangler dev session with the three
// Workers, the ERP simulator, migrations) from a temp copy of the checkout, on free ports with a
// fresh persist dir, so the per-Worker .dev.vars this run writes never touch a developer's
// running `npm run dev`; and the CLI run against it.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort, startSystem } from "../scripts/dev-system.mjs";

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const CLI = path.join(repo, "cli", "bin.mjs");
export const TOKEN = "test-node-admin-token";
const SKIP = new Set(["node_modules", ".git", ".wrangler", ".dev.vars", ".bench-tmp", "dist"]);

/** The temp copy of the checkout the system runs from, and the running system (set by `startCliSystem`). */
export let dir;
export let sys;

/** Runs the CLI; never throws, so a test can assert on failures. */
export function cli(args, { env = {}, cwd = dir } = {}) {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { cwd, env: { ...process.env, SWITCHYARD_URL: sys.url, SWITCHYARD_ADMIN_TOKEN: TOKEN, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

export async function ok(args, opts) {
  const r = await cli(args, opts);
  assert.equal(r.code, 0, `switchyard ${args.join(" ")} failed: ${r.stderr}`);
  return r;
}

export async function json(args, opts) {
  return JSON.parse((await ok([...args, "--json"], opts)).stdout);
}

/** Exits non-zero with exactly one line on stderr, containing `expected`. */
export async function fails(args, expected, opts) {
  const r = await cli(args, opts);
  assert.notEqual(r.code, 0, `expected switchyard ${args.join(" ")} to fail`);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, `one-line reason expected, got:\n${r.stderr}`);
  assert.match(lines[0], expected);
  return r;
}

export async function api(method, p, body, token = TOKEN) {
  const res = await fetch(`${sys.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

export async function eventually(fn, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Starts the system from a temp copy of the checkout, as `npm run dev` does, on free ports. */
export async function startCliSystem() {
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
}

export async function stopCliSystem() {
  await sys?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
