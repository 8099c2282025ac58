/**
 * The metric families Switchyard exposes, and the Prometheus text exposition format 0.0.4 they are
 * served in. Pure: counters and histograms arrive as series deltas (lib/metrics.ts buffers them in
 * the isolate and the MetricsDO adds them up); gauges are read at scrape time from state.
 * Every family is declared here once, so HELP and TYPE appear once per family and names follow
 * Prometheus conventions (base units, `_total` counters, `_bucket`/`_sum`/`_count` histograms).
 */
import type { SeenBatch } from "./silence";

export type MetricType = "counter" | "histogram" | "gauge";
export interface Family {
  type: MetricType;
  help: string;
  labels: readonly string[];
  /** Histograms: upper bounds of the buckets, in the family's unit (seconds). */
  buckets?: readonly number[];
}

const LATENCY = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30] as const;
const LAG = [0.1, 0.5, 1, 5, 15, 30, 60, 300, 900, 3600] as const;

/** Families counted from events (counters and histograms). */
export const EVENT_FAMILIES = {
  switchyard_webhook_deliveries_received_total: { type: "counter", help: "Webhook deliveries received, per channel and connection (unknown connections as connection=\"unknown\").", labels: ["channel", "connection"] },
  switchyard_webhook_deliveries_total: { type: "counter", help: "Webhook deliveries answered, by outcome: accepted, duplicate, stale, quarantined or refused.", labels: ["channel", "connection", "outcome"] },
  switchyard_webhook_refused_total: { type: "counter", help: "Webhook deliveries refused, by reason: signature, unknown_connection, too_large, rate_limited, timeout, unavailable, error.", labels: ["channel", "connection", "reason"] },
  switchyard_webhook_ack_seconds: { type: "histogram", help: "Time from a webhook delivery's arrival to its answer.", labels: ["channel", "connection"], buckets: LATENCY },
  switchyard_edi_interchanges_total: { type: "counter", help: "EDI interchanges answered, by outcome: accepted, duplicate, rejected or refused.", labels: ["channel", "connection", "outcome"] },
  switchyard_erp_attempts_total: { type: "counter", help: "ERP calls to book an order, per ERP connection, by result: success, retry, rejected or auth_config.", labels: ["erp_connection", "result"] },
  switchyard_erp_call_seconds: { type: "histogram", help: "Latency of ERP calls to book an order, per ERP connection.", labels: ["erp_connection"], buckets: LATENCY },
  switchyard_erp_polls_total: { type: "counter", help: "ERP poller runs, per ERP connection, by result: ok, retry or config.", labels: ["erp_connection", "result"] },
  switchyard_publisher_calls_total: { type: "counter", help: "Channel publisher API calls, per channel and connection, by result (ok, retry, rejected, ...).", labels: ["channel", "connection", "result"] },
  switchyard_publisher_lag_seconds: { type: "histogram", help: "Time from an availability change to the channel acknowledging the published figure.", labels: ["channel", "connection"], buckets: LAG },
  switchyard_inventory_sync_lag_seconds: { type: "histogram", help: "Time from a stock fact (event asOf, reservation) to the channel's availability figure written, per channel.", labels: ["channel"], buckets: LAG },
  switchyard_inventory_counters_rebuilt_total: { type: "counter", help: "Inventory counters a SKU's audit found disagreeing with its open holds and rebuilt from them (each is also logged).", labels: [] },
  switchyard_dead_letters_total: { type: "counter", help: "Work that exhausted its retries and was dead-lettered, by queue and kind.", labels: ["queue", "kind"] },
  switchyard_reconciliation_discrepancies_total: { type: "counter", help: "Discrepancies found by reconciliation runs, by type and whether they were healed.", labels: ["type", "healed"] },
  switchyard_reconciliation_runs_total: { type: "counter", help: "Reconciliation runs, by trigger: scheduled or api.", labels: ["trigger"] },
  switchyard_connection_silence_alerts_total: { type: "counter", help: "Times a connection was raised as silent.", labels: ["connection", "kind"] },
} as const satisfies Record<string, Family>;

/** Families read from state at scrape time. */
export const GAUGE_FAMILIES = {
  switchyard_orders: { type: "gauge", help: "Orders by status.", labels: ["status"] },
  switchyard_dispatch: { type: "gauge", help: "Orders by ERP hand-off state.", labels: ["state"] },
  switchyard_dead_letters_open: { type: "gauge", help: "Dead letters not yet replayed.", labels: [] },
  switchyard_exceptions_open: { type: "gauge", help: "Open exceptions (quarantined events and orders in exception).", labels: [] },
  switchyard_availability_sync_lag_seconds: { type: "gauge", help: "Source fact time to availability projection written, over the last hour.", labels: ["stat"] },
  switchyard_queue_backlog: { type: "gauge", help: "Orders waiting for the ERP hand-off, per channel.", labels: ["channel"] },
  switchyard_oldest_unconfirmed_order_age_seconds: { type: "gauge", help: "Age of the oldest order the ERP has not confirmed yet (0 when none waits).", labels: [] },
  switchyard_orders_stuck: { type: "gauge", help: "Orders whose ERP hand-off has not moved for longer than the sweep threshold, by hand-off state.", labels: ["state"] },
  switchyard_connection_silent: { type: "gauge", help: "1 while a connection is quiet beyond its threshold (a multiple of its usual cadence), else 0.", labels: ["connection", "kind", "channel"] },
  switchyard_connection_expected_interval_seconds: { type: "gauge", help: "A connection's learned usual gap between deliveries (EWMA).", labels: ["connection", "kind", "channel"] },
  switchyard_publisher_items: { type: "gauge", help: "Published figures per channel connection by state: pending (not yet acknowledged), rejected or dead (retries exhausted).", labels: ["channel", "connection", "state"] },
  switchyard_publisher_lag_p99_seconds: { type: "gauge", help: "99th percentile of stock fact to channel acknowledgment over a connection's last 1000 figures.", labels: ["channel", "connection"] },
  switchyard_connection_last_seen_timestamp_seconds: { type: "gauge", help: "Unix time of a connection's last delivery or successful poll.", labels: ["connection", "kind", "channel"] },
} as const satisfies Record<string, Family>;

export type CounterName = { [K in keyof typeof EVENT_FAMILIES]: (typeof EVENT_FAMILIES)[K]["type"] extends "counter" ? K : never }[keyof typeof EVENT_FAMILIES];
export type HistogramName = { [K in keyof typeof EVENT_FAMILIES]: (typeof EVENT_FAMILIES)[K]["type"] extends "histogram" ? K : never }[keyof typeof EVENT_FAMILIES];
export type GaugeName = keyof typeof GAUGE_FAMILIES;
export type Labels = Record<string, string>;

const FAMILIES: Record<string, Family> = { ...EVENT_FAMILIES, ...GAUGE_FAMILIES };

/** One series: its family, the suffix (`_bucket`, `_sum`, `_count` for histograms, else ""), labels in order. */
export type SeriesKey = string;
export interface Sample {
  family: string;
  suffix: string;
  labels: [string, string][];
  value: number;
}

/** Label values are bounded so a hostile id cannot bloat a series (and the exposition). */
const cleanValue = (v: string) => (v.length > 120 ? v.slice(0, 120) : v);

function labelPairs(family: string, labels: Labels): [string, string][] {
  const f = FAMILIES[family];
  if (!f) throw new Error(`unknown metric family ${family}`);
  return f.labels.map((l) => [l, cleanValue(labels[l] ?? "")]);
}

export const seriesKey = (family: string, suffix: string, pairs: [string, string][]): SeriesKey => JSON.stringify([family, suffix, pairs]);

export function parseSeriesKey(key: SeriesKey): Omit<Sample, "value"> {
  const [family, suffix, labels] = JSON.parse(key) as [string, string, [string, string][]];
  return { family, suffix, labels };
}

/**
 * The stored set a series belongs to: its family and labels without `le`, so one histogram
 * observation's buckets, sum and count are one stored row, not sixteen (MetricsDO).
 */
export function seriesSet(key: SeriesKey): string {
  const { family, labels } = parseSeriesKey(key);
  return JSON.stringify([family, labels.filter(([l]) => l !== "le")]);
}

/** The series deltas one counter increment stands for. */
export function counterDeltas(name: CounterName, labels: Labels, value = 1): [SeriesKey, number][] {
  return [[seriesKey(name, "", labelPairs(name, labels)), value]];
}

/**
 * The series deltas one histogram observation stands for: cumulative buckets (every bucket at or
 * above the value, and +Inf), the sum and the count. Lower buckets get 0, so every bucket exists.
 */
export function histogramDeltas(name: HistogramName, labels: Labels, value: number): [SeriesKey, number][] {
  const f = EVENT_FAMILIES[name];
  const pairs = labelPairs(name, labels);
  const v = Number.isFinite(value) && value > 0 ? value : 0;
  const out: [SeriesKey, number][] = f.buckets.map((le) => [seriesKey(name, "_bucket", [...pairs, ["le", String(le)]]), v <= le ? 1 : 0]);
  out.push([seriesKey(name, "_bucket", [...pairs, ["le", "+Inf"]]), 1], [seriesKey(name, "_sum", pairs), v], [seriesKey(name, "_count", pairs), 1]);
  return out;
}

/** A gauge sample (labels in the family's order). */
export function gauge(name: GaugeName, labels: Labels, value: number): Sample {
  return { family: name, suffix: "", labels: labelPairs(name, labels), value };
}

const escapeLabel = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
const formatValue = (v: number) => (Number.isNaN(v) ? "NaN" : v === Infinity ? "+Inf" : v === -Infinity ? "-Inf" : String(Number.isInteger(v) ? v : Math.round(v * 1e9) / 1e9));

function bucketOrder(a: Sample, b: Sample): number {
  const le = (s: Sample) => {
    const v = s.labels.find(([k]) => k === "le")?.[1];
    return v === undefined ? 0 : v === "+Inf" ? Infinity : Number(v);
  };
  return le(a) - le(b);
}

/**
 * Prometheus text format 0.0.4: every known family once (HELP, TYPE, then its samples; a family
 * without samples is still described), histograms' series grouped per label set with buckets in
 * ascending order, then `_sum` and `_count`.
 */
export function renderPrometheus(samples: Sample[]): string {
  const byFamily = new Map<string, Sample[]>();
  for (const s of samples) byFamily.set(s.family, [...(byFamily.get(s.family) ?? []), s]);
  const lines: string[] = [];
  for (const [name, f] of Object.entries(FAMILIES)) {
    lines.push(`# HELP ${name} ${f.help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `# TYPE ${name} ${f.type}`);
    const list = byFamily.get(name) ?? [];
    const groups = new Map<string, Sample[]>();
    for (const s of list) {
      const base = JSON.stringify(s.labels.filter(([k]) => k !== "le"));
      groups.set(base, [...(groups.get(base) ?? []), s]);
    }
    for (const [, group] of [...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const rank = (s: Sample) => (s.suffix === "_bucket" ? 0 : s.suffix === "_sum" ? 1 : s.suffix === "_count" ? 2 : 0);
      group.sort((a, b) => rank(a) - rank(b) || bucketOrder(a, b));
      for (const s of group) {
        const labels = s.labels.length ? `{${s.labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}` : "";
        lines.push(`${name}${s.suffix}${labels} ${formatValue(s.value)}`);
      }
    }
  }
  return lines.join("\n") + "\n";
}

/** Counters as JSON for the summary: `{ family: [ { ...labels, value } ] }`; histograms as count, sum and bucket counts. */
export function samplesAsJson(samples: Sample[]): Record<string, Record<string, unknown>[]> {
  const out: Record<string, Record<string, unknown>[]> = {};
  const hist = new Map<string, Record<string, unknown> & { buckets: Record<string, number> }>();
  for (const s of samples) {
    const f = FAMILIES[s.family];
    if (!f || f.type === "gauge") continue;
    const labels = Object.fromEntries(s.labels.filter(([k]) => k !== "le"));
    if (f.type === "counter") {
      (out[s.family] ??= []).push({ ...labels, value: s.value });
      continue;
    }
    const id = JSON.stringify([s.family, labels]);
    let h = hist.get(id);
    if (!h) {
      h = { ...labels, count: 0, sum: 0, buckets: {} };
      hist.set(id, h);
      (out[s.family] ??= []).push(h);
    }
    if (s.suffix === "_count") h.count = s.value;
    else if (s.suffix === "_sum") h.sum = s.value;
    else h.buckets[s.labels.find(([k]) => k === "le")?.[1] ?? "+Inf"] = s.value;
  }
  return out;
}

/** What an isolate sends the MetricsDO in one flush: series deltas and connections' arrivals. */
export interface FlushBatch {
  series: [string, number][];
  seen: SeenBatch[];
}
