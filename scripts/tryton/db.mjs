// An initialised Tryton SQLite database, built once per machine and cached under
// <repo>/.cache/tryton/ (trytond-admin --all takes 30–45 s), keyed by the Tryton and module
// versions and SETUP_VERSION. Every run starts from a fresh copy of the cached file.
//
// The one-time setup in the cached file is what any Tryton install has before its first sale:
// currencies, a company, the admin user in that company, a few countries, and a chart of
// accounts with a "Goods" accounting category. We chose the chart over `invoice_method:
// "manual"`: a distributor's Tryton invoices from the sale (the default `invoice_method:
// "order"`), and with a chart the tests run that same path (confirm → process creates the
// shipment *and* the draft invoice). The connector therefore never overrides the ERP's
// invoicing policy. It costs nothing per run, since it is in the cached file.
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { locateTryton, MODULES } from "./locate.mjs";
import { date, decimal, trytonSession } from "./rpc.mjs";
import { onShutdown, spawnTrytond, trytondAdmin } from "./trytond.mjs";

/** Bump when the setup below changes, so caches built by older code are not reused. */
export const SETUP_VERSION = 1;
/** Local-only credentials of the cached database (a throwaway SQLite file, never a real ERP). */
export const ADMIN = { username: "admin", password: "switchyard-tryton-admin" };
export const COMPANY_CURRENCY = "USD";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cacheDir = path.join(root, ".cache", "tryton");

const CURRENCIES = [
  { code: "USD", name: "US Dollar", symbol: "$", numeric_code: "840", rate: "1" },
  { code: "EUR", name: "Euro", symbol: "€", numeric_code: "978", rate: "0.92" },
  { code: "GBP", name: "Pound Sterling", symbol: "£", numeric_code: "826", rate: "0.79" },
  { code: "CAD", name: "Canadian Dollar", symbol: "CA$", numeric_code: "124", rate: "1.37" },
];
const COUNTRIES = [
  ["US", "United States"], ["CA", "Canada"], ["MX", "Mexico"], ["GB", "United Kingdom"], ["DE", "Germany"],
  ["FR", "France"], ["NL", "Netherlands"], ["BE", "Belgium"], ["ES", "Spain"], ["IT", "Italy"], ["AU", "Australia"],
];

/** The cache key: Tryton version, module versions and SETUP_VERSION. */
export function cacheKey(t = locateTryton()) {
  const h = createHash("sha256").update(JSON.stringify({ version: t.version, modules: MODULES.map((m) => [m, t.modules[m]]), SETUP_VERSION })).digest("hex");
  return `switchyard-${t.version}-${h.slice(0, 12)}`;
}

async function setUp(tryton) {
  const { call } = tryton;
  const currencies = {};
  for (const c of CURRENCIES) {
    [currencies[c.code]] = await call("model.currency.currency.create", [{
      code: c.code, name: c.name, symbol: c.symbol, numeric_code: c.numeric_code, rounding: decimal("0.01"), digits: 2,
      rates: [["create", [{ date: date(new Date(Date.UTC(2000, 0, 1))), rate: decimal(c.rate) }]]],
    }]);
  }
  await call("model.country.country.create", COUNTRIES.map(([code, name]) => ({ code, name })));
  const [companyParty] = await call("model.party.party.create", [{ name: "Switchyard Demo Distribution" }]);
  const [company] = await call("model.company.company.create", [{ party: companyParty, currency: currencies[COMPANY_CURRENCY] }]);
  await call("model.res.user.write", [tryton.uid], { companies: [["add", [company]]], company });
  await tryton.refreshContext();

  // Chart of accounts from the minimal template, then the default receivable/payable accounts
  // (the create_chart wizard, driven the way the client drives it).
  const [template] = await call("model.account.account.template.search", [["parent", "=", null], ["name", "=", "Minimal Account Chart"]], 0, 1, null);
  if (!template) throw new Error("the Minimal Account Chart template is missing");
  const [sid] = await call("wizard.account.create_chart.create");
  await call("wizard.account.create_chart.execute", sid, { account: { company, account_template: template } }, "create_account");
  const account = async (domain) => (await call("model.account.account.search", domain, 0, 1, null))[0];
  const receivable = await account([["type.receivable", "=", true], ["party_required", "=", true]]);
  const payable = await account([["type.payable", "=", true], ["party_required", "=", true]]);
  await call("wizard.account.create_chart.execute", sid, { properties: { company, account_receivable: receivable, account_payable: payable } }, "create_properties");
  await call("wizard.account.create_chart.delete", sid);
  const revenue = await account([["type.revenue", "=", true]]);
  const expense = await account([["type.expense", "=", true]]);
  await call("model.product.category.create", [{ name: "Goods", accounting: true, account_revenue: revenue, account_expense: expense }]);
}

async function build(target) {
  const work = mkdtempSync(path.join(os.tmpdir(), "switchyard-tryton-init-"));
  const forget = onShutdown(() => rmSync(work, { recursive: true, force: true }));
  try {
    const name = "init";
    writeFileSync(path.join(work, `${name}.sqlite`), ""); // the SQLite backend refuses a missing file
    const passwordFile = path.join(work, "admin.pass");
    writeFileSync(passwordFile, ADMIN.password, { mode: 0o600 });
    const started = Date.now();
    console.log(`[tryton] initialising a database (${MODULES.join(", ")}); once per machine, ~30–45 s …`);
    await trytondAdmin(["-d", name, "--all", "-u", ...MODULES, "--activate-dependencies", "--email", "admin@example.com"], { dataDir: work, passwordFile });
    const server = await spawnTrytond({ dataDir: work });
    try {
      const tryton = await trytonSession({ url: server.url, database: name, ...ADMIN });
      await setUp(tryton);
      await tryton.logout();
    } finally {
      await server.stop();
    }
    mkdirSync(path.dirname(target), { recursive: true });
    const partial = `${target}.${process.pid}.partial`;
    copyFileSync(path.join(work, `${name}.sqlite`), partial);
    renameSync(partial, target); // atomic: a concurrent build just replaces it with an equal file
    console.log(`[tryton] cached ${path.relative(root, target)} (${Math.round((Date.now() - started) / 1000)} s)`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    forget();
  }
}

/**
 * The cached, initialised database file; builds it on the first call on this machine.
 * @example const file = await cachedDatabase(); // <repo>/.cache/tryton/switchyard-6.0.29-….sqlite
 */
export async function cachedDatabase() {
  const t = locateTryton();
  if (!t.ok) throw new Error(`Tryton is not installed (${t.missing.join(", ")}): run node scripts/tryton/ensure.mjs`);
  const file = path.join(cacheDir, `${cacheKey(t)}.sqlite`);
  if (!existsSync(file)) await build(file);
  return file;
}

/**
 * Copies the cached database into `dataDir` as database `name` (a fresh ERP for one run).
 * @example await freshDatabase("/tmp/run1", "switchyard"); // → /tmp/run1/switchyard.sqlite
 */
export async function freshDatabase(dataDir, name = "switchyard") {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, `${name}.sqlite`);
  copyFileSync(await cachedDatabase(), file);
  return file;
}
