#!/usr/bin/env node
// Makes Debian's chromium available for the dashboard's browser test (`npm test` runs this in
// `pretest`): playwright-core drives the system browser and downloads none, so when
// /usr/bin/chromium is missing this installs Debian's package. Idempotent: with the browser in
// place it only checks that the file is there.
// SWITCHYARD_SKIP_BROWSER=1 (never on CI): when the browser cannot be installed, the browser
// test is skipped, said loudly, instead of failing.
import { spawnSync } from "node:child_process";
import { pathToFileURL } from "node:url";
import { aptInstall, executable, onCi, whyNotInstallable } from "./apt.mjs";

export const CHROMIUM = process.env.SWITCHYARD_CHROMIUM || "/usr/bin/chromium";
/** Chromium's arguments for a headless run as root in a container (no user namespace sandbox). */
export const CHROMIUM_ARGS = ["--no-sandbox", "--headless=new"];

const say = (line) => console.log(`[chromium] ${line}`);

/** True when the browser executable is there and runnable. */
export const chromiumPresent = (path = CHROMIUM) => executable(path);

const install = () => aptInstall(["chromium"], { say });

/**
 * Ensures the browser is installed: its path, or null when it is missing and may be skipped
 * (SWITCHYARD_SKIP_BROWSER=1 off CI). Throws with a one-line reason otherwise.
 * @example const browser = ensureChromium(); // "/usr/bin/chromium"
 */
export function ensureChromium() {
  if (chromiumPresent()) return CHROMIUM;
  const skippable = process.env.SWITCHYARD_SKIP_BROWSER === "1" && !onCi();
  const reason = whyNotInstallable();
  if (!reason) {
    try {
      say(`${CHROMIUM} is missing; installing Debian's chromium`);
      install();
    } catch (e) {
      if (!skippable) throw e;
      say(`apt-get install failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (chromiumPresent()) return CHROMIUM;
  }
  if (skippable) return null;
  throw new Error(`chromium is missing (${CHROMIUM}) and cannot be installed: ${reason ?? "apt-get install did not provide it"}. Install Debian's chromium, or set SWITCHYARD_SKIP_BROWSER=1 to skip the dashboard's browser test (not on CI).`);
}

/** The loud line a skipped browser test prints. */
export const SKIP_NOTICE = "\n!!! SWITCHYARD_SKIP_BROWSER=1 and no chromium: the dashboard's browser test is SKIPPED. !!!\n";

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  try {
    const found = ensureChromium();
    if (found === null) console.warn(SKIP_NOTICE);
    else say(`${found} ${spawnSync(found, ["--version"], { encoding: "utf8" }).stdout?.trim() ?? ""}`);
  } catch (e) {
    console.error(`✘ ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
