// Starts Switchyard the way `npm run dev` does — one `wrangler dev` session with the three Worker
// configs, local D1 migrations applied, the ERP simulator in-process — but on a fresh temporary
// `--persist-to` directory and random free loopback ports, so a benchmark never touches (or is
// skewed by) a developer's `.wrangler/state`. Also starts the bare reference Worker.
//
// Everything listens on 127.0.0.1 only. `stop()` ends exactly the process groups started here.
import { execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startErpSimulator } from "../scripts/erp-sim.mjs";

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const BIN = join(ROOT, "node_modules", ".bin");
export const WRANGLER = join(BIN, "wrangler");
export const SYSTEM_CONFIGS = ["wrangler.toml", "workers/dispatch/wrangler.toml", "workers/availability/wrangler.toml"];
export const HOST = "127.0.0.1";

/**
 * A frozen copy of the checkout for one benchmark run. `wrangler dev` rebuilds and reloads
 * whenever a source file changes, and other engineers edit this checkout while a run is going:
 * a reload mid-scenario resets in-memory state and skews numbers. So the run serves a snapshot
 * (sources and configs copied, node_modules symlinked) taken at its start.
 */
export function snapshotCheckout() {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-bench-src-"));
  const skip = new Set(["node_modules", ".git", ".wrangler", ".bench-tmp", "dist"]);
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (src) => {
      const rel = src.slice(ROOT.length + 1);
      if (!rel) return true;
      const top = rel.split("/")[0];
      if (skip.has(top)) return false;
      if (rel.split("/").some((part) => part === ".wrangler" || part === "node_modules")) return false;
      if (rel.startsWith("bench/results")) return false;
      return true;
    },
  });
  symlinkSync(join(ROOT, "node_modules"), join(dir, "node_modules"), "dir");
  return { root: dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The checkout's commit and how many files differ from it (the snapshot includes uncommitted work). */
export function codeIdentity() {
  const git = (args) => {
    try {
      return execFileSync("git", args, { cwd: ROOT, encoding: "utf8" }).trim();
    } catch {
      return null;
    }
  };
  const status = git(["status", "--porcelain"]);
  return { commit: git(["rev-parse", "HEAD"]), uncommittedFiles: status === null ? null : status.split("\n").filter(Boolean).length };
}

/** A free TCP port on the loopback interface. */
export async function freePort() {
  const srv = createServer();
  srv.listen(0, HOST);
  await once(srv, "listening");
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** `.dev.vars` (or the committed example when missing) as an object. */
export function devVars() {
  const file = [".dev.vars", ".dev.vars.example"].map((f) => join(ROOT, f)).find((f) => existsSync(f));
  const out = {};
  if (!file) return out;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!m) continue;
    out[m[1]] = m[2].replace(/^"(.*)"$/, "$1");
  }
  return out;
}

// Keep wrangler from phoning home or prompting: this is a loopback-only benchmark.
const quietEnv = () => ({
  ...process.env,
  PATH: `${BIN}:${process.env.PATH}`,
  CI: "true",
  WRANGLER_SEND_METRICS: "false",
  WRANGLER_SEND_ERROR_REPORTS: "false",
  // Miniflare otherwise tries to download a sample `request.cf` object from the internet.
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_HIDE_BANNER: "true",
  DO_NOT_TRACK: "1",
  WRANGLER_LOG: process.env.WRANGLER_LOG ?? "log",
  NO_COLOR: "1",
  FORCE_COLOR: "0",
});

function run(cmd, args, opts = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? ROOT, env: quietEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolvePromise(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out.slice(-3000)}`))));
  });
}

/** `wrangler d1 migrations apply switchyard --local --persist-to <dir>` */
export async function applyMigrations(persistTo, root = ROOT) {
  await run(WRANGLER, ["d1", "migrations", "apply", "switchyard", "--local", "--persist-to", persistTo, "-c", "wrangler.toml"], { cwd: root });
}

/** Runs SQL against the local D1 of a session (works while `wrangler dev` runs). Returns result rows of each statement. */
export async function d1Query(persistTo, sql, config = "wrangler.toml") {
  const out = await run(WRANGLER, ["d1", "execute", "switchyard", "--local", "--persist-to", persistTo, "-c", config, "--json", "--command", sql]);
  const start = out.indexOf("[");
  return JSON.parse(out.slice(start)).map((r) => r.results);
}

/** Children (recursively) of `pid`, from /proc. */
export function descendants(pid) {
  const parent = new Map();
  for (const d of safeReaddir("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parent.set(Number(d), Number(rest[1]));
    } catch {
      /* gone */
    }
  }
  const out = [];
  const walk = (p) => {
    for (const [c, pp] of parent) if (pp === p) (out.push(c), walk(c));
  };
  walk(pid);
  return out;
}

function safeReaddir(p) {
  try {
    return readdirSync(p);
  } catch {
    return [];
  }
}

export function procName(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return null;
  }
}

/** workerd processes under a wrangler process. */
export function workerdPids(rootPid) {
  return descendants(rootPid).filter((p) => procName(p) === "workerd");
}

/** Resident set size (bytes) of a process, 0 when gone. */
export function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU time (user + system, ms) a process has used, 0 when gone. */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/**
 * One `wrangler dev` session: spawns it in its own process group and waits until `readyPath`
 * answers. Output goes to `logFile` (and to `onLine` if given).
 */
export async function startWrangler({ configs, persistTo, port, vars = {}, extraArgs = [], logFile, readyPath = "/", onLine, timeoutMs = 120_000, cwd = ROOT }) {
  const inspectorPort = await freePort();
  const args = ["dev", ...configs.flatMap((c) => ["-c", c]), "--ip", HOST, "--port", String(port), "--inspector-ip", HOST, "--inspector-port", String(inspectorPort)];
  if (persistTo) args.push("--persist-to", persistTo);
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  args.push("--show-interactive-dev-session=false", ...extraArgs);
  const child = spawn(WRANGLER, args, { cwd, env: quietEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
  const log = logFile ? createWriteStream(logFile) : null;
  let tail = "";
  const onData = (d) => {
    const s = d.toString();
    log?.write(s);
    tail = (tail + s).slice(-4000);
    if (onLine) for (const line of s.split("\n")) if (line) onLine(line);
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  let exited = null;
  child.on("exit", (code, sig) => (exited = { code, sig }));
  const url = `http://${HOST}:${port}`;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`wrangler dev exited early (${JSON.stringify(exited)}):\n${tail}`);
    if (Date.now() > deadline) {
      killGroup(child.pid);
      throw new Error(`wrangler dev did not answer ${readyPath} within ${timeoutMs} ms:\n${tail}`);
    }
    try {
      const res = await fetch(url + readyPath, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status < 500) break;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    pid: child.pid,
    child,
    workerdPids: () => workerdPids(child.pid),
    async stop() {
      if (exited) return;
      killGroup(child.pid, "SIGTERM");
      const t = setTimeout(() => killGroup(child.pid, "SIGKILL"), 5000);
      await new Promise((r) => (exited ? r() : child.once("exit", r)));
      clearTimeout(t);
      // workerd children share the group; make sure none outlived wrangler.
      killGroup(child.pid, "SIGKILL");
      log?.end();
    },
  };
}

function killGroup(pgid, sig = "SIGTERM") {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* already gone */
  }
}

/**
 * Copies the Worker configs into `dir` with `main` and `migrations_dir` made absolute (and `main`
 * optionally replaced), plus a `.dev.vars` beside each: in a multi-config session the auxiliary
 * Workers read only the `.dev.vars` next to their own config (they get no `--var`), so the
 * benchmark writes its own copies here instead of touching the checkout's.
 */
export function generateConfigs(dir, configs, vars, mains = {}, root = ROOT) {
  const body = Object.entries(vars).map(([k, v]) => `${k}=${JSON.stringify(String(v))}`).join("\n") + "\n";
  return configs.map((config, i) => {
    const src = join(root, config);
    const srcDir = dirname(src);
    const sub = join(dir, `cfg${i}`);
    mkdirSync(sub, { recursive: true });
    let text = readFileSync(src, "utf8");
    const main = mains[config] ? resolve(root, mains[config]) : null;
    text = text.replace(/^main\s*=\s*"([^"]+)"/m, (_, m) => `main = ${JSON.stringify(main ?? resolve(srcDir, m))}`);
    text = text.replace(/^migrations_dir\s*=\s*"([^"]+)"/gm, (_, m) => `migrations_dir = ${JSON.stringify(resolve(srcDir, m))}`);
    const out = join(sub, "wrangler.toml");
    writeFileSync(out, text);
    writeFileSync(join(sub, ".dev.vars"), body);
    return out;
  });
}

/**
 * The whole system started the way `npm run dev` starts it — migrations, ERP simulator
 * (in-process), one `wrangler dev` with the three configs — on a fresh state directory and free
 * ports. `mains` swaps entry points (the cost run uses instrumented ones, bench/cost/).
 */
export async function startSystem({ configs = SYSTEM_CONFIGS, mains = {}, label = "system", onLine, keepState = !!process.env.BENCH_KEEP_STATE, root = ROOT } = {}) {
  const persistTo = mkdtempSync(join(tmpdir(), `switchyard-bench-${label}-`));
  const vars = devVars();
  const erp = await startErpSimulator({ port: 0, host: HOST, token: vars.ERP_TOKEN, quiet: true });
  try {
    await applyMigrations(persistTo, root);
    const port = await freePort();
    const sessionVars = { ...vars, ERP_URL: erp.url };
    const generated = generateConfigs(join(persistTo, "configs"), configs, sessionVars, mains, root);
    const wr = await startWrangler({
      cwd: root,
      configs: generated,
      persistTo,
      port,
      vars: sessionVars,
      logFile: join(persistTo, "wrangler.log"),
      readyPath: "/healthz",
      onLine,
    });
    return {
      ...wr,
      erp,
      persistTo,
      vars: sessionVars,
      launcher: "bench/launch.mjs",
      async stop() {
        await wr.stop();
        await erp.close();
        if (!keepState) rmSync(persistTo, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await erp.close();
    rmSync(persistTo, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Prefers the project's own launcher (scripts/dev-system.mjs, what `npm run dev` uses) when it
 * exports `startSystem`; falls back to this file's equivalent. Fresh temp state, free ports.
 */
export async function startDevSystem({ root = ROOT, extraArgs = [] } = {}) {
  let mod = null;
  const launcher = join(root, "scripts", "dev-system.mjs");
  try {
    if (existsSync(launcher)) mod = await import(pathToFileURL(launcher).href);
  } catch (e) {
    console.warn(`scripts/dev-system.mjs could not be loaded (${e?.message}); using bench/launch.mjs`);
  }
  if (typeof mod?.startSystem !== "function") return startSystem({ root });
  const persistTo = mkdtempSync(join(tmpdir(), "switchyard-bench-system-"));
  const [port, erpPort] = [await freePort(), await freePort()];
  const prev = process.env.CLOUDFLARE_CF_FETCH_ENABLED;
  process.env.CLOUDFLARE_CF_FETCH_ENABLED = "false";
  try {
    await applyMigrations(persistTo, root); // harmless if the launcher applies them too
    const s = await mod.startSystem({ root, port, erpPort, persistTo, overrides: { ERP_URL: `http://${HOST}:${erpPort}` }, quiet: true, log: () => {}, extraArgs });
    return {
      url: s.url,
      erp: s.erp,
      vars: s.vars,
      persistTo,
      pid: s.child.pid,
      workerdPids: () => workerdPids(s.child.pid),
      launcher: "scripts/dev-system.mjs",
      async stop() {
        await s.stop();
        rmSync(persistTo, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(persistTo, { recursive: true, force: true });
    throw e;
  } finally {
    if (prev === undefined) delete process.env.CLOUDFLARE_CF_FETCH_ENABLED;
    else process.env.CLOUDFLARE_CF_FETCH_ENABLED = prev;
  }
}

/** The bare reference Worker (bench/reference), same runtime and compatibility date as the system. */
export async function startBare({ compatibilityDate }) {
  const port = await freePort();
  const persistTo = mkdtempSync(join(tmpdir(), "switchyard-bench-bare-"));
  const args = compatibilityDate ? ["--compatibility-date", compatibilityDate] : [];
  const wr = await startWrangler({ configs: ["bench/reference/wrangler.toml"], persistTo, port, extraArgs: args, logFile: join(persistTo, "wrangler.log"), readyPath: "/" });
  return {
    ...wr,
    async stop() {
      await wr.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
