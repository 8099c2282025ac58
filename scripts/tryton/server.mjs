// A running Tryton for tests and `npm run dev -- --erp tryton`: trytond on 127.0.0.1 serving a
// fresh copy of the cached database (scripts/tryton/db.mjs), stopped with stop() and never left
// behind (scripts/tryton/trytond.mjs).
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ADMIN, freshDatabase } from "./db.mjs";
import { onShutdown, spawnTrytond } from "./trytond.mjs";

/**
 * Starts Tryton. Without `dataDir` it runs in a temp folder removed on stop(); with one, an
 * existing `<database>.sqlite` there is kept (state survives restarts), else a fresh copy is made.
 * @example const t = await startTryton({ port: 0 }); // { url, database, username, password, stop }
 */
export async function startTryton({ port = 0, dataDir, database = "switchyard" } = {}) {
  const temp = !dataDir;
  const dir = dataDir ? path.resolve(dataDir) : mkdtempSync(path.join(os.tmpdir(), "switchyard-tryton-"));
  const forget = temp ? onShutdown(() => rmSync(dir, { recursive: true, force: true })) : () => {};
  try {
    if (!existsSync(path.join(dir, `${database}.sqlite`))) await freshDatabase(dir, database);
    const server = await spawnTrytond({ dataDir: dir, port });
    return {
      url: server.url,
      database,
      username: ADMIN.username,
      password: ADMIN.password,
      version: server.version,
      pid: server.pid,
      dataDir: dir,
      logFile: server.logFile,
      async stop() {
        await server.stop();
        if (temp) rmSync(dir, { recursive: true, force: true });
        forget();
      },
    };
  } catch (e) {
    if (temp) rmSync(dir, { recursive: true, force: true });
    forget();
    throw e;
  }
}
