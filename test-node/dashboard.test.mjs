// The /ops dashboard in a real browser (Debian's chromium, driven by playwright-core) against a
// real local system started the way `npm run dev` starts it, on a copy of the checkout, free
// ports and a fresh state dir. The test seeds a known run through the API (orders on two
// channels, a quarantined delivery, two dead letters from an ERP outage), then reads the page as
// an operator would: the numbers it shows are the seeded ones and the API's, a wrong token is
// said in the page, an exception's link opens the order's timeline, replay needs ops:write and
// then works one at a time and in bulk, and a phone-sized screen has no sideways scrolling.
// Screenshots go to .cache/screenshots/ (git-ignored); their paths are printed.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { freePort, startSystem } from "../scripts/dev-system.mjs";
import { CHROMIUM_ARGS, ensureChromium, SKIP_NOTICE } from "../scripts/ensure-chromium.mjs";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SHOTS = path.join(repo, ".cache", "screenshots");
const TOKEN = "test-node-dashboard-admin";
const WHSEC = `whsec_${Buffer.from("switchyard-dashboard-test-secret").toString("base64")}`;
const SKIP = new Set(["node_modules", ".git", ".wrangler", ".dev.vars", ".bench-tmp", "dist", ".cache"]);

const browserPath = ensureChromium();
if (browserPath === null) console.warn(SKIP_NOTICE);

let dir;
let sys;
let browser;
const seeded = {};

async function api(method, p, { body, token = TOKEN, headers = {} } = {}) {
  const res = await fetch(`${sys.url}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}

async function eventually(fn, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function postOrder(key, channel, externalId) {
  const r = await api("POST", "/v1/orders", {
    token: key,
    headers: { "idempotency-key": `dash-${externalId}` },
    body: { channel, externalId, customer: { id: "CUST-DASH" }, currency: "EUR", lines: [{ sku: "DASH-SKU", quantity: 1 }] },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.orderId;
}

/** A Standard Webhooks delivery, signed as the sender would (id.timestamp.body, HMAC-SHA256). */
async function standardDelivery(connectionId, msgId, payload) {
  const body = JSON.stringify(payload);
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac("sha256", Buffer.from(WHSEC.slice("whsec_".length), "base64")).update(`${msgId}.${ts}.${body}`).digest("base64");
  return api("POST", `/v1/webhooks/${connectionId}`, { token: "", body, headers: { "webhook-id": msgId, "webhook-timestamp": ts, "webhook-signature": `v1,${sig}` } });
}

before(async () => {
  if (!browserPath) return;
  dir = mkdtempSync(path.join(tmpdir(), "switchyard-dashboard-"));
  cpSync(repo, dir, { recursive: true, filter: (src) => !SKIP.has(path.basename(src)) });
  symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"), "dir");
  writeFileSync(path.join(dir, ".dev.vars"), `ADMIN_TOKEN=${TOKEN}\nSECRETS_KEY=test-node-secrets-key-0123456789\nERP_TOKEN=test-node-erp-token\n`);
  const [port, erpPort] = [await freePort(), await freePort()];
  // Retries without backoff, so an ERP outage dead-letters an order in seconds.
  sys = await startSystem({ root: dir, port, erpPort, persistTo: path.join(dir, ".wrangler", "state"), overrides: { ERP_URL: `http://127.0.0.1:${erpPort}`, RETRY_BASE_SECONDS: "0" }, registryPath: path.join(dir, ".wrangler", "registry"), quiet: true, log: () => {} });
  const { chromium } = await import("playwright-core");
  browser = await chromium.launch({ executablePath: browserPath, args: CHROMIUM_ARGS });

  const key = async (scopes) => {
    const r = await api("POST", "/v1/admin/api-keys", { body: { name: `dash ${scopes.join(" ")}`, scopes } });
    assert.equal(r.status, 201);
    return r.body.key;
  };
  seeded.opsKey = await key(["orders:write", "orders:read", "ops:read", "ops:write"]);
  seeded.readKey = await key(["ops:read"]);
  const snap = await api("POST", "/v1/inventory/events", { body: { events: [{ eventId: "dash-snap-1", source: "erp", type: "snapshot", sku: "DASH-SKU", location: "DC1", asOf: new Date(Date.now() - 60_000).toISOString(), quantities: { onHand: 100, committed: 0 } }] } });
  assert.equal(snap.status, 202, JSON.stringify(snap.body));
  assert.equal((await fetch(`${sys.erpUrl}/_sim/rules`, { method: "POST", body: JSON.stringify({ match: "DASH-DLQ", status: 503 }) })).status, 201);

  const booked = [];
  for (const id of ["DASH-W-1", "DASH-W-2", "DASH-W-3"]) booked.push(await postOrder(seeded.opsKey, "web", id));
  booked.push(await postOrder(seeded.opsKey, "b2b", "DASH-B-1"));
  seeded.dead = [await postOrder(seeded.opsKey, "b2b", "DASH-DLQ-1"), await postOrder(seeded.opsKey, "b2b", "DASH-DLQ-2")];

  assert.equal((await api("PUT", "/v1/admin/connections/dash-std", { body: { kind: "standard", secret: WHSEC, settings: { channel: "field-sales" } } })).status, 201);
  const q = await standardDelivery("dash-std", "msg_dash_1", { type: "order.created", timestamp: new Date().toISOString(), data: { externalId: "FS-BROKEN" } });
  assert.equal(q.body?.status, "quarantined", JSON.stringify(q.body));

  for (const id of booked) await eventually(async () => (await api("GET", `/v1/orders/${id}`)).body?.status === "erp_accepted", `${id} booked`);
  seeded.deadLetters = await eventually(async () => {
    const items = (await api("GET", "/v1/ops/dead-letters?state=open")).body.items;
    const mine = seeded.dead.map((o) => items.find((d) => d.orderId === o));
    return mine.every(Boolean) ? mine : null;
  }, "both dead letters");
  // The dashboard reads the D1 projection: wait until it has every seeded order where it settles.
  await eventually(async () => {
    const s = (await api("GET", "/v1/ops/summary")).body;
    return s.orders.total === 6 && s.orders.byStatus.exception === 2 && !s.dispatch.pending && !s.dispatch.enqueued;
  }, "the projection to settle");
}, { timeout: 300_000 });

after(async () => {
  await browser?.close();
  await sys?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A fresh page on /ops with `token` typed in and loaded; `page.done()` closes it and checks its script never threw. */
async function open(token, { viewport = { width: 1280, height: 900 } } = {}) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.done = async () => {
    await context.close();
    assert.deepEqual(errors, [], "the page's script threw");
  };
  await page.goto(`${sys.url}/ops`);
  await page.fill("#t", token);
  await page.click("#auth button[type=submit]");
  return page;
}

const count = (text) => Number(String(text).replace(/[^\d]/g, ""));

/** What the page shows, read from the data-* attributes its cards give their numbers. */
function readPage(page) {
  return page.evaluate(() => {
    const n = (el) => (el ? Number(el.textContent.replace(/[^\d]/g, "")) : null);
    const kpis = Object.fromEntries([...document.querySelectorAll("[data-kpi]")].map((k) => [k.dataset.kpi, n(k.querySelector("b"))]));
    const channels = [...document.querySelectorAll("tr[data-channel]")].map((tr) => ({
      channel: tr.dataset.channel,
      total: n(tr.querySelector("[data-field=total]")),
      awaitingErp: n(tr.querySelector("[data-field=awaitingErp]")),
      byStatus: Object.fromEntries([...tr.querySelectorAll("[data-status]")].map((c) => [c.dataset.status, n(c.querySelector("b"))])),
    }));
    const kinds = Object.fromEntries([...document.querySelectorAll("button[data-kind]")].map((b) => [b.dataset.kind, n(b.querySelector("b"))]));
    const dispatch = Object.fromEntries([...document.querySelectorAll("[data-dispatch]")].map((c) => [c.dataset.dispatch, n(c.querySelector("b"))]));
    const deadLetters = [...document.querySelectorAll("tr[data-dead-letter]")].map((tr) => tr.dataset.deadLetter);
    return { kpis, channels, kinds, dispatch, deadLetters };
  });
}

async function whatTheApiSays(token) {
  const [s, b, ex, dl] = await Promise.all(["/v1/ops/summary", "/v1/ops/backlog", "/v1/ops/exceptions?limit=500", "/v1/ops/dead-letters?state=open&limit=200"].map((p) => api("GET", p, { token })));
  const kinds = {};
  for (const e of ex.body.items) kinds[e.kind] = (kinds[e.kind] ?? 0) + 1;
  return {
    kpis: { orders: s.body.orders.total, "awaiting-erp": (s.body.dispatch.pending ?? 0) + (s.body.dispatch.enqueued ?? 0), exceptions: s.body.exceptions.open, "dead-letters": s.body.deadLetters.open },
    channels: b.body.channels.map((c) => ({ channel: c.channel, total: c.total, awaitingErp: c.awaitingErp, byStatus: c.byStatus })),
    kinds,
    dispatch: s.body.dispatch,
    deadLetters: dl.body.items.map((d) => d.id),
  };
}

async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, name);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`# screenshot: ${path.relative(process.cwd(), file) || file}`);
  return file;
}

// Skipped only where ensureChromium allows it (SWITCHYARD_SKIP_BROWSER=1, never on CI): counted as a skipped test.
if (browserPath === null) test("the /ops dashboard in chromium", { skip: "SWITCHYARD_SKIP_BROWSER=1 and no chromium" }, () => {});

describe("the /ops dashboard in chromium", { skip: browserPath === null, timeout: 300_000 }, () => {
  test("a wrong token is said in the page, and no figure is shown", async () => {
    const page = await open("sy_not_a_key_of_ours");
    const msg = page.locator("#auth-msg");
    await msg.filter({ hasText: "refused" }).waitFor();
    assert.match(await msg.textContent(), /The token was refused \(A valid API key is required\.\)/);
    assert.equal(await msg.getAttribute("role"), "alert");
    assert.equal(await page.locator("main").isHidden(), true, "no figures under a refused token");
    await page.done();
  });

  test("shows the seeded run's numbers, the same the API gives", async () => {
    const page = await open(seeded.opsKey);
    await page.locator("tr[data-channel=web]").waitFor();
    const shown = await eventually(async () => {
      const [p, a] = [await readPage(page), await whatTheApiSays(seeded.opsKey)];
      const kpis = Object.fromEntries(Object.keys(a.kpis).map((k) => [k, p.kpis[k]]));
      assert.deepEqual({ ...p, kpis }, a);
      return p;
    }, "the page to show what the API says", 20_000);
    // What the seeded run produced, independent of the API's own arithmetic.
    const byChannel = Object.fromEntries(shown.channels.map((c) => [c.channel, c]));
    assert.deepEqual(byChannel.web, { channel: "web", total: 3, awaitingErp: 0, byStatus: { erp_accepted: 3 } });
    assert.deepEqual(byChannel.b2b, { channel: "b2b", total: 3, awaitingErp: 0, byStatus: { erp_accepted: 1, exception: 2 } });
    assert.equal(shown.kpis.orders, 6);
    assert.equal(shown.kpis["dead-letters"], 2);
    assert.equal(shown.kinds.quarantine, 1);
    assert.equal(shown.dispatch.dead, 2);
    assert.deepEqual(shown.deadLetters.sort(), seeded.deadLetters.map((d) => d.id).sort());
    // An ops key is not the admin token: the ERP connections list stays hidden.
    assert.equal(await page.locator("#erp-connections").isHidden(), true);
    // Local times, not raw UTC stamps; charts drawn from the samples polled so far.
    const stamp = await page.locator("tr[data-dead-letter] time").first().textContent();
    assert.doesNotMatch(stamp, /T\d\d:\d\d/);
    // The next refresh (5 s) adds a sample to the chart and leaves the reader's focus where it was.
    const copy = page.locator(`tr[data-dead-letter] button[data-copy="${seeded.deadLetters[0].id}"]`);
    await copy.focus();
    const points = () => page.locator("figure[data-chart=orders] polyline").evaluate((l) => l.getAttribute("points").trim().split(/\s+/).length);
    await page.locator("figure[data-chart=orders] polyline").waitFor({ state: "attached" });
    const before = await points();
    await eventually(async () => (await points()) > before, "the next 5 s sample", 15_000);
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.key), `copy:${seeded.deadLetters[0].id}`, "a refresh keeps the focus");
    assert.equal(count(await page.locator("figure[data-chart=orders] figcaption b").textContent()), 6);
    await shot(page, "ops-dashboard.png");
    await page.done();
  });

  test("an exception's link opens the order's timeline", async () => {
    const page = await open(seeded.opsKey);
    const orderId = seeded.dead[0];
    const link = page.locator(`tr[data-exception] a[href="#order=${orderId}"]`);
    await link.click();
    const order = (await api("GET", `/v1/orders/${orderId}`, { token: seeded.opsKey })).body;
    await page.locator("#order-view").waitFor();
    await page.locator("#order-view [data-timeline]").first().waitFor();
    assert.equal(await page.locator("#order-title").textContent(), `Order ${order.channel} / ${order.externalId}`);
    assert.equal(await page.locator("#order-view [data-order-status]").textContent(), order.status);
    const types = await page.locator("#order-view [data-timeline]").evaluateAll((li) => li.map((x) => x.dataset.timeline));
    assert.deepEqual(types, order.timeline.map((t) => t.type).reverse());
    assert.equal(await page.evaluate(() => document.activeElement?.id), "order-title", "focus moves to the order view");
    await page.click("#order-close");
    await page.locator("#order-view").waitFor({ state: "hidden" });
    await page.done();
  });

  test("is usable without a mouse: landmarks, named controls, the skip link first", async () => {
    const page = await open(seeded.opsKey);
    await page.locator("tr[data-dead-letter]").first().waitFor();
    for (const role of ["banner", "main", "contentinfo"]) assert.equal(await page.getByRole(role).count(), 1, `one ${role} landmark`);
    for (const name of ["Now", "Backlog per channel", "ERP health", "Exceptions by type", "Dead letters", "Last hour"]) assert.equal(await page.getByRole("region", { name, exact: true }).count(), 1, `a region named ${name}`);
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll("button, a[href], input")]
        .filter((el) => el.offsetParent !== null || el.getClientRects().length)
        .filter((el) => !(el.getAttribute("aria-label") || el.textContent.trim() || (el.labels && el.labels.length)))
        .map((el) => el.outerHTML.slice(0, 120)),
    );
    assert.deepEqual(unnamed, [], "every visible control has a name");
    // A reload loads again from the token this tab kept, and the first Tab lands on the skip link.
    await page.reload();
    await page.locator("tr[data-dead-letter]").first().waitFor();
    await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to the dashboard");
    await page.done();
  });

  test("the admin token also lists the ERP connections", async () => {
    const page = await open(TOKEN);
    await page.locator("#erp-connections").filter({ hasText: "ERP connections" }).waitFor();
    assert.match(await page.locator("#erp-connections").textContent(), /None configured/);
    await page.done();
  });

  test("on a phone-sized screen nothing spills sideways, the order view included", async () => {
    const page = await open(seeded.opsKey, { viewport: { width: 390, height: 844 } });
    await page.locator("tr[data-channel=web]").waitFor();
    await page.locator("figure[data-chart=orders] polyline").waitFor({ state: "attached" });
    const overflow = () => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    let o = await overflow();
    assert.ok(o.scroll <= o.inner, `the page is ${o.scroll}px wide on a ${o.inner}px screen`);
    await shot(page, "ops-dashboard-phone.png");
    await page.locator(`tr[data-exception] a[href="#order=${seeded.dead[0]}"]`).click();
    await page.locator("#order-view [data-timeline]").first().waitFor();
    o = await overflow();
    assert.ok(o.scroll <= o.inner, `with the order open the page is ${o.scroll}px wide on a ${o.inner}px screen`);
    await page.done();
  });
  test("replay needs ops:write, then replays one dead letter, then the rest in bulk", async () => {
    const [first, second] = seeded.deadLetters;
    const ro = await open(seeded.readKey);
    await ro.locator(`tr[data-dead-letter="${first.id}"] button[data-replay]`).click();
    await ro.locator("#dl-msg").filter({ hasText: "ops:write" }).waitFor();
    assert.match(await ro.locator("#dl-msg").textContent(), /this key lacks the ops:write scope/);
    // Nor may it read the order: the order view says why instead of showing nothing.
    await ro.locator(`tr[data-exception] a[href="#order=${first.orderId}"]`).click();
    await ro.locator("#order-body").filter({ hasText: "orders:read" }).waitFor();
    await ro.done();
    const still = (await api("GET", "/v1/ops/dead-letters?state=open")).body.items.map((d) => d.id);
    assert.ok(still.includes(first.id) && still.includes(second.id), "a refused replay leaves both open");

    await fetch(`${sys.erpUrl}/_sim/reset`, { method: "POST" });
    const page = await open(seeded.opsKey);
    await page.locator(`tr[data-dead-letter="${first.id}"] button[data-replay]`).click();
    await page.locator("#dl-msg").filter({ hasText: `Queued again: ${first.id}` }).waitFor();
    const replayed = await eventually(async () => (await api("GET", `/v1/ops/dead-letters?state=all&filter=${first.orderId}`)).body.items.find((d) => d.id === first.id && d.replayedAt), "the API to show it replayed");
    assert.equal(replayed.replayCount, 1);
    await page.locator(`tr[data-dead-letter="${first.id}"]`).waitFor({ state: "detached" });
    await eventually(async () => (await api("GET", `/v1/orders/${first.orderId}`)).body?.status === "erp_accepted", "the replayed order to be booked");

    await page.locator(`input[data-select="${second.id}"]`).check();
    assert.equal(await page.locator("#dl-bulk").textContent(), "Replay selected (1)");
    await page.click("#dl-bulk");
    await page.locator("#dl-msg").filter({ hasText: `Queued again: ${second.id}` }).waitFor();
    await eventually(async () => (await api("GET", "/v1/ops/dead-letters?state=open")).body.items.length === 0, "no dead letter left open");
    await eventually(async () => (await readPage(page)).kpis["dead-letters"] === 0, "the page to count none open");
    await page.done();
  });
});
