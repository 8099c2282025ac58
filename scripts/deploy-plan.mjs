// What a deployed environment consists of, read from the three wrangler configs with wrangler's own
// reader (so env sections resolve exactly as `wrangler deploy --env` sees them), and the offline
// build of every Worker. Shared by scripts/deploy.mjs and scripts/check-deploy.mjs.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { unstable_readConfig } from "wrangler";
import { runWrangler } from "./dev-system.mjs";

export const ENVIRONMENTS = ["staging", "production"];

/** Deploy order: ingest hosts the Durable Objects the other two bind to by script_name. */
export const WORKERS = [
  { key: "ingest", config: "wrangler.toml", secrets: ["ADMIN_TOKEN", "SECRETS_KEY"] },
  { key: "availability", config: "workers/availability/wrangler.toml", secrets: ["ADMIN_TOKEN"] },
  { key: "dispatch", config: "workers/dispatch/wrangler.toml", secrets: ["SECRETS_KEY", "ERP_TOKEN"] },
];

export const ZERO_D1 = "00000000-0000-0000-0000-000000000000";
export const ZERO_KV = "00000000000000000000000000000000";

/** Platform limit on a Worker's upload since 2026-09-04: 64 MiB uncompressed, every plan (wrangler 4.164 warns on the same). */
export const MAX_UNCOMPRESSED_BYTES = 64 * 1024 * 1024;
/** The former Workers Paid limit, 10 MiB after gzip: kept as a stricter budget. */
export const MAX_GZIP_BYTES = 10 * 1024 * 1024;

export function readWorkerConfig(root, config, env) {
  return unstable_readConfig({ config: path.join(root, config), env }, { hideWarnings: true });
}

/** Everything deploy needs to know about one environment. */
export function planEnv(root, env) {
  const workers = WORKERS.map((w) => {
    const c = readWorkerConfig(root, w.config, env);
    return {
      ...w,
      name: c.name,
      routes: c.routes ?? [],
      workersDev: c.workers_dev,
      services: c.services ?? [],
      durableObjects: c.durable_objects?.bindings ?? [],
      d1: c.d1_databases ?? [],
      kv: c.kv_namespaces ?? [],
      producers: c.queues?.producers ?? [],
      consumers: c.queues?.consumers ?? [],
      vars: c.vars ?? {},
    };
  });
  const ingest = workers[0];
  const d1 = ingest.d1[0];
  const kv = ingest.kv[0];
  const queues = [...new Set(workers.flatMap((w) => [...w.producers.map((p) => p.queue), ...w.consumers.flatMap((c) => [c.queue, c.dead_letter_queue])]).filter(Boolean))];
  const placeholders = [];
  for (const w of workers) {
    for (const r of w.routes) {
      const pattern = typeof r === "string" ? r : r.pattern;
      if (/example\.(com|org|net)/.test(pattern)) placeholders.push(`${w.config} [env.${env}] route ${pattern}`);
    }
    for (const [k, v] of Object.entries(w.vars)) if (typeof v === "string" && /example\.(com|org|net)/.test(v)) placeholders.push(`${w.config} [env.${env}.vars] ${k} = ${v}`);
  }
  return {
    env,
    workers,
    d1: { name: d1.database_name, id: d1.database_id, binding: d1.binding },
    kv: { title: `switchyard-availability-${env}`, id: kv.id, binding: kv.binding },
    queues,
    placeholders: [...new Set(placeholders)],
  };
}

/**
 * Points `key` of the `[[env.<env>.<table>]]` block (the one whose `binding` is `binding`) at
 * `value`, editing the TOML text in place so comments and layout survive.
 */
export function setEnvBindingValue(file, env, table, binding, key, value) {
  const lines = readFileSync(file, "utf8").split("\n");
  const header = `[[env.${env}.${table}]]`;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== header) continue;
    let end = i + 1;
    while (end < lines.length && !lines[end].trim().startsWith("[")) end++;
    const block = lines.slice(i + 1, end);
    if (!block.some((l) => new RegExp(`^\\s*binding\\s*=\\s*"${binding}"`).test(l))) continue;
    const at = block.findIndex((l) => new RegExp(`^\\s*${key}\\s*=`).test(l));
    if (at < 0) lines.splice(i + 1, 0, `${key} = "${value}"`);
    else lines[i + 1 + at] = `${key} = "${value}"`;
    writeFileSync(file, lines.join("\n"));
    return true;
  }
  return false;
}

function sizes(dir) {
  let bytes = 0;
  let gzip = 0;
  for (const f of readdirSync(dir)) {
    if (f.endsWith(".map") || f === "README.md") continue;
    const p = path.join(dir, f);
    if (!statSync(p).isFile()) continue;
    const buf = readFileSync(p);
    bytes += buf.length;
    gzip += gzipSync(buf, { level: 9 }).length;
  }
  return { bytes, gzip };
}

/** `wrangler deploy --dry-run --outdir` for every Worker of `env`; returns each bundle's size. */
export async function buildAll(root, env, outRoot, { quiet = true } = {}) {
  const out = [];
  for (const w of WORKERS) {
    const outdir = path.join(outRoot, env, w.key);
    rmSync(outdir, { recursive: true, force: true });
    await runWrangler(root, ["deploy", "--dry-run", "--outdir", outdir, "-c", w.config, "--env", env], { quiet });
    const s = sizes(outdir);
    out.push({ worker: w.key, env, outdir, ...s, ok: s.bytes <= MAX_UNCOMPRESSED_BYTES && s.gzip <= MAX_GZIP_BYTES });
  }
  return out;
}

export const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
