#!/usr/bin/env node
// Makes `promtool` (Debian's `prometheus` package) available for the metrics test
// (test-node/metrics.test.mjs runs `promtool check metrics` on a real scrape). `npm test` runs this
// in `pretest`, and .ci/run before the suite. Idempotent: with promtool in place it only checks.
// Off CI, on a machine where it cannot be installed (not Debian, not root, no apt), the promtool
// check is skipped, said loudly; on CI a missing promtool fails.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { pathToFileURL } from "node:url";

export const PROMTOOL = process.env.SWITCHYARD_PROMTOOL || "/usr/bin/promtool";

const say = (line) => console.log(`[promtool] ${line}`);
const onCi = () => Boolean(process.env.CI) && process.env.CI !== "false";

/** True when the promtool executable is there and runnable. */
export function promtoolPresent(path = PROMTOOL) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function whyNotInstallable() {
  if (process.platform !== "linux") return `this is ${process.platform}, not Debian`;
  if (typeof process.getuid === "function" && process.getuid() !== 0) return "not running as root (apt-get install needs root)";
  if (spawnSync("apt-get", ["--version"]).status !== 0) return "apt-get is not available";
  return null;
}

function hasCandidate(pkg) {
  const out = spawnSync("apt-cache", ["policy", pkg], { encoding: "utf8" }).stdout ?? "";
  const candidate = /Candidate:\s*(\S+)/.exec(out)?.[1];
  return Boolean(candidate && candidate !== "(none)");
}

function install() {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!hasCandidate("prometheus")) {
    say("apt-get update (the package lists do not know prometheus yet)");
    execFileSync("apt-get", ["update"], { stdio: "inherit", env });
  }
  say("apt-get install -y --no-install-recommends prometheus");
  execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "prometheus"], { stdio: "inherit", env });
}

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
