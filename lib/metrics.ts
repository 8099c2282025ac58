/**
 * Counting what happened, at a small fixed cost: increments and observations are buffered in the
 * isolate and flushed to the MetricsDO in one call per batch, from `ctx.waitUntil` about
 * FLUSH_AFTER_MS after the first unflushed increment, so no answer waits for a metric. Without a
 * ctx (a caller that has none) the increment rides along with the next flush. A failed flush
 * puts its batch back. The scrape flushes its own isolate's buffer before reading.
 *
 * @example countMetric(env, c.executionCtx, "switchyard_publisher_calls_total", { channel, connection, result: "ok" });
 * @example observe(env, ctx, "switchyard_publisher_lag_seconds", { channel, connection }, lagMs / 1000);
 */
import { METRICS_OBJECT } from "../core/keys";
import { counterDeltas, histogramDeltas, type CounterName, type FlushBatch, type HistogramName, type Labels } from "../core/metrics";
import type { SeenBatch } from "../core/silence";
import type { Env } from "./env";
import { log } from "./log";

export type { CounterName, HistogramName, Labels } from "../core/metrics";
export interface Waiter {
  waitUntil(p: Promise<unknown>): void;
}

// A second: an isolate under steady traffic flushes about once a second whatever its rate, and
// each flush writes one MetricsDO row per label set it touched (at 100 ms, five orders a second
// cost five rows an order). Scrapes come every 15 s or more; the scrape flushes its own isolate.
export const FLUSH_AFTER_MS = 1000;
/** A scheduled flush that never ran (its request was torn down) stops blocking new ones after this. */
const STALE_SCHEDULE_MS = 5_000;

const series = new Map<string, number>();
const seen = new Map<string, SeenBatch>();
let scheduledAt = 0;

function addSeries(deltas: [string, number][]): void {
  for (const [k, v] of deltas) series.set(k, (series.get(k) ?? 0) + v);
}

function schedule(env: Env, ctx: Waiter | undefined): void {
  if (!ctx) return;
  const now = Date.now();
  if (scheduledAt && now - scheduledAt < STALE_SCHEDULE_MS) return;
  scheduledAt = now;
  try {
    ctx.waitUntil(new Promise((r) => setTimeout(r, FLUSH_AFTER_MS)).then(() => flushMetrics(env)));
  } catch {
    scheduledAt = 0;
  }
}

/** Adds `value` (default 1) to a counter. Never throws, never awaits. */
export function countMetric(env: Env, ctx: Waiter | undefined, name: CounterName, labels: Labels, value = 1): void {
  try {
    addSeries(counterDeltas(name, labels, value));
    schedule(env, ctx);
  } catch (e) {
    log.warn("metric not counted", { name, error: String(e) });
  }
}

/** Records one observation (seconds) in a histogram. Never throws, never awaits. */
export function observe(env: Env, ctx: Waiter | undefined, name: HistogramName, labels: Labels, value: number): void {
  try {
    addSeries(histogramDeltas(name, labels, value));
    schedule(env, ctx);
  } catch (e) {
    log.warn("metric not observed", { name, error: String(e) });
  }
}

/**
 * A connection was heard from (a delivery, an interchange, a successful poll): folded into its
 * learned cadence for the silence alerts (core/silence.ts) with the next flush.
 */
export function noteSeen(env: Env, ctx: Waiter | undefined, c: { key: string; id: string; kind: string; channel: string | null }, at = Date.now()): void {
  const s = seen.get(c.key);
  if (s) {
    s.first = Math.min(s.first, at);
    s.last = Math.max(s.last, at);
    s.count += 1;
  } else seen.set(c.key, { ...c, first: at, last: at, count: 1 });
  schedule(env, ctx);
}

function take(): FlushBatch | null {
  if (!series.size && !seen.size) return null;
  const batch: FlushBatch = { series: [...series], seen: [...seen.values()] };
  series.clear();
  seen.clear();
  return batch;
}

function putBack(b: FlushBatch): void {
  addSeries(b.series);
  for (const s of b.seen) {
    const cur = seen.get(s.key);
    if (!cur) seen.set(s.key, s);
    else seen.set(s.key, { ...cur, first: Math.min(cur.first, s.first), last: Math.max(cur.last, s.last), count: cur.count + s.count });
  }
}

/** Sends this isolate's buffer to the MetricsDO now (one call). */
export async function flushMetrics(env: Env): Promise<void> {
  scheduledAt = 0;
  const batch = take();
  if (!batch) return;
  try {
    await env.METRICS.getByName(METRICS_OBJECT).add(batch);
  } catch (e) {
    putBack(batch);
    log.warn("metrics flush failed; kept for the next one", { error: String(e), series: batch.series.length });
  }
}

/** Everything counted so far (after flushing this isolate's buffer), and connections' cadence. */
export async function readCounted(env: Env) {
  await flushMetrics(env);
  return env.METRICS.getByName(METRICS_OBJECT).read();
}
