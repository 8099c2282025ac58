// The system under chaos: `npm run dev`'s own launcher (scripts/dev.mjs) as a child process on a
// state folder of its own, killed with SIGKILL (launcher, lifeline and the runtime's whole process
// group) and restarted on the same state.
import { spawn } from "node:child_process";
import path from "node:path";
import { nodeBin } from "../dev-system.mjs";
import { runtimeGroup } from "../state-lock.mjs";

export function runtime(root, { port, stateDir, env }) {
  let child = null;
  let starts = 0;

  async function start() {
    starts++;
    child = spawn(nodeBin(root), [path.join(root, "scripts", "dev.mjs")], { cwd: root, env: { ...process.env, PORT: String(port), SWITCHYARD_STATE_DIR: stateDir, ...env }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise((r) => child.once("exit", r));
    const ready = await Promise.race([
      new Promise((resolve) => {
        const t = setInterval(() => {
          if (out.includes("Switchyard is running")) {
            clearInterval(t);
            resolve(true);
          }
        }, 100);
        exited.then(() => clearInterval(t));
      }),
      exited.then(() => false),
    ]);
    if (!ready) throw new Error(`npm run dev did not start:\n${out.slice(-3000)}`);
    return child;
  }

  /** SIGKILL everything of the runtime at once: nothing gets to clean up or flush. */
  async function kill() {
    const group = runtimeGroup(stateDir);
    const c = child;
    child = null;
    c?.kill("SIGKILL");
    if (group) {
      try {
        process.kill(-group, "SIGKILL");
      } catch {
        // already gone
      }
    }
    if (c && c.exitCode === null) await new Promise((r) => c.once("exit", r));
  }

  async function stop() {
    const c = child;
    child = null;
    if (!c) return;
    c.kill("SIGTERM");
    await new Promise((r) => c.once("exit", r));
  }

  return { start, kill, stop, starts: () => starts, url: `http://127.0.0.1:${port}` };
}
