/**
 * What a PublisherDO reports, read from its storage alone: the ops view of a connection (counts,
 * lag, pause and throttle state, the figure per SKU), the figures reconciliation compares with
 * the channel's, and the page of kept X12 846s. Nothing here writes.
 */
import type { PublishingConnectionView } from "../../lib/publishing-status";
import type { PublisherStore } from "./publisher-store";

export interface PublisherSkuView {
  sku: string;
  channelLocation?: string;
  published: number;
  acknowledged: number | null;
  at: string | null;
  state: string;
  lastError?: string;
}

/** What one connection's object reports: the ops view without the fields the route adds from the connection itself. */
export type PublisherView = Omit<PublishingConnectionView, "channel" | "kind" | "disabled">;

export type DeadLetterRef = { sku: string; channelLocation: string; seq: number };

export const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Per channel location: what the connection was last asked to publish for `sku` and what the channel acknowledged. */
export function acknowledgedFigures(s: PublisherStore, sku: string): { channelLocation: string; published: number; acknowledged: number | null; at: string | null; state: string }[] {
  return s.bySku(sku).map((r) => ({ channelLocation: r.loc, published: r.target, acknowledged: r.last_ack, at: iso(r.ack_at), state: r.state }));
}

/** The ops view at `now`; with `limit` > 0, the figure per SKU too. */
export function describePublisher(s: PublisherStore, limit: number, now: number): PublisherView {
  const counts = s.counts();
  const pausedUntil = s.num("paused_until");
  const throttledUntil = s.num("throttled_until");
  const lastError = s.meta("last_error");
  const view: PublisherView = {
    connectionId: s.meta("connection") ?? "",
    items: counts,
    lagMs: s.lagPercentiles(),
    calls: s.num("calls"),
    batches: s.num("batches"),
    failures: s.num("failures"),
    acknowledged: s.num("acknowledged"),
    folded: s.num("folded"),
    lastOkAt: iso(s.num("last_ok_at") || null),
    ...(pausedUntil > now ? { pausedUntil: iso(pausedUntil)!, pausedReason: s.meta("paused_reason") ?? "" } : {}),
    ...(throttledUntil > now ? { throttledUntil: iso(throttledUntil)!, throttleReason: s.meta("throttle_reason") ?? "" } : {}),
    ...(lastError ? { lastError } : {}),
  };
  if (limit > 0) {
    view.skus = s.items(limit).map((r) => ({
      sku: r.sku,
      ...(r.loc ? { channelLocation: r.loc } : {}),
      published: r.target,
      acknowledged: r.last_ack,
      at: iso(r.ack_at),
      state: r.state,
      ...(r.last_error ? { lastError: r.last_error } : {}),
    }));
  }
  return view;
}

/** The 846s kept for an x12 connection, oldest first from `after`, and where the next page starts. */
export function outboxPage(s: PublisherStore, q: { after?: number; limit?: number }) {
  const limit = q.limit ?? 50;
  const rows = s.outbox(q.after ?? 0, limit + 1);
  return {
    items: rows.slice(0, limit).map((r) => ({
      id: r.id,
      kind: "846",
      orderId: null,
      isa13: r.isa13,
      gs06: r.gs06,
      st02: r.st02,
      createdAt: iso(r.created_at)!,
      delivery: { state: r.state, attempts: r.attempts, lastStatus: r.last_status, lastError: r.last_error, deliveredAt: iso(r.delivered_at) },
      text: r.text,
    })),
    next: rows.length > limit ? rows[limit - 1]!.id : null,
  };
}
