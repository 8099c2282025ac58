// The local runtime's lifecycle, as a user meets it: `npm run dev` (scripts/dev.mjs, a real
// launcher process) on a state folder, killed with SIGKILL, restarted on the same state.
//  - an order answered 200 and then killed before its effects still reaches the ERP, once;
//  - the runtime's children die with the launcher, however it dies;
//  - a second start on a state folder a live runtime holds refuses, with a clear message.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";
import { fileURLToPath } from "node:url";
import { startErpSimulator } from "../scripts/erp-sim.mjs";
import { freePort, nodeBin } from "../scripts/dev-system.mjs";
import { DEMO_CONNECTIONS } from "../scripts/seed.mjs";
import { runtimeGroup } from "../scripts/state-lock.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const stateDir = mkdtempSync(path.join(tmpdir(), "switchyard-runtime-"));
const erp = await startErpSimulator({ port: 0, quiet: true });
after(async () => {
  await erp.close();
  rmSync(stateDir, { recursive: true, force: true });
});

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** Starts `npm run dev`'s launcher on our state folder and waits for its banner. */
async function startDev(env = {}) {
  const port = await freePort();
  const child = spawn(nodeBin(root), [path.join(root, "scripts", "dev.mjs")], {
    cwd: root,
    env: { ...process.env, PORT: String(port), SWITCHYARD_STATE_DIR: stateDir, ERP_URL: erp.url, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise((r) => child.once("exit", (code) => r(code)));
  const ready = await Promise.race([
    new Promise((resolve) => {
      const t = setInterval(() => {
        if (out.includes("Switchyard is running")) {
          clearInterval(t);
          resolve(true);
        }
      }, 100);
      exited.then(() => clearInterval(t));
    }),
    exited.then(() => false),
  ]);
  return { child, url: `http://127.0.0.1:${port}`, ready, exited, output: () => out };
}

async function eventually(fn, what, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn().catch((e) => e);
    if (last && !(last instanceof Error)) return last;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last})`);
}

function shopifyOrder(n) {
  const body = JSON.stringify({
    id: n, admin_graphql_api_id: `gid://shopify/Order/${n}`, email: "kill@example.com", created_at: "2026-11-30T10:00:00Z", updated_at: "2026-11-30T10:00:00Z",
    currency: "EUR", total_price: "19.00", cancelled_at: null, customer: { id: 77, first_name: "Kim", last_name: "Kill" },
    shipping_address: { first_name: "Kim", last_name: "Kill", address1: "1 Crash Road", city: "Berlin", zip: "10115", country_code: "DE" },
    line_items: [{ id: 1, sku: "WIDGET-1", quantity: 1, price: "19.00", name: "Widget" }],
  });
  const conn = DEMO_CONNECTIONS.find((c) => c.kind === "shopify");
  return { conn, body, hmac: createHmac("sha256", conn.secret).update(body).digest("base64") };
}

test("an order answered 200, then the whole runtime killed before its effects, reaches the ERP exactly once after the restart", { timeout: 240_000 }, async () => {
  // The order waits 60 s between its answer and its ERP hand-off, so the kill lands in between.
  const first = await startDev({ CHAOS_DELAY_EFFECTS_MS: "60000" });
  assert.ok(first.ready, first.output());
  const n = 7_000_000 + Math.floor(Math.random() * 1_000_000);
  const { conn, body, hmac } = shopifyOrder(n);
  const res = await fetch(`${first.url}/v1/webhooks/${conn.id}`, { method: "POST", headers: { "x-shopify-hmac-sha256": hmac, "x-shopify-topic": "orders/create", "content-type": "application/json" }, body });
  assert.equal(res.status, 200);
  const answer = await res.json();
  assert.equal(answer.status, "accepted");

  // SIGKILL the launcher, the lifeline and the runtime's whole group: nothing gets to clean up.
  const group = runtimeGroup(stateDir);
  assert.ok(group, "the lifeline recorded the runtime's process group");
  first.child.kill("SIGKILL");
  process.kill(-group, "SIGKILL");
  await first.exited;
  assert.equal((await (await fetch(`${erp.url}/_sim/orders?match=${n}`)).json()).orders.length, 0, "nothing reached the ERP before the kill");

  const second = await startDev();
  assert.ok(second.ready, second.output());
  const key = readFileSync(path.join(root, ".dev.vars"), "utf8").match(/^DEMO_API_KEY=(.+)$/m)[1].trim();
  const booked = await eventually(async () => {
    const o = await (await fetch(`${second.url}/v1/orders/${answer.orderId}`, { headers: { authorization: `Bearer ${key}` } })).json();
    return o.dispatchState === "confirmed" ? o : null;
  }, "the order to reach the ERP after the restart");
  assert.equal(booked.status, "erp_accepted");
  const bookings = (await (await fetch(`${erp.url}/_sim/orders?match=${n}`)).json()).orders;
  assert.equal(bookings.length, 1);
  assert.equal(bookings[0].attempts, 1, "booked by one call, not retried into a second");

  // The launcher dies by SIGKILL alone: its runtime (wrangler, workerd) goes with it.
  const g2 = runtimeGroup(stateDir);
  second.child.kill("SIGKILL");
  await second.exited;
  await eventually(async () => (alive(g2) ? null : true), "the runtime's process group to end with its launcher", 30_000);
  await eventually(async () => {
    try {
      await fetch(`${second.url}/healthz`, { signal: AbortSignal.timeout(1000) });
      return null;
    } catch {
      return true;
    }
  }, "the port to stop answering", 30_000);
});

test("a second start on a state folder a live runtime holds refuses with a clear message", { timeout: 180_000 }, async () => {
  const first = await startDev();
  assert.ok(first.ready, first.output());
  try {
    const second = await startDev();
    assert.equal(second.ready, false);
    assert.equal(await second.exited, 1);
    assert.match(second.output(), /state folder .* is in use by another Switchyard runtime \(pid \d+/);
    // The first one is untouched.
    assert.equal((await fetch(`${first.url}/healthz`)).status, 200);
  } finally {
    first.child.kill("SIGTERM");
    await first.exited;
  }
});
