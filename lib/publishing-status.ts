/**
 * What `GET /v1/ops/publishing`, the /ops dashboard and `/metrics` show about publishing: per
 * channel connection that has publish settings, its publisher object's view (pending, failed,
 * lag from stock fact to channel acknowledgment, throttle and pause), and the totals.
 */
import { publisherObjectName } from "../core/keys";
import { listConnections } from "../db/connections";
import { openDeadLettersOf } from "../db/dead-letters";
import type { Env } from "./env";
import { publishTarget } from "./publishing";

export interface PublishingConnectionView {
  connectionId: string;
  channel: string;
  kind: string;
  items: { pending: number; rejected: number; dead: number; idle: number };
  lagMs: { p50: number | null; p99: number | null; samples: number };
  calls: number;
  batches: number;
  failures: number;
  acknowledged: number;
  folded: number;
  lastOkAt: string | null;
  disabled?: string;
  pausedUntil?: string;
  pausedReason?: string;
  throttledUntil?: string;
  throttleReason?: string;
  lastError?: string;
  skus?: { sku: string; channelLocation?: string; published: number; acknowledged: number | null; at: string | null; state: string; lastError?: string }[];
}

export interface PublishingStatus {
  totals: { connections: number; pending: number; failed: number; deadLettersOpen: number; lagP50Ms: number | null; lagP99Ms: number | null; calls: number };
  connections: PublishingConnectionView[];
  at: string;
}

/** Every connection with `settings.publish` (enabled or not), with at most `skuLimit` SKUs each. */
export async function publishingStatus(env: Env, skuLimit: number): Promise<PublishingStatus> {
  const rows = (await listConnections(env.DB)).filter((r) => r.settings.publish && typeof r.settings.publish === "object");
  const [views, deadLettersOpen] = await Promise.all([
    Promise.all(
      rows.map(async (r): Promise<PublishingConnectionView> => {
        const v = await env.PUBLISHERS.getByName(publisherObjectName(r.id)).describe(skuLimit);
        const { connectionId: _ignored, ...rest } = v;
        return { connectionId: r.id, channel: r.channel, kind: r.kind, ...rest, ...(publishTarget(r) ? {} : { disabled: "publishing disabled" }) };
      }),
    ),
    openDeadLettersOf(env.DB, "publisher"),
  ]);
  const worst = (pick: (v: PublishingConnectionView) => number | null) => views.reduce<number | null>((m, v) => (pick(v) === null ? m : Math.max(m ?? 0, pick(v)!)), null);
  return {
    totals: {
      connections: views.length,
      pending: views.reduce((n, v) => n + v.items.pending, 0),
      failed: views.reduce((n, v) => n + v.items.rejected + v.items.dead, 0),
      deadLettersOpen,
      // The worst connection's: one slow channel is what an operator must see.
      lagP50Ms: worst((v) => v.lagMs.p50),
      lagP99Ms: worst((v) => v.lagMs.p99),
      calls: views.reduce((n, v) => n + v.calls, 0),
    },
    connections: views,
    at: new Date().toISOString(),
  };
}

const label = (v: string) => v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** Prometheus families for publishing (appended to /metrics). */
export async function publishingMetrics(env: Env): Promise<string[]> {
  const s = await publishingStatus(env, 0);
  const lines: string[] = [];
  const family = (name: string, type: "counter" | "gauge", help: string, values: [string, number | null][]) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of values) if (v !== null) lines.push(`${name}{${labels}} ${v}`);
  };
  const l = (v: PublishingConnectionView, extra = "") => `connection="${label(v.connectionId)}",channel="${label(v.channel)}",kind="${label(v.kind)}"${extra}`;
  family("switchyard_publisher_calls_total", "counter", "Calls made to the channel's API by its publisher.", s.connections.map((v) => [l(v), v.calls]));
  family("switchyard_publisher_batches_total", "counter", "Batches the publisher sent.", s.connections.map((v) => [l(v), v.batches]));
  family("switchyard_publisher_acknowledged_total", "counter", "Figures the channel acknowledged.", s.connections.map((v) => [l(v), v.acknowledged]));
  family("switchyard_publisher_failures_total", "counter", "Item outcomes other than ok (retries, rejections, configuration faults).", s.connections.map((v) => [l(v), v.failures]));
  family("switchyard_publisher_folded_total", "counter", "Channel sales folded into our figure after a lost compare-and-set or a refresh.", s.connections.map((v) => [l(v), v.folded]));
  family("switchyard_publisher_items", "gauge", "Figures per state: pending (not yet acknowledged), rejected, dead (retries exhausted).", s.connections.flatMap((v) => (["pending", "rejected", "dead"] as const).map((st): [string, number] => [l(v, `,state="${st}"`), v.items[st]])));
  family("switchyard_publisher_lag_ms", "gauge", "Stock fact time to channel acknowledgment, over the last 1000 figures.", s.connections.flatMap((v) => [[l(v, ',quantile="0.5"'), v.lagMs.p50] as [string, number | null], [l(v, ',quantile="0.99"'), v.lagMs.p99] as [string, number | null]]));
  lines.push("# HELP switchyard_publisher_dead_letters_open Publishing dead letters not yet replayed.", "# TYPE switchyard_publisher_dead_letters_open gauge", `switchyard_publisher_dead_letters_open ${s.totals.deadLettersOpen}`);
  return lines;
}
