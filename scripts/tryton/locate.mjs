// Where the Tryton server and its modules are on this machine, and which versions, read from the
// files themselves (no Python start-up), so `ensure.mjs` answers in milliseconds when all is there.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/** The Tryton modules a Switchyard sale needs (sale pulls in the rest; listed so the cache key names them). */
export const MODULES = [
  "country", "currency", "party", "company", "product", "stock",
  "account", "account_product", "account_invoice", "account_invoice_stock", "sale",
];

/** Debian packages that provide `MODULES` and the server (Debian 12 ships Tryton 6.0 LTS). */
export const DEBIAN_PACKAGES = ["tryton-server", ...MODULES.map((m) => `tryton-modules-${m.replaceAll("_", "-")}`)];

const PACKAGE_DIRS = ["/usr/lib/python3/dist-packages/trytond", "/usr/local/lib/python3/dist-packages/trytond"];

function onPath(name) {
  for (const dir of ["/usr/bin", ...(process.env.PATH ?? "").split(path.delimiter)]) {
    const file = path.join(dir, name);
    if (dir && existsSync(file)) return file;
  }
  return null;
}

function versionIn(file, re) {
  try {
    return re.exec(readFileSync(file, "utf8"))?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * The installed Tryton, or what is missing.
 * @example const t = locateTryton(); if (t.ok) console.log(t.version, t.trytond);
 */
export function locateTryton() {
  const trytond = onPath("trytond");
  const trytondAdmin = onPath("trytond-admin");
  // Debian's scripts run under the system python (`#!/usr/bin/python3`), whatever pyenv says.
  const python = trytond ? (/^#!\s*(\S+)/.exec(readFileSync(trytond, "utf8"))?.[1] ?? "/usr/bin/python3") : null;
  const packageDir = PACKAGE_DIRS.find((d) => existsSync(path.join(d, "__init__.py"))) ?? null;
  const version = packageDir ? versionIn(path.join(packageDir, "__init__.py"), /__version__\s*=\s*["']([^"']+)/) : null;
  const modules = {};
  const missing = [];
  if (!trytond) missing.push("trytond");
  if (!trytondAdmin) missing.push("trytond-admin");
  for (const m of MODULES) {
    const v = packageDir ? versionIn(path.join(packageDir, "modules", m, "tryton.cfg"), /^version\s*=\s*(\S+)/m) : null;
    if (v) modules[m] = v;
    else missing.push(`module ${m}`);
  }
  if (!version) missing.push("trytond python package");
  return { ok: missing.length === 0, missing, trytond, trytondAdmin, python, packageDir, version, modules };
}
