#!/usr/bin/env node
// Makes Tryton 6.0 LTS available for the tests (`npm test` runs this in `pretest`): when the
// server or a module is missing, installs them from Debian's own packages (PyPI is not reachable
// from CI). Idempotent; with everything installed it only reads a few files.
// SWITCHYARD_SKIP_TRYTON=1: install nothing, and the Tryton tests are skipped (said loudly).
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { aptInstall, whyNotInstallable } from "../apt.mjs";
import { DEBIAN_PACKAGES, locateTryton } from "./locate.mjs";

const say = (line) => console.log(`[tryton] ${line}`);

function install() {
  // The package's postinst would start a system trytond service; tests start their own server,
  // so deny service starts for the duration of the install (the usual container policy-rc.d).
  const policy = "/usr/sbin/policy-rc.d";
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
  try {
    aptInstall(DEBIAN_PACKAGES, { say, recommends: false });
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
}

/**
 * Ensures Tryton is installed; returns what `locateTryton` found, or null when skipped.
 * @example const tryton = ensureTryton(); // throws with a one-line reason when it cannot
 */
export function ensureTryton() {
  if (process.env.SWITCHYARD_SKIP_TRYTON === "1") return null;
  let found = locateTryton();
  if (found.ok) return found;
  const reason = whyNotInstallable();
  if (reason) throw new Error(`Tryton is missing (${found.missing.join(", ")}) and cannot be installed: ${reason}. Install Debian's tryton-server and tryton-modules-sale, or set SWITCHYARD_SKIP_TRYTON=1 to skip the Tryton tests.`);
  say(`missing: ${found.missing.join(", ")}; installing from Debian`);
  install();
  found = locateTryton();
  if (!found.ok) throw new Error(`Tryton is still missing after apt-get install: ${found.missing.join(", ")}`);
  return found;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (process.env.SWITCHYARD_SKIP_TRYTON === "1") {
    console.warn("\n!!! SWITCHYARD_SKIP_TRYTON=1: Tryton is not checked or installed, and the Tryton ERP connector tests are SKIPPED. !!!\n");
    process.exit(0);
  }
  try {
    const t = ensureTryton();
    const major = t.version.split(".").slice(0, 2).join(".");
    say(`Tryton ${t.version} (${t.trytond}) with ${Object.keys(t.modules).length} modules${major === "6.0" ? "" : " — note: the connector was verified on 6.0 LTS"}`);
  } catch (e) {
    console.error(`✘ ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  }
}
