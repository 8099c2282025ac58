// One runtime per state folder: a lock file inside it names the launcher and the runtime's
// process group. A second start on a folder whose runtime is alive refuses with who holds it;
// a lock left by a runtime that is gone is taken over.
import { openSync, readFileSync, rmSync, writeSync, closeSync } from "node:fs";
import path from "node:path";

const alive = (pid) => {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === "EPERM";
  }
};

/** The process group id of the runtime holding `dir` (written by the lifeline), or null. */
export function runtimeGroup(dir) {
  try {
    return Number(readFileSync(path.join(dir, "switchyard-runtime.group"), "utf8")) || null;
  } catch {
    return null;
  }
}

/**
 * Takes the lock on `dir` or throws a clear error naming the live holder. A runtime whose
 * launcher is already gone is on its way out (its lifeline ends it): wait a few seconds for it.
 * Returns `{ update(fields), release() }`.
 */
export async function lockState(dir, info = {}) {
  const file = path.join(dir, "switchyard-runtime.lock");
  const deadline = Date.now() + 15_000;
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      const fd = openSync(file, "wx");
      const write = (data) => {
        writeSync(fd, JSON.stringify(data), 0);
      };
      let data = { pid: process.pid, startedAt: new Date().toISOString(), ...info };
      write(data);
      return {
        update(fields) {
          data = { ...data, ...fields };
          const fd2 = openSync(file, "w");
          writeSync(fd2, JSON.stringify(data));
          closeSync(fd2);
        },
        release() {
          try {
            closeSync(fd);
          } catch {}
          rmSync(file, { force: true });
          rmSync(path.join(dir, "switchyard-runtime.group"), { force: true });
        },
      };
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
      let held = {};
      try {
        held = JSON.parse(readFileSync(file, "utf8"));
      } catch {}
      let group = null;
      try {
        group = Number(readFileSync(path.join(dir, "switchyard-runtime.group"), "utf8")) || null;
      } catch {}
      const live = [held.pid, held.runtimePid, group].filter(alive);
      if (live.length && !alive(held.pid) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (live.length) {
        const who = [["launcher", held.pid], ["lifeline", held.runtimePid], ["runtime group", group]].filter(([, p]) => live.includes(p)).map(([w, p]) => `${w} ${p}`);
        throw new Error(
          `the state folder ${dir} is in use by another Switchyard runtime (pid ${live.join(", ")}: ${who.join(", ")}; started ${held.startedAt ?? "?"}${held.url ? `, ${held.url}` : ""}). Stop it first, or start with another state folder.`,
        );
      }
      rmSync(file, { force: true }); // left by a runtime that is gone
    }
  }
  throw new Error(`could not lock ${dir}`);
}
