#!/usr/bin/env node
// Offline deploy checks (CI runs them after `npm test`; no Cloudflare account needed):
//  1. config parity: every [env.*] section of the three wrangler configs has the same bindings,
//     vars names, queue consumer settings and compatibility date as the top level (wrangler does
//     not inherit bindings or vars into environments, so a binding added at the top only would
//     reach production missing), and the environments' cross-Worker names line up;
//  2. `npm run deploy -- --env <env> --dry-run` for every environment: the plan, and
//     `wrangler deploy --dry-run --outdir` of every Worker with the bundle size limit;
//  3. `wrangler types --check` of the generated binding types in types/.
// `node scripts/check-deploy.mjs --write-types` regenerates types/ after a config change.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { nodeBin, OFFLINE_ENV, wranglerBin } from "./dev-system.mjs";
import { ENVIRONMENTS, readWorkerConfig, WORKERS } from "./deploy-plan.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const writeTypes = process.argv.includes("--write-types");

// Secrets come from .dev.vars.example (committed) rather than a developer's .dev.vars, so the
// check gives the same answer on every machine. `--envFile=` (not `--env-file`): Node itself
// grabs `--env-file` anywhere on its command line.
const TYPES = [
  { file: "types/runtime.d.ts", args: ["--include-env=false", "-c", "wrangler.toml"] },
  {
    file: "types/ingest-env.d.ts",
    args: ["--include-runtime=false", "--env-interface", "IngestEnv", "-c", "wrangler.toml", "-c", "workers/dispatch/wrangler.toml", "-c", "workers/availability/wrangler.toml", "--envFile=.dev.vars.example"],
  },
  {
    file: "types/dispatch-env.d.ts",
    args: ["--include-runtime=false", "--env-interface", "DispatchEnv", "-c", "workers/dispatch/wrangler.toml", "-c", "wrangler.toml", "--envFile=../../.dev.vars.example"], // check-paths: ok (relative to the config)
  },
  {
    file: "types/availability-env.d.ts",
    args: ["--include-runtime=false", "--env-interface", "AvailabilityEnv", "-c", "workers/availability/wrangler.toml", "-c", "wrangler.toml", "--envFile=../../.dev.vars.example"], // check-paths: ok (relative to the config)
  },
];

function wrangler(args) {
  const r = spawnSync(nodeBin(root), [wranglerBin(root), ...args], { cwd: root, env: { ...process.env, ...OFFLINE_ENV, CI: "true" }, encoding: "utf8" });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

// ── 1. parity ────────────────────────────────────────────────────────────────────────────────
const strip = (name, env) => (env && typeof name === "string" ? name.replace(new RegExp(`-${env}(?=$|-)`), "") : name);

/** The shape that must not differ between environments: names of bindings and where they point (env suffix removed). */
function shape(c, env) {
  const s = (n) => strip(n, env);
  const sorted = (xs) => xs.map((x) => JSON.stringify(x)).sort();
  return {
    compatibility_date: c.compatibility_date,
    compatibility_flags: [...(c.compatibility_flags ?? [])].sort(),
    vars: Object.keys(c.vars ?? {}).sort(),
    d1_databases: sorted((c.d1_databases ?? []).map((b) => [b.binding, s(b.database_name), b.migrations_dir])),
    kv_namespaces: sorted((c.kv_namespaces ?? []).map((b) => b.binding)),
    r2_buckets: sorted((c.r2_buckets ?? []).map((b) => b.binding)),
    queue_producers: sorted((c.queues?.producers ?? []).map((p) => [p.binding, s(p.queue)])),
    queue_consumers: sorted((c.queues?.consumers ?? []).map((q) => [s(q.queue), s(q.dead_letter_queue), q.max_batch_size, q.max_batch_timeout, q.max_retries, q.max_concurrency, q.retry_delay])),
    durable_objects: sorted((c.durable_objects?.bindings ?? []).map((b) => [b.name, b.class_name, s(b.script_name)])),
    services: sorted((c.services ?? []).map((b) => [b.binding, s(b.service), b.entrypoint])),
    ratelimits: sorted((c.ratelimits ?? []).map((b) => [b.name, b.simple])),
    workflows: sorted((c.workflows ?? []).map((b) => b.binding)),
    analytics_engine_datasets: sorted((c.analytics_engine_datasets ?? []).map((b) => b.binding)),
    hyperdrive: sorted((c.hyperdrive ?? []).map((b) => b.binding)),
    crons: [...(c.triggers?.crons ?? [])].sort(),
  };
}

const problems = [];
const configs = {};
for (const w of WORKERS) {
  configs[w.key] = { top: readWorkerConfig(root, w.config, undefined) };
  for (const env of ENVIRONMENTS) configs[w.key][env] = readWorkerConfig(root, w.config, env);
  const top = shape(configs[w.key].top);
  for (const env of ENVIRONMENTS) {
    const e = shape(configs[w.key][env], env);
    for (const k of Object.keys(top)) {
      if (JSON.stringify(top[k]) !== JSON.stringify(e[k])) problems.push(`${w.config} [env.${env}] ${k} differs from the top level:\n      top: ${JSON.stringify(top[k])}\n      ${env}: ${JSON.stringify(e[k])}`);
    }
  }
}
const dates = new Set(Object.values(configs).flatMap((c) => Object.values(c).map((x) => x.compatibility_date)));
if (dates.size !== 1) problems.push(`compatibility_date differs between configs: ${[...dates].join(", ")} (keep one date everywhere)`);

for (const env of [undefined, ...ENVIRONMENTS]) {
  const label = env ? `[env.${env}]` : "top level";
  const ingest = configs.ingest[env ?? "top"];
  const availability = configs.availability[env ?? "top"];
  const all = Object.values(configs).map((c) => c[env ?? "top"]);
  for (const c of all) {
    for (const b of c.durable_objects?.bindings ?? []) {
      if (b.script_name && b.script_name !== ingest.name) problems.push(`${label}: ${c.name} binds ${b.class_name} in "${b.script_name}", but the ingest Worker is "${ingest.name}"`);
    }
  }
  for (const s of ingest.services ?? []) if (s.binding === "AVAILABILITY" && s.service !== availability.name) problems.push(`${label}: ingest's AVAILABILITY points at "${s.service}", but the availability Worker is "${availability.name}"`);
  const dbs = new Set(all.flatMap((c) => (c.d1_databases ?? []).map((d) => `${d.database_name}/${d.database_id}`)));
  if (dbs.size > 1) problems.push(`${label}: the Workers bind different D1 databases: ${[...dbs].join(", ")}`);
  const kvs = new Set(all.flatMap((c) => (c.kv_namespaces ?? []).map((k) => k.id)));
  if (kvs.size > 1) problems.push(`${label}: the Workers bind different KV namespaces: ${[...kvs].join(", ")}`);
  const produced = new Set(all.flatMap((c) => (c.queues?.producers ?? []).map((p) => p.queue)));
  const consumers = all.flatMap((c) => c.queues?.consumers ?? []);
  const consumed = new Set(consumers.map((q) => q.queue));
  const dlqs = new Set(consumers.map((q) => q.dead_letter_queue).filter(Boolean));
  for (const q of produced) if (!consumed.has(q)) problems.push(`${label}: queue ${q} is produced but nothing consumes it`);
  for (const q of consumed) if (!produced.has(q) && !dlqs.has(q)) problems.push(`${label}: queue ${q} is consumed but neither produced nor a dead-letter queue`);
  for (const q of dlqs) if (!consumed.has(q)) problems.push(`${label}: dead-letter queue ${q} has no consumer (its messages would expire unseen)`);
}

console.log(`1. Config parity (${WORKERS.length} Workers × top level + ${ENVIRONMENTS.join(", ")})`);
if (problems.length) {
  for (const p of problems) console.error(`   ✘ ${p}`);
} else console.log("   ✓ every environment has the top level's bindings, vars and queue settings; names line up across Workers");

// ── 2. deploy dry runs (bundles + size limit) ─────────────────────────────────────────────────
const failures = [...problems];
const outRoot = mkdtempSync(path.join(tmpdir(), "switchyard-bundles-"));
for (const env of ENVIRONMENTS) {
  console.log(`\n2. npm run deploy -- --env ${env} --dry-run`);
  const r = spawnSync(process.execPath, [path.join(root, "scripts", "deploy.mjs"), "--env", env, "--dry-run", "--outdir", outRoot], { cwd: root, encoding: "utf8", env: { ...process.env, ...OFFLINE_ENV } });
  const out = `${r.stdout}${r.stderr}`;
  const sizes = out.split("\n").filter((l) => /^\s+[✓✘] \w+\s+[\d.]+ KiB/.test(l));
  console.log(sizes.length ? sizes.join("\n") : out.slice(-3000));
  if (r.status !== 0) {
    console.error(out.slice(-3000));
    failures.push(`deploy --env ${env} --dry-run failed`);
  }
}
rmSync(outRoot, { recursive: true, force: true });
console.log("   (limit: 64 MiB uncompressed per Worker — Cloudflare's limit on every plan since 2026-09-04 — and, stricter, 10 MiB gzip, the former Paid-plan limit)");

// ── 3. generated types ───────────────────────────────────────────────────────────────────────
console.log(`\n3. wrangler types ${writeTypes ? "(writing)" : "--check"}`);
mkdirSync(path.join(root, "types"), { recursive: true });
for (const t of TYPES) {
  const r = wrangler(["types", t.file, ...t.args, ...(writeTypes ? [] : ["--check"])]);
  if (r.ok) console.log(`   ✓ ${t.file}${writeTypes ? " written" : " up to date"}`);
  else {
    console.error(`   ✘ ${t.file}: ${r.out.split("\n").filter((l) => /out of date|not found|ERROR|✘/.test(l)).join(" ").trim() || r.out.slice(-1500)}`);
    failures.push(`${t.file} is out of date: run \`node scripts/check-deploy.mjs --write-types\` and commit types/`);
  }
}

if (failures.length) {
  console.error(`\n✘ check:deploy failed:\n${failures.map((f) => `   - ${f.split("\n")[0]}`).join("\n")}`);
  process.exit(1);
}
console.log("\n✓ check:deploy passed");
