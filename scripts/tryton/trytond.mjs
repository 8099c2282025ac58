// Runs Debian's trytond as a child process on loopback, on SQLite files in one folder, and makes
// sure it never outlives us: killed on stop(), on our exit and on SIGINT/SIGTERM, and — should
// this process be killed outright — a watchdog thread inside trytond exits when its stdin (a
// pipe from us) closes.
import { spawn, execFile } from "node:child_process";
import { closeSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { locateTryton } from "./locate.mjs";
import { serverCall } from "./rpc.mjs";

const WATCHDOG = `
import os, sys, threading, runpy
def _watch():
    try:
        while sys.stdin.buffer.read(4096):
            pass
    finally:
        os._exit(0)
threading.Thread(target=_watch, daemon=True).start()
script = sys.argv[1]
sys.argv = sys.argv[1:]
runpy.run_path(script, run_name="__main__")
`;

const live = new Set();
const cleanups = new Set();
let hooked = false;
function shutdown() {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
  for (const fn of cleanups) {
    try {
      fn();
    } catch {
      // best effort: we are exiting
    }
  }
  cleanups.clear();
}
function hookParentExit() {
  if (hooked) return;
  hooked = true;
  process.on("exit", shutdown);
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    const onSignal = () => {
      shutdown();
      // Keep the signal's default meaning (exit) when nobody else handles it.
      if (process.listenerCount(sig) === 1) {
        process.removeListener(sig, onSignal);
        process.kill(process.pid, sig);
      }
    };
    process.on(sig, onSignal);
  }
}

/** Runs `fn` (synchronously) when this process exits or is stopped by a signal; returns an unregister function. */
export function onShutdown(fn) {
  hookParentExit();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** A free loopback port (the kernel's pick; trytond cannot report back a port 0). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** trytond.conf for SQLite files in `dataDir`, listening on `port`. */
export function writeConfig(dataDir, port) {
  const file = path.join(dataDir, "trytond.conf");
  writeFileSync(file, [
    "[database]", "uri = sqlite://", `path = ${dataDir}`, "",
    "[web]", `listen = 127.0.0.1:${port}`, "",
    "[session]", "timeout = 3600", "",
  ].join("\n"));
  return file;
}

/** Runs trytond-admin (database init and module activation) and resolves when it succeeds. */
export function trytondAdmin(args, { dataDir, passwordFile }) {
  const t = locateTryton();
  const conf = writeConfig(dataDir, 0);
  hookParentExit();
  return new Promise((resolve, reject) => {
    const child = execFile(t.python, [t.trytondAdmin, "-c", conf, ...args], { env: { ...process.env, TZ: "UTC", TRYTONPASSFILE: passwordFile }, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      live.delete(child);
      if (err) reject(new Error(`trytond-admin ${args.join(" ")} failed: ${(stderr || stdout || String(err)).slice(-1500)}`));
      else resolve();
    });
    live.add(child); // killed with us, like the server
  });
}

async function waitForVersion(url, child, logFile, deadline) {
  let exited = null;
  child.once("exit", (code, signal) => (exited = code ?? signal));
  for (;;) {
    if (exited !== null) throw new Error(`trytond exited (${exited}) before answering: ${tail(logFile)}`);
    try {
      return await serverCall(url, "common.server.version");
    } catch {
      if (Date.now() > deadline) throw new Error(`trytond did not answer on ${url} in time: ${tail(logFile)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

function tail(file) {
  try {
    return readFileSync(file, "utf8").slice(-1500);
  } catch {
    return "(no log)";
  }
}

/**
 * Starts trytond on 127.0.0.1 serving the SQLite databases in `dataDir`; resolves once it
 * answers `common.server.version`.
 * @example const s = await spawnTrytond({ dataDir }); console.log(s.url, s.version); await s.stop();
 */
export async function spawnTrytond({ dataDir, port = 0, timeoutMs = 60_000 }) {
  const t = locateTryton();
  if (!t.ok) throw new Error(`Tryton is not installed (${t.missing.join(", ")}): run node scripts/tryton/ensure.mjs`);
  hookParentExit();
  for (let attempt = 0; ; attempt++) {
    const p = port || (await freePort());
    const conf = writeConfig(dataDir, p);
    const logFile = path.join(dataDir, "trytond.log");
    const log = openSync(logFile, "a");
    // TZ=UTC: on SQLite, trytond stamps create_date/write_date with the server's local time.
    const child = spawn(t.python, ["-c", WATCHDOG, t.trytond, "-c", conf], {
      env: { ...process.env, TZ: "UTC" },
      stdio: ["pipe", log, log],
    });
    closeSync(log);
    live.add(child);
    child.once("exit", () => live.delete(child));
    // Neither the child nor its stdin pipe keeps our event loop alive; our exit closes the pipe.
    child.unref();
    child.stdin.unref?.();
    child.stdin.on("error", () => {});
    const url = `http://127.0.0.1:${p}`;
    try {
      const version = await waitForVersion(url, child, logFile, Date.now() + timeoutMs);
      const stop = () => new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.ref(); // wait for it even when nothing else keeps the event loop alive
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), 3000).unref();
      });
      return { url, port: p, version, pid: child.pid, logFile, stop };
    } catch (e) {
      child.kill("SIGKILL");
      // A port taken between freePort() and trytond's bind: try another one, a few times.
      if (!port && attempt < 3 && /Address already in use/.test(tail(logFile))) continue;
      throw e;
    }
  }
}
