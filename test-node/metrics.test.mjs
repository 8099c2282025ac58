// /metrics counts what happened: known webhook traffic on two connections of a real `npm run dev`
// session (accepted, a repeated delivery, an older version, a payload that fails validation, a
// forged signature, an unknown connection) shows up per connection in the Prometheus text, which
// `promtool check metrics` (Debian's prometheus package, scripts/ensure-promtool.mjs) passes,
// and in /v1/ops/summary's counters. The counters live in a Durable Object, so a restart of the
// session on the same state keeps them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, startSystem } from "../scripts/dev-system.mjs";
import { ensurePromtool, SKIP_NOTICE } from "../scripts/ensure-promtool.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const promtool = ensurePromtool();
if (promtool === null) console.warn(SKIP_NOTICE);

let sys;
let work;
let ports;
const secretA = `shpss_${randomBytes(8).toString("hex")}`;
const secretB = `shpss_${randomBytes(8).toString("hex")}`;

const start = async () => (sys = await startSystem({ root, port: ports.port, erpPort: ports.erp, persistTo: path.join(work, "state"), quiet: true, log: () => {} }));

before(async () => {
  work = mkdtempSync(path.join(tmpdir(), "switchyard-metrics-"));
  ports = { port: await freePort(), erp: await freePort() };
  await start();
});
after(async () => {
  await sys?.stop();
  rmSync(work, { recursive: true, force: true });
});

const adminHeaders = () => ({ authorization: `Bearer ${sys.vars.ADMIN_TOKEN}`, "content-type": "application/json" });
async function admin(method, p, body) {
  const res = await fetch(`${sys.url}${p}`, { method, headers: adminHeaders(), body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

function order(id, updatedAt, extra = {}) {
  return JSON.stringify({
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    created_at: "2026-11-30T10:00:00Z",
    updated_at: updatedAt,
    currency: "EUR",
    cancelled_at: null,
    customer: { id: 1 },
    line_items: [{ id: 1, sku: "MET-1", quantity: 1, price: "1.00" }],
    shipping_address: { address1: "1 St", city: "Berlin", zip: "10115", country_code: "DE", first_name: "A", last_name: "B" },
    ...extra,
  });
}

async function hook(connection, secret, body) {
  const res = await fetch(`${sys.url}/v1/webhooks/${connection}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-topic": "orders/create", "x-shopify-hmac-sha256": createHmac("sha256", secret).update(body).digest("base64") },
    body,
  });
  const text = await res.text();
  return { status: res.status, body: res.status === 200 ? JSON.parse(text).status : text };
}

async function scrape() {
  const res = await fetch(`${sys.url}/metrics`, { headers: { authorization: `Bearer ${sys.vars.ADMIN_TOKEN}` } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  return res.text();
}

/** The value of one sample line (labels exactly as rendered), or undefined. */
function sample(text, name, labels) {
  const want = `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(",")}}`;
  const line = text.split("\n").find((l) => l.startsWith(`${want} `));
  return line === undefined ? undefined : Number(line.slice(want.length + 1));
}

async function until(what, check, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    last = await check();
    if (last.ok) return last.value;
    if (Date.now() > deadline) assert.fail(`${what}: ${last.why}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

test("webhook counters per connection equal what was sent, and the scrape passes promtool", { timeout: 300_000 }, async (t) => {
  assert.equal((await admin("PUT", "/v1/admin/connections/met-a", { kind: "shopify", secret: secretA, settings: { channel: "met-web" } })).status < 300, true);
  assert.equal((await admin("PUT", "/v1/admin/connections/met-b", { kind: "shopify", secret: secretB, settings: { channel: "met-b2b" } })).status < 300, true);

  // Connection A: three new orders, one of them delivered twice, an older version of another, a forgery.
  const sentA = [];
  for (const id of [9101, 9102, 9103]) sentA.push(await hook("met-a", secretA, order(id, "2026-11-30T10:05:00Z")));
  sentA.push(await hook("met-a", secretA, order(9101, "2026-11-30T10:05:00Z")));
  sentA.push(await hook("met-a", secretA, order(9102, "2026-11-30T10:01:00Z")));
  sentA.push(await hook("met-a", "not-the-secret", order(9104, "2026-11-30T10:05:00Z")));
  assert.deepEqual(sentA.map((r) => (r.status === 200 ? r.body : r.status)), ["accepted", "accepted", "accepted", "duplicate", "stale", 401]);

  // Connection B: two orders and a verified payload that fails validation; and a hook to a connection that does not exist.
  const sentB = [];
  for (const id of [9201, 9202]) sentB.push(await hook("met-b", secretB, order(id, "2026-11-30T10:05:00Z")));
  sentB.push(await hook("met-b", secretB, JSON.stringify({ id: "not-an-order" })));
  assert.deepEqual(sentB.map((r) => (r.status === 200 ? r.body : r.status)), ["accepted", "accepted", "quarantined"]);
  assert.equal((await hook("met-nobody", secretB, order(9301, "2026-11-30T10:05:00Z"))).status, 404);

  const A = { channel: "met-web", connection: "met-a" };
  const B = { channel: "met-b2b", connection: "met-b" };
  // Counts are flushed from the isolate in batches after the answers: poll until they are in.
  const text = await until("counters reach what was sent", async () => {
    const t = await scrape();
    const got = sample(t, "switchyard_webhook_deliveries_received_total", A);
    const gotB = sample(t, "switchyard_webhook_deliveries_received_total", B);
    return got === 6 && gotB === 3 ? { ok: true, value: t } : { ok: false, why: `received A=${got} B=${gotB}` };
  });

  assert.equal(sample(text, "switchyard_webhook_deliveries_total", { ...A, outcome: "accepted" }), 3);
  assert.equal(sample(text, "switchyard_webhook_deliveries_total", { ...A, outcome: "duplicate" }), 1);
  assert.equal(sample(text, "switchyard_webhook_deliveries_total", { ...A, outcome: "stale" }), 1);
  assert.equal(sample(text, "switchyard_webhook_deliveries_total", { ...A, outcome: "refused" }), 1);
  assert.equal(sample(text, "switchyard_webhook_refused_total", { ...A, reason: "signature" }), 1);
  assert.equal(sample(text, "switchyard_webhook_deliveries_total", { ...B, outcome: "accepted" }), 2);
  assert.equal(sample(text, "switchyard_webhook_deliveries_total", { ...B, outcome: "quarantined" }), 1);
  assert.equal(sample(text, "switchyard_webhook_deliveries_total", { ...B, outcome: "duplicate" }), undefined);
  assert.equal(sample(text, "switchyard_webhook_refused_total", { channel: "unknown", connection: "unknown", reason: "unknown_connection" }), 1);
  // Every answer's time is in the ack histogram: its count is the deliveries, +Inf holds them all.
  assert.equal(sample(text, "switchyard_webhook_ack_seconds_count", A), 6);
  assert.equal(sample(text, "switchyard_webhook_ack_seconds_bucket", { ...A, le: "+Inf" }), 6);
  // The renamed lag gauge is in base units; the old name is gone.
  assert.match(text, /^# TYPE switchyard_availability_sync_lag_seconds gauge$/m);
  assert.doesNotMatch(text, /switchyard_availability_sync_lag_ms/);

  if (promtool) {
    const r = spawnSync(promtool, ["check", "metrics"], { input: text, encoding: "utf8" });
    assert.equal(r.status, 0, `promtool check metrics:\n${r.stdout}${r.stderr}`);
    assert.equal(`${r.stdout}${r.stderr}`.trim(), "", "promtool reports no problem");
  } else t.diagnostic("promtool is missing: `promtool check metrics` SKIPPED");

  // The same figures as JSON in the summary.
  const summary = await (await fetch(`${sys.url}/v1/ops/summary`, { headers: adminHeaders() })).json();
  const delivered = summary.counters.switchyard_webhook_deliveries_total.filter((s) => s.connection === "met-a");
  assert.deepEqual(Object.fromEntries(delivered.map((s) => [s.outcome, s.value])), { accepted: 3, duplicate: 1, stale: 1, refused: 1 });
  const ack = summary.counters.switchyard_webhook_ack_seconds.find((s) => s.connection === "met-b");
  assert.equal(ack.count, 3);

  // Counters are not isolate memory: a new session on the same state still has them.
  await sys.stop();
  await start();
  const again = await scrape();
  assert.equal(sample(again, "switchyard_webhook_deliveries_total", { ...A, outcome: "accepted" }), 3);
  assert.equal(sample(again, "switchyard_webhook_deliveries_received_total", B), 3);
});
