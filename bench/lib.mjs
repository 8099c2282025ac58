// Shared pieces of the benchmark: the load generator wrapper (autocannon's programmatic API),
// a /proc sampler for workerd memory and CPU, Shopify signing, admin/API helpers, the run's log
// and the wait for the ERP simulator to drain.
import autocannon from "autocannon";
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { cpuMs, ROOT, rssBytes } from "./launch.mjs";

export const FIXTURE = join(ROOT, "test", "fixtures", "shopify", "docs-sample_2025-04_orders_create.json");

/** The Shopify orders/create sample (its `response` key), as a live, uncancelled order. Its 18-digit id is replaced per request anyway. */
export function shopifyOrderTemplate() {
  return { ...JSON.parse(readFileSync(FIXTURE, "utf8")).response, cancelled_at: null, cancel_reason: null };
}

/** One signed orders/create delivery for order number `n`: body and headers, as a provider sends it. */
export function shopifyDelivery(template, secret, n, { deliveryId = randomUUID(), updatedAt = "2026-11-20T10:00:00-05:00" } = {}) {
  const body = JSON.stringify({ ...template, id: n, admin_graphql_api_id: `gid://shopify/Order/${n}`, updated_at: updatedAt });
  const hmac = createHmac("sha256", secret).update(body).digest("base64");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "x-shopify-hmac-sha256": hmac,
      "x-shopify-webhook-id": deliveryId,
      "x-shopify-event-id": deliveryId,
      "x-shopify-topic": "orders/create",
      "x-shopify-shop-domain": "bench.myshopify.com",
    },
  };
}

/** JSON request helper; throws with the body on an unexpected status. */
export async function api(base, path, { method = "GET", token, json, headers = {}, expect = [200, 201, 202] } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(json !== undefined ? { "content-type": "application/json" } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const text = await res.text();
  let body;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (expect && !expect.includes(res.status)) {
    const e = new Error(`${method} ${path} -> ${res.status}: ${text.slice(0, 500)}`);
    e.status = res.status;
    e.body = body;
    throw e;
  }
  return { status: res.status, body, headers: res.headers };
}

/**
 * Samples RSS and CPU of a set of processes every `everyMs`. `mark()` starts a window; `window()`
 * returns the peak RSS seen since the mark and the CPU ms used since it.
 */
export class ProcSampler {
  constructor(groups, everyMs = 200) {
    this.groups = groups; // { name: () => pid[] }
    this.peaks = {};
    this.overall = {};
    this.cpuAtMark = {};
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
    this.sample();
  }
  sample() {
    for (const [name, pids] of Object.entries(this.groups)) {
      const rss = pids().reduce((s, p) => s + rssBytes(p), 0);
      this.peaks[name] = Math.max(this.peaks[name] ?? 0, rss);
      this.overall[name] = Math.max(this.overall[name] ?? 0, rss);
    }
  }
  cpu(name) {
    return this.groups[name]().reduce((s, p) => s + cpuMs(p), 0);
  }
  mark() {
    this.sample();
    for (const name of Object.keys(this.groups)) {
      this.peaks[name] = 0;
      this.cpuAtMark[name] = this.cpu(name);
    }
    this.sample();
  }
  window(name) {
    this.sample();
    return { peakRssBytes: this.peaks[name] ?? 0, cpuMs: this.cpu(name) - (this.cpuAtMark[name] ?? 0) };
  }
  stop() {
    clearInterval(this.timer);
  }
}

/**
 * Runs autocannon for a fixed duration (or amount) and concurrency; returns the figures we report.
 * `requests` is autocannon's request list (setupRequest / onResponse hooks allowed).
 */
export async function load({ url, connections, duration, amount, requests, method, body, headers, overallRate, timeoutS = 30, hardStopMs }) {
  const opts = {
    url,
    connections,
    pipelining: 1,
    timeout: timeoutS,
    ...(amount ? { amount } : { duration }),
    ...(requests ? { requests } : {}),
    ...(method ? { method } : {}),
    ...(body ? { body } : {}),
    ...(headers ? { headers } : {}),
    ...(overallRate ? { overallRate } : {}),
  };
  const started = Date.now();
  const inst = autocannon(opts);
  const guard = hardStopMs ? setTimeout(() => inst.stop(), hardStopMs) : null;
  const r = await new Promise((res, rej) => {
    inst.on("done", res);
    inst.on("error", rej);
  });
  if (guard) clearTimeout(guard);
  const elapsedS = (Date.now() - started) / 1000;
  const total = r.requests.total;
  return {
    connections,
    durationS: Number(elapsedS.toFixed(2)),
    requests: total,
    rps: Number((total / elapsedS).toFixed(1)),
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    mean: Number(r.latency.average.toFixed(2)),
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    statusCodes: Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count])),
  };
}

/** Percentile of a numeric array (nearest rank). */
export function pct(xs, p) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` until it returns a truthy value or `timeoutMs` passes; returns the last value. */
export async function until(fn, { timeoutMs = 30_000, everyMs = 250 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let v;
  for (;;) {
    v = await fn();
    if (v || Date.now() > deadline) return v;
    await sleep(everyMs);
  }
}

/** When the run began: the log's clock and the run's total time both count from it. */
export const began = Date.now();
export const log = (...a) => console.log(`[bench +${((Date.now() - began) / 1000).toFixed(0).padStart(3)}s]`, ...a);
export const mb = (b) => Math.round(b / 1024 / 1024);

/** Waits until the ERP simulator has booked `expected` orders (or stops growing); returns the drain rate. */
export async function drain(sys, expected, label, capMs = 45_000) {
  const t0 = Date.now();
  const start = sys.erp.state.bookings.size;
  let last = start;
  let lastChange = Date.now();
  await until(
    () => {
      const n = sys.erp.state.bookings.size;
      if (n !== last) (last = n), (lastChange = Date.now());
      return n >= expected || Date.now() - lastChange > 3000;
    },
    { timeoutMs: capMs, everyMs: 200 },
  );
  const booked = sys.erp.state.bookings.size - start;
  const s = (Date.now() - t0) / 1000;
  if (label) log(`drain ${label}: ${sys.erp.state.bookings.size}/${expected} booked after ${s.toFixed(1)} s`);
  return { expected, bookedTotal: sys.erp.state.bookings.size, booked, seconds: Number(s.toFixed(1)) };
}
