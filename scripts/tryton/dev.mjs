// `npm run dev -- --erp tryton`: a local Tryton as the demo's ERP. Installed when missing
// (ensure.mjs), run on loopback with its SQLite file under the state folder (kept across
// restarts), seeded with the demo's customers, items and stock (scripts/seed.mjs; DC1 is Tryton's
// warehouse WH, DC2 a warehouse coded DC2), and registered through Switchyard's admin API as the
// default ERP connection `tryton`. trytond dies with the dev session (trytond.mjs watches us).
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { DEMO_STOCK } from "../seed.mjs";
import { ensureTryton } from "./ensure.mjs";
import { seedTryton } from "./seed.mjs";
import { startTryton } from "./server.mjs";
import { freePort } from "./trytond.mjs";

export const DEV_CONNECTION = "tryton";
/** Switchyard location → Tryton warehouse code. */
export const DEV_LOCATIONS = { DC1: "WH", DC2: "DC2" };

/** The demo's master data as Tryton holds it (the curls in the banner and the README use these). */
export const DEMO_TRYTON = {
  customers: [
    { code: "C-1", name: "Ada Lovelace", street: "12 Analytical Row", city: "London", postalCode: "N1 9GU", country: "GB", email: "ada@example.com" },
    { code: "CUST-1", name: "Acme Hardware", street: "1 Main St", city: "Springfield", postalCode: "62701", country: "US", email: "buyer@acme.test" },
  ],
  products: [
    { sku: "WIDGET-1", name: "Widget", listPrice: "9.50" },
    { sku: "GADGET-2", name: "Gadget", listPrice: "24.00" },
    { sku: "BOLT-M8", name: "Hex bolt M8", listPrice: "0.15" },
    { sku: "PUMP-X", name: "Pump X", listPrice: "349.00" },
  ],
  locations: [{ code: "DC2", name: "East DC (DC2)" }],
  stock: DEMO_STOCK.map((s) => ({ sku: s.sku, location: DEV_LOCATIONS[s.location], quantity: s.onHand })),
};

/**
 * Starts and seeds the dev Tryton. `port`: TRYTON_PORT, else 8000 when free, else any.
 * @example const t = await startDevTryton({ stateDir: ".wrangler/state" }); t.url
 */
export async function startDevTryton({ stateDir, port = process.env.TRYTON_PORT ? Number(process.env.TRYTON_PORT) : undefined, log = console.log }) {
  const found = ensureTryton();
  if (!found) throw new Error("SWITCHYARD_SKIP_TRYTON=1 is set: no Tryton for --erp tryton");
  const dataDir = path.join(stateDir, "tryton");
  mkdirSync(dataDir, { recursive: true });
  log(`• Tryton ${found.version}: starting on ${dataDir} (the first start builds the database, ~30–45 s) …`);
  const chosen = port ?? ((await portFree(8000)) ? 8000 : await freePort());
  const fresh = !existsSync(path.join(dataDir, "switchyard.sqlite"));
  const tryton = await startTryton({ port: chosen, dataDir });
  try {
    // Stock is counted in only once: after that it is Tryton's (sales, receipts, shipments made there survive a restart).
    const seeded = await seedTryton(tryton, fresh ? DEMO_TRYTON : { ...DEMO_TRYTON, stock: [] });
    log(`• Tryton ${fresh ? "seeded" : "kept from the last session"}: ${Object.keys(seeded.customers).length} customers, ${Object.keys(seeded.products).length} items${fresh ? `, ${seeded.stockLinesChanged} stock levels` : ""}`);
  } catch (e) {
    await tryton.stop();
    throw e;
  }
  // For scripts/tryton/sales.mjs (and people): where this session's Tryton is. Dev-only credentials.
  writeFileSync(path.join(dataDir, "connection.json"), JSON.stringify({ url: tryton.url, database: tryton.database, username: tryton.username, password: tryton.password }, null, 2));
  return tryton;
}

/** Registers the dev Tryton as Switchyard's default ERP connection (a PUT: safe on every start). */
export async function registerDevTryton({ url, adminToken, tryton }) {
  const body = {
    kind: "tryton",
    name: "Local Tryton (npm run dev -- --erp tryton)",
    baseUrl: tryton.url,
    credentials: { database: tryton.database, username: tryton.username, password: tryton.password },
    // New customers from the demo channels are created in Tryton from the order; polled every 15 s.
    settings: { locations: DEV_LOCATIONS, customers: "create", pollSeconds: 15 },
    default: true,
  };
  const res = await fetch(`${url}/v1/admin/erp-connections/${DEV_CONNECTION}`, { method: "PUT", headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`registering the Tryton ERP connection: ${res.status} ${(await res.text()).slice(0, 300)}`);
  const check = await fetch(`${url}/v1/admin/erp-connections/${DEV_CONNECTION}/test`, { method: "POST", headers: { authorization: `Bearer ${adminToken}` } });
  const answer = await check.json().catch(() => ({}));
  if (!check.ok) throw new Error(`the Tryton ERP connection does not answer: ${answer.detail ?? check.status}`);
  return answer;
}

function portFree(p) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(p, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}
