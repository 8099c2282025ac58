/**
 * What `GET /v1/ops/publishing`, the /ops dashboard and `/metrics` show about publishing: per
 * channel connection that has publish settings, its publisher object's view (pending, failed,
 * lag from stock fact to channel acknowledgment, throttle and pause), and the totals.
 */
import { publisherObjectName } from "../core/keys";
import { gauge, type Sample } from "../core/metrics";
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

/** Gauges for /metrics (counters and the lag histogram are counted by the publisher objects, lib/metrics.ts). */
export function publishingGauges(s: PublishingStatus): Sample[] {
  return s.connections.flatMap((v) => {
    const labels = { channel: v.channel, connection: v.connectionId };
    return [
      ...(["pending", "rejected", "dead"] as const).map((state) => gauge("switchyard_publisher_items", { ...labels, state }, v.items[state])),
      ...(v.lagMs.p99 === null ? [] : [gauge("switchyard_publisher_lag_p99_seconds", labels, v.lagMs.p99 / 1000)]),
    ];
  });
}
