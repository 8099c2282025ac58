// `npm run dev -- --erp tryton` as a user meets it (scripts/dev.mjs, a real launcher process): a
// local Tryton seeded with the demo's data and registered as the default ERP connection, the demo
// order booked as a Tryton sale, the Tryton stock read back, and Tryton gone with the session
// when the launcher is killed outright. Skipped with SWITCHYARD_SKIP_TRYTON=1.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, nodeBin, parseDotenv } from "../scripts/dev-system.mjs";
import { trytonSession } from "../scripts/tryton/rpc.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const skip = process.env.SWITCHYARD_SKIP_TRYTON === "1" ? "SWITCHYARD_SKIP_TRYTON=1" : false;
const stateDir = mkdtempSync(path.join(tmpdir(), "switchyard-dev-tryton-"));
after(() => rmSync(stateDir, { recursive: true, force: true }));

async function eventually(fn, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn().catch((e) => e);
    if (last && !(last instanceof Error)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

test("npm run dev -- --erp tryton books the demo order as a Tryton sale, reads Tryton's stock back, and takes Tryton down with it", { skip, timeout: 300_000 }, async () => {
  const [port, erpPort, trytonPort] = [await freePort(), await freePort(), await freePort()];
  const child = spawn(nodeBin(root), [path.join(root, "scripts", "dev.mjs"), "--erp", "tryton"], {
    cwd: root,
    env: { ...process.env, PORT: String(port), ERP_SIM_PORT: String(erpPort), TRYTON_PORT: String(trytonPort), SWITCHYARD_STATE_DIR: stateDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  try {
    await eventually(async () => out.includes("Switchyard is running") || (child.exitCode !== null ? Promise.reject(new Error(out.slice(-2000))) : false), "the banner", 240_000);
    assert.match(out, new RegExp(`ERP\\s+Tryton 6\\.0\\.\\d+ on http://127\\.0\\.0\\.1:${trytonPort}`));
    assert.match(out, /the default ERP connection "tryton": DC1→WH DC2→DC2/);

    const vars = parseDotenv(readFileSync(path.join(root, ".dev.vars"), "utf8"));
    const url = `http://127.0.0.1:${port}`;
    const key = vars.DEMO_API_KEY;
    const ext = `DEMO-TRYTON-${Date.now().toString(36)}`;
    const res = await fetch(`${url}/v1/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "idempotency-key": ext },
      body: JSON.stringify({ channel: "webshop", externalId: ext, customer: { id: "C-1", name: "Ada" }, currency: "EUR", lines: [{ sku: "WIDGET-1", quantity: 2, unitPrice: "9.50" }] }),
    });
    assert.equal(res.status, 201);
    const { orderId } = await res.json();
    const order = await eventually(async () => {
      const o = await (await fetch(`${url}/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${key}` } })).json();
      return o.status === "erp_accepted" ? o : false;
    }, "the demo order to be booked");

    const tryton = JSON.parse(readFileSync(path.join(stateDir, "tryton", "connection.json"), "utf8"));
    const t = await trytonSession(tryton);
    const [sale] = await t.call("model.sale.sale.search_read", [["reference", "=", orderId]], 0, null, null, ["state", "party.code", "currency.code", "lines"]);
    const lines = await t.call("model.sale.line.read", sale.lines, ["product.code", "quantity", "unit_price"]);
    await t.logout();
    assert.equal(String(sale.id), order.erpOrderId);
    assert.deepEqual([sale.state, sale["party."].code, sale["currency."].code], ["processing", "C-1", "EUR"]);
    assert.deepEqual(lines.map((l) => [l["product."].code, l.quantity, Number(l.unit_price)]), [["WIDGET-1", 2, 9.5]]);

    // Stock comes back from Tryton: the sale is committed there (DC1 118 free, DC2 40; webshop sees 90% after a buffer of 2).
    await fetch(`${url}/v1/admin/erp-connections/tryton/poll`, { method: "POST", headers: { authorization: `Bearer ${vars.ADMIN_TOKEN}` } });
    await eventually(async () => {
      const a = await (await fetch(`${url}/v1/availability/WIDGET-1?channel=webshop`, { headers: { authorization: `Bearer ${key}` } })).json();
      return a.available === Math.floor((118 + 40 - 2) * 0.9) ? a : false;
    }, "Tryton's stock in availability", 30_000);
  } finally {
    child.kill("SIGKILL");
  }
  await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));
  await eventually(async () => {
    try {
      await fetch(`http://127.0.0.1:${trytonPort}/`, { method: "POST", body: "{}", signal: AbortSignal.timeout(1000) });
      return false;
    } catch {
      return true;
    }
  }, "Tryton to stop with the session", 30_000);
});
