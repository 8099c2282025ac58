// A CPU profile of the webhook order path, taken with the V8 inspector of `wrangler dev`:
// `node bench/profile.mjs` starts the system as `npm run dev` runs it (temp state, random ports,
// `--inspector-port`), sends signed Shopify orders/create webhooks for BENCH_PROFILE_SECONDS
// (default 8) at BENCH_CONNECTIONS (default 16), waits for the ERP bookings to drain, and prints
// the functions with the most self time across every Worker and Durable Object it can attach to,
// grouped by source (our code, hono/zod, miniflare's simulators, the runtime). The raw profiles go
// to $TMPDIR/switchyard-profile-*.cpuprofile (open them in Chrome DevTools).
//
// Read it with care: every isolate (ours, with its Durable Objects; the D1, KV and queue
// simulators) is profiled by its own sampler, and the isolates take turns on the same threads,
// so the totals add up to more than the CPU used and a function waiting on another isolate can
// show as self time. Compare functions within one isolate, and runs with each other; the
// benchmark's `workerd CPU ms/req` (from /proc) is the figure of record.
// The ingest Worker's isolate (with the Durable Objects) cannot be attached: wrangler dev holds its
// inspector session and workerd closes a second one (it is reported as "could not attach").
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startDevSystem } from "./launch.mjs";
import { api, drain, load, log, shopifyDelivery, shopifyOrderTemplate } from "./lib.mjs";
import { SHOP_CHANNEL, SHOP_SECRET } from "./settings.mjs";

const SECONDS = Number(process.env.BENCH_PROFILE_SECONDS ?? 8);
const CONNS = Number(process.env.BENCH_CONNECTIONS ?? 16);

/** One inspector session over a WebSocket (Node's global WebSocket). */
async function session(url) {
  // wrangler's proxy admits a DevTools client by its Origin header (Node's WebSocket sends none).
  const ws = new WebSocket(url, { headers: { origin: "http://localhost" } });
  await new Promise((ok, bad) => {
    ws.onopen = ok;
    ws.onerror = (e) => bad(new Error(`inspector ${url}: ${e.message ?? "error"}`));
  });
  let id = 0;
  const waiting = new Map();
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data));
    if (msg.id && waiting.has(msg.id)) {
      waiting.get(msg.id)(msg);
      waiting.delete(msg.id);
    }
  };
  // An isolate that has not run yet never answers: give up on it after a while.
  const send = (method, params = {}, timeoutMs = 5000) =>
    new Promise((ok, bad) => {
      const n = ++id;
      const timer = setTimeout(() => bad(new Error(`${method}: no answer in ${timeoutMs} ms`)), timeoutMs);
      waiting.set(n, (m) => {
        clearTimeout(timer);
        ok(m);
      });
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  return { send, close: () => ws.close() };
}

function groupOf(url) {
  if (!url) return "(runtime / native)";
  if (/node_modules\/(hono|@hono)/.test(url)) return "hono";
  if (/node_modules\/zod/.test(url)) return "zod";
  if (/node_modules\/drizzle/.test(url)) return "drizzle";
  if (/miniflare|cloudflare-internal|workers\/shared|__mf|mf:/.test(url)) return "miniflare simulators";
  if (/node_modules/.test(url)) return "other packages";
  return "our code";
}

/**
 * The runtime's own inspector (not wrangler's proxy, which serves one DevTools client for the
 * primary Worker): workerd is started with --inspector-addr=127.0.0.1:0, so its port is found
 * among the process's listening sockets; /json/list names one target per Worker service.
 */
async function workerdTargets(sys) {
  for (const pid of sys.workerdPids()) {
    if (!readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--inspector-addr")) continue;
    const ports = execFileSync("ss", ["-ltnpH"], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.includes(`pid=${pid},`))
      .map((l) => l.split(/\s+/)[3]?.split(":").pop());
    for (const port of ports) {
      const list = await fetch(`http://127.0.0.1:${port}/json/list`).then((r) => (r.ok ? r.json() : null)).catch(() => null);
      if (Array.isArray(list) && list.length) return list;
    }
  }
  throw new Error("no workerd inspector found");
}

// wrangler's own inspector proxy serves the primary Worker's isolate (ingest, where the Durable
// Objects run) to one client: with no DevTools attached, that client is this script.
const inspectorPort = await freePort();
const sys = await startDevSystem({ extraArgs: ["--inspector-ip", "127.0.0.1", "--inspector-port", String(inspectorPort)] });
log(`system on ${sys.url}`);
try {
  await api(sys.url, "/v1/admin/connections/bench-shopify", { method: "PUT", token: sys.vars.ADMIN_TOKEN, json: { kind: "shopify", secret: SHOP_SECRET, settings: { channel: SHOP_CHANNEL } } });
  const template = shopifyOrderTemplate();
  const key = (await api(sys.url, "/v1/admin/api-keys", { method: "POST", token: sys.vars.ADMIN_TOKEN, json: { name: "profile", scopes: ["inventory:write"] } })).body.key;
  const asOf = new Date(Date.now() - 60_000).toISOString();
  await api(sys.url, "/v1/inventory/events", { method: "POST", token: key, json: { events: [...new Set(template.line_items.map((l) => l.sku))].map((sku) => ({ eventId: `p-${sku}`, source: "erp", type: "snapshot", sku, location: "DC1", asOf, quantities: { onHand: 10_000_000, committed: 0 } })) } });
  let n = 900_000_000 + Math.floor(Math.random() * 1e6) * 10;
  const request = () => ({
    method: "POST",
    setupRequest: (req) => {
      const d = shopifyDelivery(template, SHOP_SECRET, ++n);
      return { ...req, path: "/v1/webhooks/bench-shopify", headers: d.headers, body: d.body };
    },
  });
  // Warm up (isolates, objects, caches) before the profile starts.
  await load({ url: `${sys.url}/v1/webhooks/bench-shopify`, connections: 4, duration: 2, requests: [request()] });
  // The ingest isolate (our Durable Objects run in it) answers a second inspector session only
  // once wrangler's own proxy has a client: open one (and only hold it; profiling through the
  // proxy got no answer to Profiler.stop), then attach to the runtime's inspector directly.
  const proxy = await session(`ws://127.0.0.1:${inspectorPort}/ws`).catch((e) => (log(`wrangler's inspector proxy: ${e.message}`), null));
  const targets = await workerdTargets(sys);
  log(`inspector targets: ${targets.map((t) => t.title ?? t.id).join(", ")}`);
  const sessions = [];
  // Our Workers (their Durable Objects run in the same isolates) and the simulators they call.
  for (const t of targets.filter((t) => /core:user:switchyard|d1:db$|kv:ns$|queues:queue$/.test(t.title ?? ""))) {
    try {
      const s = await session(t.webSocketDebuggerUrl);
      await s.send("Profiler.enable");
      await s.send("Profiler.setSamplingInterval", { interval: 200 });
      await s.send("Profiler.start");
      sessions.push({ t, s });
    } catch (e) {
      log(`could not attach to ${t.title}: ${e.message}`);
    }
  }
  const booked = sys.erp.state.bookings.size;
  const r = await load({ url: `${sys.url}/v1/webhooks/bench-shopify`, connections: CONNS, duration: SECONDS, requests: [request()] });
  log(`${r.requests} webhooks, ${r.rps} req/s; draining the ERP bookings …`);
  await drain(sys, booked + r.requests, "profile", 60_000);
  const self = new Map();
  const groups = new Map();
  let total = 0;
  for (const { t, s } of sessions) {
    const stopped = await s.send("Profiler.stop", {}, 60_000).catch((e) => (log(`no profile from ${t.title}: ${e.message}`), null));
    if (!stopped) continue;
    const { result } = stopped;
    const profile = result.profile;
    const file = join(tmpdir(), `switchyard-profile-${(t.title ?? t.id).replace(/[^a-z0-9]+/gi, "_")}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    const dt = new Map();
    for (let i = 0; i < profile.samples.length; i++) dt.set(profile.samples[i], (dt.get(profile.samples[i]) ?? 0) + (profile.timeDeltas[i] ?? 0));
    for (const node of profile.nodes) {
      const us = dt.get(node.id) ?? 0;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === "(idle)") continue;
      const where = `${functionName || "(anonymous)"} ${url ? `${url.replace(/^.*\/(node_modules|work)\//, "$1/")}:${lineNumber + 1}` : ""}`;
      self.set(where, (self.get(where) ?? 0) + us);
      const g = ["(program)", "(garbage collector)"].includes(functionName) ? functionName : groupOf(url);
      groups.set(g, (groups.get(g) ?? 0) + us);
      total += us;
    }
    s.close();
    log(`profile of ${t.title}: ${file}`);
  }
  const ms = (us) => (us / 1000 / r.requests).toFixed(3);
  console.log(`\nself time per order (ms), ${r.requests} orders, JS threads sampled: ${sessions.length}`);
  for (const [g, us] of [...groups].sort((a, b) => b[1] - a[1])) console.log(`  ${g.padEnd(28)} ${ms(us)}`);
  console.log(`  ${"total".padEnd(28)} ${ms(total)}\n\ntop functions by self time (ms per order):`);
  for (const [f, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.BENCH_PROFILE_TOP ?? 40))) console.log(`  ${ms(us).padStart(7)}  ${f}`);
  proxy?.close();
} finally {
  await sys.stop();
}
