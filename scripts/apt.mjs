// Installing Debian packages the tests need (Tryton, chromium, prometheus's promtool), shared by
// scripts/ensure-chromium.mjs, scripts/ensure-promtool.mjs and scripts/tryton/ensure.mjs: whether
// this machine can install them, and `apt-get install` with one `apt-get update` when the package
// lists do not know the package yet.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";

/** True on CI (`CI` set and not "false"): a missing tool fails there instead of being skipped. */
export const onCi = () => Boolean(process.env.CI) && process.env.CI !== "false";

/** True when `path` is there and executable. */
export function executable(path) {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Why apt-get cannot install here (a one-line reason), or null when it can. */
export function whyNotInstallable() {
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

/**
 * `apt-get install -y` of `packages` (running `apt-get update` first when the lists do not know
 * the first one), non-interactive, output passed through.
 * @example aptInstall(["prometheus"], { say: console.log, recommends: false })
 */
export function aptInstall(packages, { say, recommends = true }) {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (!hasCandidate(packages[0])) {
    say(`apt-get update (the package lists do not know ${packages[0]} yet)`);
    execFileSync("apt-get", ["update"], { stdio: "inherit", env });
  }
  const args = ["install", "-y", ...(recommends ? [] : ["--no-install-recommends"]), ...packages];
  say(`apt-get ${args.join(" ")}`);
  execFileSync("apt-get", args, { stdio: "inherit", env });
}
