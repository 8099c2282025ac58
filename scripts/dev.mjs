#!/usr/bin/env node
// `npm run dev`: every Worker in one local session on http://127.0.0.1:${PORT:-8787}, the ERP
// simulator on ${ERP_SIM_PORT:-8788}, D1 migrated and demo data seeded. No Cloudflare account and
// no network beyond npm. Ctrl-C stops everything, and so does this process dying any other way.
// Environment: PORT, ERP_SIM_PORT, SWITCHYARD_STATE_DIR (default .wrangler/state), and ERP_URL,
// CHAOS_DELAY_EFFECTS_MS, FAULT_INJECTION to override .dev.vars for one session.
// `--erp tryton` (TRYTON_PORT, default 8000): a local Tryton as the default ERP connection, seeded
// with the demo's customers, items and stock (scripts/tryton/dev.mjs); it stops with the session.
import { createServer } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDevVars, startSystem } from "./dev-system.mjs";
import { seedDemo } from "./seed.mjs";
import { DEV_CONNECTION, DEV_LOCATIONS, registerDevTryton, startDevTryton } from "./tryton/dev.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const port = Number(process.env.PORT ?? 8787);
const persistTo = path.resolve(root, process.env.SWITCHYARD_STATE_DIR ?? ".wrangler/state");

const erpFlag = process.argv.indexOf("--erp");
const erpKind = erpFlag > 0 ? process.argv[erpFlag + 1] : undefined;
if (erpFlag > 0 && erpKind !== "tryton") {
  console.error(`✘ --erp ${erpKind ?? ""}: the local ERP on offer is tryton (npm run dev -- --erp tryton)`);
  process.exit(1);
}

const { created, added, vars } = ensureDevVars(root);
if (created) console.log("• created .dev.vars from .dev.vars.example (dev-only values)");
if (added.length) console.log(`• added ${added.join(", ")} to .dev.vars from .dev.vars.example`);

const overrides = {};
for (const k of ["ERP_URL", "CHAOS_DELAY_EFFECTS_MS", "FAULT_INJECTION"]) if (process.env[k] !== undefined) overrides[k] = process.env[k];
// The simulator listens where ERP_URL points when that is this machine, unless ERP_SIM_PORT says otherwise.
const erpUrl = new URL(overrides.ERP_URL || vars.ERP_URL || "http://127.0.0.1:8788");
const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(erpUrl.hostname);
const erpPort = Number(process.env.ERP_SIM_PORT ?? (loopback && erpUrl.port ? erpUrl.port : 8788));
if (process.env.ERP_SIM_PORT && (!loopback || Number(erpUrl.port) !== erpPort)) overrides.ERP_URL = `http://127.0.0.1:${erpPort}`;

function portFree(p) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once("error", () => resolve(false));
    s.listen(p, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}
if (!(await portFree(port))) {
  console.error(`✘ port ${port} (for Switchyard) is in use: stop whatever holds it, or set PORT=<another port>.`);
  process.exit(1);
}
// Something already answers where ERP_URL points on this machine (a real ERP, a Tryton, a test's
// simulator): use it, and do not start a simulator fighting for its port.
const startErp = (loopback || !!process.env.ERP_SIM_PORT) && (await portFree(erpPort));

let system;
let tryton;
let stopping = false;
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  console.log(`\n• stopping wrangler dev and the ERP simulator${tryton ? " and Tryton" : ""} …`);
  await system?.stop();
  await tryton?.stop();
  process.exit(code);
}
process.on("SIGINT", () => shutdown(0));
process.on("SIGTERM", () => shutdown(0));

try {
  if (erpKind === "tryton") tryton = await startDevTryton({ stateDir: persistTo });
  system = await startSystem({ root, port, erpPort, overrides, persistTo, startErp });
} catch (e) {
  await tryton?.stop();
  console.error(`✘ ${e.message}`);
  process.exit(1);
}
system.child.on("close", (code, signal) => {
  if (!stopping) {
    console.error(`✘ wrangler dev stopped (${code ?? signal}); stopping the rest.`);
    shutdown(1);
  }
});

let seeded;
try {
  seeded = await seedDemo({ url: system.url, adminToken: vars.ADMIN_TOKEN, demoKey: vars.DEMO_API_KEY });
} catch (e) {
  console.error(`✘ seeding failed: ${e.message} (the system is still running)`);
}

let erpConnection;
if (tryton) {
  try {
    erpConnection = await registerDevTryton({ url: system.url, adminToken: vars.ADMIN_TOKEN, tryton });
  } catch (e) {
    console.error(`✘ ${e.message} (the system is still running; orders go to the ERP simulator)`);
  }
}

const u = system.url;
const key = vars.DEMO_API_KEY ?? "<an API key: switchyard keys create --name me --scopes orders:write,orders:read>";
const ext = `DEMO-${Date.now().toString(36).toUpperCase()}`;
const lines = [
  "",
  "──────────────────────────────────────────────────────────────────────────────",
  " Switchyard is running (Ctrl-C stops everything)",
  "──────────────────────────────────────────────────────────────────────────────",
  ` API (ingest; /v1/availability/* is served by the availability Worker)  ${u}`,
  ` Ops dashboard   ${u}/ops      metrics  ${u}/metrics`,
  ...(tryton && erpConnection
    ? [
        ` ERP             Tryton ${erpConnection.version ?? ""} on ${tryton.url}  (database ${tryton.database}, user ${tryton.username} / ${tryton.password})`,
        `                 the default ERP connection "${DEV_CONNECTION}": ${Object.entries(DEV_LOCATIONS).map(([k, v]) => `${k}→${v}`).join(" ")}; stock and shipments polled every 15 s`,
      ]
    : [
        startErp
          ? ` ERP simulator   ${system.erpUrl}   (the dispatch Worker books orders there)`
          : ` ERP             ${system.vars.ERP_URL} (already running; no simulator started)`,
      ]),
  ` State           ${path.relative(process.cwd(), persistTo) || persistTo}   settings  .dev.vars`,
  ` Admin token     ${vars.ADMIN_TOKEN}`,
  ` Demo API key    ${key}   (all scopes)`,
  "",
  " Connections (dev-only secrets):",
  ...(seeded?.connections ?? []).map((c) => `   ${c.id.padEnd(18)} ${c.kind.padEnd(12)} channel ${c.channel.padEnd(12)} secret ${c.secret}`),
  ` Policies: ${Object.keys(seeded?.policies ?? {}).join(", ") || "-"}   Stock: ${(seeded?.stock ?? []).map((s) => `${s.sku}@${s.location}=${s.onHand}`).join(" ")}${seeded?.stockResult?.skipped ? " (not seeded yet: inventory endpoint missing)" : ""}`,
  "",
  " Try it:",
  `   curl -s -X POST ${u}/v1/orders -H 'authorization: Bearer ${key}' -H 'content-type: application/json' \\`,
  `     -H 'Idempotency-Key: ${ext}' \\`,
  `     -d '{"channel":"webshop","externalId":"${ext}","customer":{"id":"C-1","name":"Ada"},"currency":"EUR","lines":[{"sku":"WIDGET-1","quantity":2,"unitPrice":"9.50"}]}'`,
  `   curl -s ${u}/v1/orders/<orderId> -H 'authorization: Bearer ${key}'      # status erp_accepted, erpOrderId`,
  `   curl -s '${u}/v1/availability/WIDGET-1?channel=webshop' -H 'authorization: Bearer ${key}'`,
  "",
  ...(tryton && erpConnection
    ? [
        " The order in Tryton (erpOrderId is the sale's id; its reference is the orderId):",
        `   ${process.env.SWITCHYARD_STATE_DIR ? `SWITCHYARD_STATE_DIR=${process.env.SWITCHYARD_STATE_DIR} ` : ""}node scripts/tryton/sales.mjs [<orderId>]    # the sale: party, lines, state`,
        `   npm run -s cli -- --url ${u} erp test ${DEV_CONNECTION}      # Tryton's health;  erp poll ${DEV_CONNECTION}: read stock and shipments now`,
        "",
      ]
    : [
        " Make the ERP fail (then watch retries, dead letters and replay):",
        `   curl -X PUT ${system.erpUrl}/_sim/faults -d '{"status":503,"errorRate":1}'          # every booking 503`,
        `   curl -X PUT ${system.erpUrl}/_sim/faults -d '{"status":429,"retryAfter":5}'        # throttled`,
        `   curl -X PUT ${system.erpUrl}/_sim/faults -d '{"downForSeconds":60}'               # outage for a minute`,
        `   curl -X PUT ${system.erpUrl}/_sim/faults -d '{"status":422,"rejectReason":"credit hold"}'  # business rejection`,
        `   curl -X PUT ${system.erpUrl}/_sim/faults -d '{}'                                  # healthy again`,
        `   curl ${system.erpUrl}/_sim/orders                                              # what the ERP booked`,
        "",
      ]),
  ` Admin CLI:  npm run -s cli -- status --url ${u}     (or node cli/bin.mjs …; see the README)`,
  "──────────────────────────────────────────────────────────────────────────────",
  "",
];
console.log(lines.join("\n"));
