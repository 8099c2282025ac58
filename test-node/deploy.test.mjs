// The parts of `npm run deploy` that need no Cloudflare account: argument checks, the refusal to
// deploy placeholders, and the TOML edit that records created resource ids (on copies of the
// configs, read back with wrangler's own reader). The dry run itself runs in `npm run check:deploy`.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { planEnv, readWorkerConfig, setEnvBindingValue, WORKERS } from "../scripts/deploy-plan.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const dirs = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function deploy(args) {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repo, "scripts", "deploy.mjs"), ...args], { cwd: repo, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? err.code : 0, out: `${stdout}${stderr}` }),
    );
  });
}

test("deploy refuses an unknown environment", async () => {
  const r = await deploy(["--env", "qa"]);
  assert.equal(r.code, 2);
  assert.match(r.out, /--env must be one of staging, production/);
});

test("a real deploy stops on example.com routes and ERP_URL before touching anything", async (t) => {
  if (!planEnv(repo, "staging").placeholders.length) return t.skip("staging has real hostnames now");
  const r = await deploy(["--env", "staging"]);
  assert.equal(r.code, 1);
  assert.match(r.out, /Replace these placeholders before deploying staging/);
  assert.doesNotMatch(r.out, /whoami|Create what is missing/);
});

test("recorded ids land in the right environment of every config, and wrangler reads them back", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "switchyard-deploy-"));
  dirs.push(dir);
  for (const w of WORKERS) cpSync(path.join(repo, w.config), path.join(dir, w.config), { recursive: true });
  const d1 = "11111111-2222-3333-4444-555555555555";
  const kv = "abcdefabcdefabcdefabcdefabcdef12";
  for (const w of WORKERS) {
    const file = path.join(dir, w.config);
    const before = readFileSync(file, "utf8");
    assert.equal(setEnvBindingValue(file, "staging", "d1_databases", "DB", "database_id", d1), true);
    assert.equal(setEnvBindingValue(file, "staging", "kv_namespaces", "AVAILABILITY_KV", "id", kv), true);
    assert.equal(setEnvBindingValue(file, "staging", "d1_databases", "NOPE", "database_id", d1), false);
    const afterText = readFileSync(file, "utf8");
    // Only two lines change: comments, layout and the other environment stay as they were.
    const changed = afterText.split("\n").filter((l, i) => l !== before.split("\n")[i]);
    assert.deepEqual(changed, [`database_id = "${d1}"`, `id = "${kv}"`]);
  }
  for (const w of WORKERS) {
    const staging = readWorkerConfig(dir, w.config, "staging");
    assert.equal(staging.d1_databases[0].database_id, d1);
    assert.equal(staging.kv_namespaces[0].id, kv);
    for (const env of ["production", undefined]) {
      assert.equal(readWorkerConfig(dir, w.config, env).d1_databases[0].database_id, readWorkerConfig(repo, w.config, env).d1_databases[0].database_id);
      assert.equal(readWorkerConfig(dir, w.config, env).kv_namespaces[0].id, readWorkerConfig(repo, w.config, env).kv_namespaces[0].id);
    }
  }
});
