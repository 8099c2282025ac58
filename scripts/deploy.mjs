#!/usr/bin/env node
// `npm run deploy -- --env staging|production [--dry-run] [--yes]`
// Checks the login, creates what is missing (D1, KV, Queues and their DLQs), records the ids in
// the configs' [env.*] sections, applies D1 migrations remotely, deploys ingest → availability →
// dispatch, and lists secrets still to set. --dry-run prints every step, touches nothing remote
// and builds every Worker with `wrangler deploy --dry-run --outdir` (no account needed).
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline/promises";
import { fileURLToPath } from "node:url";
import { runWrangler } from "./dev-system.mjs";
import { buildAll, ENVIRONMENTS, kib, MAX_GZIP_BYTES, MAX_UNCOMPRESSED_BYTES, planEnv, readWorkerConfig, setEnvBindingValue, WORKERS, ZERO_D1, ZERO_KV } from "./deploy-plan.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function usage(msg) {
  if (msg) console.error(`✘ ${msg}`);
  console.error("usage: npm run deploy -- --env staging|production [--dry-run] [--yes] [--outdir dir]");
  process.exit(2);
}

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(name);
const value = (name) => {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes("=") ? argv[i].split("=").slice(1).join("=") : argv[i + 1];
};
const env = value("--env") ?? value("-e");
const dryRun = flag("--dry-run");
const yes = flag("--yes") || flag("-y");
const outRoot = path.resolve(root, value("--outdir") ?? path.join(".wrangler", "deploy"));
if (!env || !ENVIRONMENTS.includes(env)) usage(`--env must be one of ${ENVIRONMENTS.join(", ")}`);

const plan = planEnv(root, env);
const step = (n, text) => console.log(`\n${dryRun ? "[dry run] " : ""}${n}. ${text}`);
const would = (cmd) => console.log(`   ${dryRun ? "would run" : "running"}: wrangler ${cmd}`);
const wr = (args, opts = {}) => runWrangler(root, args, { quiet: true, ...opts });

console.log(`Switchyard deploy → ${env}${dryRun ? " (dry run: nothing is created, changed or deployed)" : ""}`);
console.log(`Workers: ${plan.workers.map((w) => w.name).join(", ")}`);

// 0. Placeholders: a real deploy with example.com routes or ERP_URL would fail or misroute.
if (plan.placeholders.length) {
  const list = plan.placeholders.map((p) => `   - ${p}`).join("\n");
  if (!dryRun) {
    console.error(`\n✘ Replace these placeholders before deploying ${env}:\n${list}`);
    process.exit(1);
  }
  console.log(`\n⚠ placeholders a real deploy would refuse (edit them first):\n${list}`);
}

if (env === "production" && !dryRun && !yes) {
  if (!process.stdin.isTTY) usage("deploying production needs --yes when not run from a terminal");
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question('Type "production" to deploy to production: ');
  rl.close();
  if (answer.trim() !== "production") process.exit(1);
}

// 1. Login.
step(1, "Check the Cloudflare login (wrangler whoami)");
let who = { loggedIn: false };
try {
  who = JSON.parse(await wr(["whoami", "--json"]));
} catch (e) {
  try {
    who = JSON.parse(e.output.trim().split("\n").pop());
  } catch {
    // unreadable: treated as not logged in
  }
}
if (who.loggedIn) console.log(`   logged in${who.email ? ` as ${who.email}` : ""}${who.accounts?.length ? ` (${who.accounts.map((a) => a.name).join(", ")})` : ""}`);
else if (dryRun) console.log("   not logged in: a real deploy would stop here (run `npx wrangler login` or set CLOUDFLARE_API_TOKEN and CLOUDFLARE_ACCOUNT_ID)");
else {
  console.error("✘ Not logged in to Cloudflare: run `npx wrangler login`, or set CLOUDFLARE_API_TOKEN (and CLOUDFLARE_ACCOUNT_ID).");
  process.exit(1);
}

// 2. Resources.
step(2, "Create what is missing: D1 database, KV namespace, Queues (with their dead-letter queues)");
let d1Id = plan.d1.id;
let kvId = plan.kv.id;
if (dryRun) {
  would(`d1 list --json   → create with \`wrangler d1 create ${plan.d1.name}\` if missing`);
  would(`kv namespace list → create with \`wrangler kv namespace create ${plan.kv.title}\` if missing`);
  for (const q of plan.queues) would(`queues info ${q} → create with \`wrangler queues create ${q}\` if missing`);
} else {
  const dbs = JSON.parse(await wr(["d1", "list", "--json"]));
  let db = dbs.find((d) => d.name === plan.d1.name);
  if (!db) {
    console.log(`   creating D1 database ${plan.d1.name}`);
    await wr(["d1", "create", plan.d1.name], { quiet: false });
    db = JSON.parse(await wr(["d1", "list", "--json"])).find((d) => d.name === plan.d1.name);
  } else console.log(`   D1 ${plan.d1.name} exists`);
  d1Id = db.uuid;

  const kvs = JSON.parse(await wr(["kv", "namespace", "list"]));
  let ns = kvs.find((n) => n.title === plan.kv.title);
  if (!ns) {
    console.log(`   creating KV namespace ${plan.kv.title}`);
    await wr(["kv", "namespace", "create", plan.kv.title], { quiet: false });
    ns = JSON.parse(await wr(["kv", "namespace", "list"])).find((n) => n.title === plan.kv.title);
  } else console.log(`   KV ${plan.kv.title} exists`);
  kvId = ns.id;

  for (const q of plan.queues) {
    try {
      await wr(["queues", "info", q]);
      console.log(`   queue ${q} exists`);
    } catch {
      console.log(`   creating queue ${q}`);
      await wr(["queues", "create", q], { quiet: false });
    }
  }
}

// 3. Record ids.
step(3, `Record the ids in the [env.${env}] sections of ${WORKERS.map((w) => w.config).join(", ")}`);
if (dryRun) {
  console.log(`   would set database_id of ${plan.d1.name} (now ${plan.d1.id === ZERO_D1 ? "not created" : plan.d1.id}) and the KV id (now ${plan.kv.id === ZERO_KV ? "not created" : plan.kv.id}) in each config`);
} else {
  const changed = [];
  for (const w of WORKERS) {
    const file = path.join(root, w.config);
    const cur = plan.workers.find((x) => x.key === w.key);
    if (cur.d1.length && cur.d1[0].database_id !== d1Id && setEnvBindingValue(file, env, "d1_databases", plan.d1.binding, "database_id", d1Id)) changed.push(w.config);
    if (cur.kv.length && cur.kv[0].id !== kvId && setEnvBindingValue(file, env, "kv_namespaces", plan.kv.binding, "id", kvId)) changed.push(w.config);
  }
  console.log(changed.length ? `   updated ${[...new Set(changed)].join(", ")}: commit these ids` : "   ids already recorded");
}

// 4. Migrations.
step(4, `Apply D1 migrations to ${plan.d1.name} (remote)`);
const migrateArgs = ["d1", "migrations", "apply", plan.d1.name, "--remote", "--env", env, "-c", WORKERS[0].config];
if (dryRun) would(migrateArgs.join(" "));
else await wr(migrateArgs, { quiet: false });

// 5. Build (always) and size check.
step(5, "Build every Worker offline and check its size");
const builds = await buildAll(root, env, outRoot);
for (const b of builds) {
  console.log(`   ${b.ok ? "✓" : "✘"} ${b.worker.padEnd(12)} ${kib(b.bytes).padStart(12)} (gzip ${kib(b.gzip)})  → ${path.relative(root, b.outdir)}`);
}
if (builds.some((b) => !b.ok)) {
  console.error(`✘ a bundle is over the limit (${kib(MAX_UNCOMPRESSED_BYTES)} uncompressed / ${kib(MAX_GZIP_BYTES)} gzip)`);
  process.exit(1);
}

// 6. Deploy in dependency order.
step(6, "Deploy: ingest (hosts the Durable Objects) → availability → dispatch");
const [ingest, availability, dispatch] = plan.workers;

async function deployWorker(w) {
  const args = ["deploy", "-c", w.config, "--env", env];
  if (dryRun) return would(args.join(" "));
  console.log(`   deploying ${w.name} …`);
  return wr(args, { quiet: false });
}

/** Uploads a do-nothing Worker under `name`, so a binding to it resolves on a first deploy. */
async function uploadPlaceholder(name, compatibilityDate) {
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-placeholder-"));
  writeFileSync(path.join(dir, "index.js"), 'export default { fetch: () => new Response("deploying", { status: 503 }) };\n');
  writeFileSync(path.join(dir, "wrangler.json"), JSON.stringify({ name, main: "index.js", compatibility_date: compatibilityDate, workers_dev: false }));
  await wr(["deploy", "-c", path.join(dir, "wrangler.json")], { quiet: false });
}

if (dryRun) {
  console.log(`   (first deploy only: ingest binds the availability Worker and availability binds ingest's Durable Objects,`);
  console.log(`    so when ${availability.name} does not exist yet a 503 placeholder is uploaded under its name first)`);
  await deployWorker(ingest);
} else {
  try {
    await deployWorker(ingest);
  } catch (e) {
    // 10143: the service binding's target Worker does not exist yet (first deploy of this env).
    if (!/10143|10144|service binding/i.test(e.output ?? "")) throw e;
    console.log(`   ${availability.name} does not exist yet: uploading a placeholder, then ingest again`);
    const { compatibility_date } = readWorkerConfig(root, ingest.config, env);
    await uploadPlaceholder(availability.name, compatibility_date);
    await deployWorker(ingest);
  }
}
await deployWorker(availability);
await deployWorker(dispatch);

// 7. Secrets.
step(7, "Secrets (set once per Worker with `wrangler secret put`; values never live in the repo)");
for (const w of plan.workers) {
  let have = [];
  if (!dryRun) {
    try {
      have = JSON.parse(await wr(["secret", "list", "-c", w.config, "--env", env, "--format", "json"])).map((s) => s.name);
    } catch {
      have = [];
    }
  }
  const missing = w.secrets.filter((s) => !have.includes(s));
  for (const s of w.secrets) {
    const cmd = `npx wrangler secret put ${s} -c ${w.config} --env ${env}`;
    if (dryRun) console.log(`   ${w.name}: ${s}  →  ${cmd}`);
    else console.log(`   ${missing.includes(s) ? "✘ missing" : "✓ set    "} ${w.name}: ${s}${missing.includes(s) ? `  →  ${cmd}` : ""}`);
  }
}
console.log("   ADMIN_TOKEN must be the same on ingest and availability; SECRETS_KEY the same on ingest and dispatch (it decrypts what ingest sealed).");

// 8. Routes.
step(8, "Routes");
for (const w of plan.workers) {
  const routes = w.routes.map((r) => (typeof r === "string" ? r : `${r.pattern}${r.custom_domain ? " (custom domain)" : r.zone_name ? ` (zone ${r.zone_name})` : ""}`));
  console.log(`   ${w.name.padEnd(36)} ${routes.join(", ") || "(no routes)"}${w.workersDev ? "  + workers.dev" : ""}`);
}
console.log(`\n${dryRun ? "Dry run complete: nothing was created or deployed." : `Deployed ${env}. Smoke test: curl https://<api host>/healthz, then \`switchyard --url https://<api host> status\`.`}`);
