// The README runs as written: every ```sh block of README.md and docs/*.md is run, in order, in
// one bash session in the repository root, next to a real `npm run dev` (this test starts one on
// its own state folder and ports, and points 127.0.0.1:8787 / :8788 at them). Each curl must
// answer the status its `# → NNN` comment states (on its line or the comment lines after it),
// or a 2xx when none is stated. `npm run dev` and `npm test` lines are what CI itself runs, so
// they are skipped here.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, startSystem } from "../scripts/dev-system.mjs";
import { lintOpenApi } from "../scripts/lint-openapi.mjs";
import { seedDemo } from "../scripts/seed.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const docs = ["README.md", ...readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];

/** ```sh blocks of a markdown file, with the line each starts at. */
export function shellBlocks(markdown) {
  const blocks = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== "```sh") continue;
    const start = i + 1;
    const body = [];
    for (i++; i < lines.length && lines[i].trim() !== "```"; i++) body.push(lines[i]);
    blocks.push({ line: start + 1, text: body.join("\n") });
  }
  return blocks;
}

/** The expected status of each curl in a block, in order (status null: any 2xx or 304), with its command. */
export function expectations(text) {
  const lines = text.replace(/\\\n/g, " ").split("\n");
  const isCurl = (l) => /(^|[\s(|;&$])curl\s/.test(l.replace(/#.*$/, ""));
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const code = lines[i].replace(/#.*$/, "");
    const count = (code.match(/(^|[\s(|;&$])curl\s/g) ?? []).length;
    for (let k = 0; k < count; k++) {
      // The statement may go on over lines (a quoted body): its `# → NNN` comes before the next curl.
      let expected = /#\s*→\s*(\d{3})/.exec(lines[i])?.[1] ?? null;
      for (let j = i + 1; expected === null && j < lines.length && !isCurl(lines[j]); j++) expected = /#\s*→\s*(\d{3})/.exec(lines[j])?.[1] ?? null;
      out.push({ status: expected === null ? null : Number(expected), command: code.trim().slice(0, 160) });
    }
  }
  return out;
}

/** Runs a bash script to completion (or 9 minutes), collecting its output. */
function run(script, env) {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-c", script], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 540_000);
    child.on("close", (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

let sys;
let work;
before(async () => {
  work = mkdtempSync(path.join(tmpdir(), "switchyard-readme-"));
  const port = await freePort();
  const erpPort = await freePort();
  sys = await startSystem({ root, port, erpPort, persistTo: path.join(work, "state"), overrides: { ERP_URL: `http://127.0.0.1:${erpPort}` }, quiet: true, log: () => {} });
  await seedDemo({ url: sys.url, adminToken: sys.vars.ADMIN_TOKEN, demoKey: sys.vars.DEMO_API_KEY, log: () => {} });
});
after(async () => {
  await sys?.stop();
  rmSync(work, { recursive: true, force: true });
});

for (const file of docs) {
  test(`every example in ${file} works against npm run dev`, { timeout: 600_000 }, async () => {
    const blocks = shellBlocks(readFileSync(path.join(root, file), "utf8"));
    if (!blocks.length) return;
    const log = path.join(work, `${path.basename(file)}.curl.log`);
    writeFileSync(log, "");
    const port = new URL(sys.url).port;
    const erpPort = new URL(sys.erpUrl).port;
    const script = [
      "set -u",
      // What the README's "Try it" sets first; docs pages rely on it as a reader who came from there does.
      `KEY=$(grep DEMO_API_KEY .dev.vars | cut -d= -f2)`,
      `ADMIN="authorization: Bearer $(grep ADMIN_TOKEN .dev.vars | cut -d= -f2)"`,
      // Status of every curl, in order; the body still goes to stdout as when pasted.
      `curl() { local out; out=$(mktemp); local code; code=$(command curl -sS -o "$out" -w '%{http_code}' "$@"); local rc=$?; cat "$out"; rm -f "$out"; echo "$code" >> '${log}'; return $rc; }`,
      ...blocks.map((b, n) => {
        const text = b.text
          .split("\n")
          .filter((l) => !/\bnpm (run dev|test)\b/.test(l.replace(/#.*$/, "")))
          .join("\n")
          .replaceAll("127.0.0.1:8787", `127.0.0.1:${port}`)
          .replaceAll("localhost:8787", `127.0.0.1:${port}`)
          .replaceAll("127.0.0.1:8788", `127.0.0.1:${erpPort}`)
          .replaceAll("localhost:8788", `127.0.0.1:${erpPort}`);
        return `echo "::block ${n} (${file}:${b.line})" >&2\n${text}\necho "::end ${n} $?" >&2`;
      }),
    ].join("\n");
    // Not spawnSync: the ERP simulator runs in this process and must keep answering.
    const r = await run(script, { ...process.env, SWITCHYARD_URL: sys.url });
    const statuses = readFileSync(log, "utf8").split("\n").filter(Boolean).map(Number);
    const wanted = blocks.flatMap((b) => expectations(b.text.split("\n").filter((l) => !/\bnpm (run dev|test)\b/.test(l.replace(/#.*$/, ""))).join("\n")));
    const context = `\n--- stderr ---\n${r.stderr.slice(-6000)}\n--- stdout ---\n${r.stdout.slice(-3000)}`;
    assert.equal(statuses.length, wanted.length, `ran ${statuses.length} curls, the text has ${wanted.length}${context}`);
    statuses.forEach((s, i) => {
      const w = wanted[i];
      if (w.status === null) assert.ok((s >= 200 && s < 300) || s === 304, `curl #${i + 1} in ${file} answered ${s}, expected a 2xx: ${w.command}${context}`);
      else assert.equal(s, w.status, `curl #${i + 1} in ${file} answered ${s}, expected ${w.status}: ${w.command}${context}`);
    });
    const failed = [...r.stderr.matchAll(/::end (\d+) (\d+)/g)].filter((m) => m[2] !== "0");
    assert.deepEqual(failed.map((m) => `block ${m[1]} exited ${m[2]}`), [], `a block's last command failed${context}`);
  });
}

test("the OpenAPI document the running system serves lints clean (Redocly's recommended rules)", async () => {
  const text = await (await fetch(`${sys.url}/openapi.json`)).text();
  const problems = await lintOpenApi(text);
  const errors = problems.filter((p) => p.severity === "error");
  assert.deepEqual(errors, [], JSON.stringify(errors.slice(0, 10), null, 1));
});
