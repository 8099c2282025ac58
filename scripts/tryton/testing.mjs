// The Tryton the vitest run talks to: installed (ensure.mjs), started from the cached database
// (server.mjs) and seeded with the tests' fixture (seed.mjs). Called from vitest.config.ts.
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureTryton } from "./ensure.mjs";
import { seedTryton } from "./seed.mjs";
import { startTryton } from "./server.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const TESTS_DIR = "connectors/erp/tryton";
/** Test files outside TESTS_DIR that drive Switchyard against this Tryton. */
const OTHER_TESTS = ["test/erp-tryton.test.ts"];

/**
 * Whether this vitest run can include the Tryton tests: no file filters on the command line, or
 * one that matches their paths (vitest filters are substrings of file paths).
 */
export function trytonTestsSelected(argv = process.argv.slice(2)) {
  const filters = argv.filter((a) => !a.startsWith("-") && !["run", "watch", "dev", "related"].includes(a));
  if (!filters.length) return true;
  const files = [...readdirSync(path.join(root, TESTS_DIR)).filter((f) => f.endsWith(".test.ts")).map((f) => `${TESTS_DIR}/${f}`), ...OTHER_TESTS];
  return filters.some((f) => files.some((file) => file.includes(f.replace(/^\.\//, "")) || path.resolve(f) === path.join(root, file)));
}

/**
 * Starts and seeds Tryton for the test run; `{ skipped }` when SWITCHYARD_SKIP_TRYTON=1 or the
 * run's file filters leave the Tryton tests out.
 * @example const tryton = await startTrytonForTests(fixture); tryton.url
 */
export async function startTrytonForTests(fixture) {
  if (process.env.SWITCHYARD_SKIP_TRYTON === "1") {
    const skipped = "SWITCHYARD_SKIP_TRYTON=1: the Tryton ERP connector tests are skipped";
    console.warn(`\n!!! ${skipped} !!!\n`);
    return { skipped };
  }
  if (!trytonTestsSelected()) return { skipped: "no Tryton test file is selected in this run" };
  ensureTryton();
  const started = Date.now();
  const tryton = await startTryton({ port: 0 });
  try {
    await seedTryton(tryton, fixture);
  } catch (e) {
    await tryton.stop();
    throw e;
  }
  console.log(`[tryton] ${tryton.version} on ${tryton.url}, seeded in ${Date.now() - started} ms`);
  return tryton;
}
