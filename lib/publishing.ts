/**
 * Publishing configuration as the projector and the dispatch consumer see it: which channel
 * connections publish (settings.publish.enabled), where each sends a SKU's figure (one channel
 * location, or several, each fed by the Switchyard locations mapped to it), and the queue
 * message one projection run sends with the figures it computed.
 *
 * The connection list is admin-written (its PUT waited for D1) and read through a short
 * per-isolate cache; a change reaches other isolates within CACHE_MS, and re-projection
 * (jobs/reproject.ts) names the changed connection explicitly, so a stale cache never hides a
 * new connection from its first full publish.
 */
import { PUBLISHER_KINDS, type PublisherKind } from "../connectors/channels/types";
import { getConnection, listConnections, type ConnectionRow } from "../db/connections";
import type { Env } from "./env";
import { IsolateCache } from "./isolate-cache";
import type { PublishedFigure, PublishMessage, PublishOffer, PublishTarget } from "./publish-types";

export type { PublishedFigure, PublishMessage, PublishOffer, PublishTarget };

const CACHE_MS = 10_000;

export const groupKey = (locations: readonly string[]) => [...locations].sort().join(",");

const isKind = (k: string): k is PublisherKind => (PUBLISHER_KINDS as readonly string[]).includes(k);

/** `settings.publish` of a connection row, when it publishes. */
export function publishTarget(row: Pick<ConnectionRow, "id" | "kind" | "channel" | "settings">): PublishTarget | null {
  const p = row.settings.publish as { enabled?: unknown; locations?: unknown } | undefined;
  if (!p || typeof p !== "object" || p.enabled !== true || !isKind(row.kind)) return null;
  const locations: Record<string, string> = {};
  if (p.locations && typeof p.locations === "object") for (const [k, v] of Object.entries(p.locations as Record<string, unknown>)) if (typeof v === "string" || typeof v === "number") locations[k] = String(v);
  const byChannelLocation: Record<string, string[]> = {};
  for (const [ours, theirs] of Object.entries(locations)) (byChannelLocation[theirs] ??= []).push(ours);
  const distinct = Object.keys(byChannelLocation);
  const groups = distinct.length > 1 ? Object.fromEntries(distinct.map((l) => [l, [...byChannelLocation[l]!].sort()])) : null;
  return { connectionId: row.id, kind: row.kind, channel: row.channel, locations, groups };
}

const cache = new IsolateCache<Map<string, PublishTarget[]>>(CACHE_MS, 1);

/** Publishing connections by channel. */
export function publishTargets(env: Env): Promise<Map<string, PublishTarget[]>> {
  return cache.get("*", async () => {
    const out = new Map<string, PublishTarget[]>();
    for (const row of await listConnections(env.DB)) {
      const t = publishTarget(row);
      if (t) out.set(t.channel, [...(out.get(t.channel) ?? []), t]);
    }
    return out;
  });
}

export function forgetPublishTargets(): void {
  cache.clear();
}

/** One connection's target read now (re-projection, ops). */
export async function loadPublishTarget(env: Env, connectionId: string): Promise<PublishTarget | null> {
  const row = await getConnection(env.DB, connectionId);
  return row ? publishTarget(row) : null;
}

/**
 * The offers one figure makes to one connection: its channel figure at its only location, or,
 * with several channel locations, each location's share computed over the Switchyard locations
 * mapped to it.
 */
export function offersFor(target: PublishTarget, sku: string, figure: PublishedFigure, seq: number, sourceAt: number | null): PublishOffer[] {
  if (!target.groups) {
    const only = [...new Set(Object.values(target.locations))];
    return [{ sku, location: only.length === 1 ? only[0]! : "", available: figure.available, seq, sourceAt }];
  }
  return Object.entries(target.groups).map(([location, ours]) => ({ sku, location, available: figure.groups?.[groupKey(ours)] ?? 0, seq, sourceAt }));
}

/** Groups every publish message of a queue batch into one offer list per connection. */
export async function offersByConnection(env: Env, messages: PublishMessage[]): Promise<Map<string, PublishOffer[]>> {
  const targets = await publishTargets(env);
  const out = new Map<string, PublishOffer[]>();
  for (const m of messages) {
    for (const f of m.figures) {
      const forced = f.connections ?? [];
      const seen = new Set(forced.map((t) => t.connectionId));
      const all = [...forced, ...(targets.get(f.channel) ?? []).filter((t) => !seen.has(t.connectionId))];
      for (const t of all) {
        const list = out.get(t.connectionId) ?? [];
        list.push(...offersFor(t, m.sku, f, m.seq, m.sourceAt));
        out.set(t.connectionId, list);
      }
    }
  }
  return out;
}
