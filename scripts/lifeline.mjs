#!/usr/bin/env node
// Runs a command in a process group of its own and ends that group when our parent dies,
// however it dies. The parent holds our stdin open; the kernel closes it when the parent exits,
// is killed (SIGKILL included) or loses its terminal, and that EOF is our signal. So `npm run dev`
// never leaves a wrangler or workerd behind holding the state folder.
//   LIFELINE_GROUP_FILE=<file> node scripts/lifeline.mjs <command> [args…]
// writes the group's id to that file, so a state lock can tell whether the runtime still lives.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";

const [cmd, ...args] = process.argv.slice(2);
if (!cmd) {
  console.error("usage: lifeline.mjs <command> [args…]");
  process.exit(2);
}
const child = spawn(cmd, args, { detached: true, stdio: ["ignore", "inherit", "inherit"] });
if (process.env.LIFELINE_GROUP_FILE) writeFileSync(process.env.LIFELINE_GROUP_FILE, String(child.pid));
let ending = false;

function killGroup(signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function end(code) {
  if (ending) return;
  ending = true;
  killGroup("SIGTERM");
  // workerd may outlive wrangler's own shutdown: whatever is left of the group goes too.
  setTimeout(() => {
    killGroup("SIGKILL");
    process.exit(code);
  }, 3000).unref();
  child.once("exit", () => {
    killGroup("SIGKILL");
    process.exit(code);
  });
}

process.stdin.on("end", () => end(1));
process.stdin.on("error", () => end(1));
process.stdin.resume();
for (const s of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(s, () => end(0));
child.on("exit", (code, signal) => {
  if (ending) return;
  killGroup("SIGKILL");
  process.exit(code ?? (signal ? 1 : 0));
});
