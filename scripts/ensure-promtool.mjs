#!/usr/bin/env node
// Makes `promtool` (Debian's `prometheus` package) available for the metrics test
// (test-node/metrics.test.mjs runs `promtool check metrics` on a real scrape). `npm test` runs this
// in `pretest`, and .ci/run before the suite. Idempotent: with promtool in place it only checks.
// Off CI, on a machine where it cannot be installed (not Debian, not root, no apt), the promtool
// check is skipped, said loudly; on CI a missing promtool fails.
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { aptInstall, executable, onCi, whyNotInstallable } from "./apt.mjs";

export const PROMTOOL = process.env.SWITCHYARD_PROMTOOL || "/usr/bin/promtool";

const say = (line) => console.log(`[promtool] ${line}`);

/** True when the promtool executable is there and runnable. */
export const promtoolPresent = (path = PROMTOOL) => executable(path);

const install = () => aptInstall(["prometheus"], { say, recommends: false });

/**
 * Ensures promtool is installed: its path, or null when it is missing and may be skipped (off
 * CI, not installable here). Throws with a one-line reason on CI.
 * @example const promtool = ensurePromtool(); // "/usr/bin/promtool"
 */
export function ensurePromtool() {
  if (promtoolPresent()) return PROMTOOL;
  const reason = whyNotInstallable();
  if (!reason) {
    try {
      say(`${PROMTOOL} is missing; installing Debian's prometheus package`);
      install();
    } catch (e) {
      if (onCi()) throw e;
      say(`apt-get install failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (promtoolPresent()) return PROMTOOL;
  }
  if (!onCi()) return null;
  throw new Error(`promtool is missing (${PROMTOOL}) and cannot be installed: ${reason ?? "apt-get install did not provide it"}. Install Debian's prometheus package.`);
}

/** The loud line a skipped promtool check prints. */
export const SKIP_NOTICE = "\n!!! promtool is missing and cannot be installed here (not on CI): `promtool check metrics` is SKIPPED. !!!\n";

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    const found = ensurePromtool();
    if (found === null) console.warn(SKIP_NOTICE);
    else say(`${found} ${(spawnSync(found, ["--version"], { encoding: "utf8" }).stdout ?? "").split("\n")[0]}`);
  } catch (e) {
    console.error(`✘ ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
