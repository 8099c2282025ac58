// A running Tryton for tests and `npm run dev -- --erp tryton`: trytond on 127.0.0.1 serving a
// fresh copy of the cached database (scripts/tryton/db.mjs), stopped with stop() and never left
// behind (scripts/tryton/trytond.mjs).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ADMIN, freshDatabase } from "./db.mjs";
import { spawnTrytond } from "./trytond.mjs";

const temps = new Set();
process.on("exit", () => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/**
 * Starts Tryton. Without `dataDir` it runs in a temp folder removed on stop(); with one, an
 * existing `<database>.sqlite` there is kept (state survives restarts), else a fresh copy is made.
 * `databases` adds more fresh databases beside the first (one per test file, say).
 * @example const t = await startTryton({ port: 0 }); // { url, database, username, password, stop }
 */
export async function startTryton({ port = 0, dataDir, database = "switchyard", databases = [] } = {}) {
  const temp = !dataDir;
  const dir = dataDir ? path.resolve(dataDir) : mkdtempSync(path.join(os.tmpdir(), "switchyard-tryton-"));
  if (temp) temps.add(dir);
  try {
    for (const name of [database, ...databases]) {
      if (!existsSync(path.join(dir, `${name}.sqlite`))) await freshDatabase(dir, name);
    }
    const server = await spawnTrytond({ dataDir: dir, port });
    return {
      url: server.url,
      database,
      databases: [database, ...databases],
      username: ADMIN.username,
      password: ADMIN.password,
      version: server.version,
      pid: server.pid,
      dataDir: dir,
      logFile: server.logFile,
      async stop() {
        await server.stop();
        if (temp) rmSync(dir, { recursive: true, force: true });
        temps.delete(dir);
      },
    };
  } catch (e) {
    if (temp) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}
