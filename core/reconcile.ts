/**
 * Reconciliation, the comparing part: Switchyard's records against the ERP's answers, the
 * WMS/3PL stock reports and the figures each channel was last told. Pure: jobs/reconcile.ts
 * gathers the inputs (through the ERP connectors, the SKUs' objects and D1) and acts on the
 * verdicts. Every discrepancy is typed, carries the figures on both sides, and names the events
 * that account for it (ids and times), so a person can follow it without digging.
 *
 * Which types are healed automatically (`healable`):
 * - `missing_in_erp`: the order is booked again (the connector looks it up by reference first,
 *   so a booking the ERP did have is found, never doubled);
 * - `published_vs_computed`: the figure is re-projected and re-published;
 * - `stuck_order`: the hand-off is queued again (the order's own object decides).
 * `erp_committed_mismatch` and `wms_vs_erp_on_hand` are facts about physical or financial stock
 * that only a person (or the next snapshot) can settle: raised, never overwritten.
 */

export const DISCREPANCY_TYPES = ["missing_in_erp", "erp_committed_mismatch", "wms_vs_erp_on_hand", "published_vs_computed", "stuck_order"] as const;
export type DiscrepancyType = (typeof DISCREPANCY_TYPES)[number];

export interface Evidence {
  /** What the event is: `order`, `erp_acceptance`, `erp_snapshot`, `stock_report`, `hold`, `projection`, `erp_answer`. */
  kind: string;
  /** Its id where it has one (an order id, an inventory event id, an ERP order id). */
  id: string | null;
  /** ISO time, when known. */
  at: string | null;
  detail?: Record<string, unknown>;
}

export interface Discrepancy {
  /** Deterministic: the same discrepancy found twice has one id (one exception, one event). */
  id: string;
  type: DiscrepancyType;
  subject: { orderId?: string; sku?: string; location?: string; channel?: string; erpConnection?: string };
  expected: number | string | null;
  actual: number | string | null;
  explanation: string;
  evidence: Evidence[];
  healable: boolean;
}

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString());

// --- orders ---

export interface OrderRecord {
  orderId: string;
  channel: string;
  externalId: string;
  status: string;
  dispatchState: string;
  erpOrderId: string | null;
  erpConnection: string | null;
  updatedAt: string;
  /** When the ERP's acceptance was recorded (the timeline entry), when known. */
  acceptedAt?: string | null;
}

/** An order Switchyard holds as booked that the ERP does not know (its answer to getOrder was "no such order"). */
export function missingInErp(o: OrderRecord, erpAnswer: { found: boolean; at: number }): Discrepancy | null {
  if (o.dispatchState !== "confirmed" || o.status === "cancelled" || erpAnswer.found) return null;
  return {
    id: `missing_in_erp:${o.orderId}`,
    type: "missing_in_erp",
    subject: { orderId: o.orderId, ...(o.erpConnection ? { erpConnection: o.erpConnection } : {}) },
    expected: o.erpOrderId,
    actual: null,
    explanation: `Switchyard recorded the ERP's acceptance of order ${o.orderId} (${o.channel}/${o.externalId})${o.erpOrderId ? ` as ${o.erpOrderId}` : ""}, but the ERP has no order under that id or reference.`,
    evidence: [
      { kind: "erp_acceptance", id: o.erpOrderId, at: o.acceptedAt ?? o.updatedAt, detail: { orderId: o.orderId, dispatchState: o.dispatchState } },
      { kind: "erp_answer", id: null, at: iso(erpAnswer.at), detail: { found: false } },
    ],
    healable: true,
  };
}

/** An order whose ERP hand-off has not moved since `before`. */
export function stuckOrder(o: OrderRecord, thresholdSeconds: number): Discrepancy {
  return {
    id: `stuck_order:${o.orderId}:${o.updatedAt}`,
    type: "stuck_order",
    subject: { orderId: o.orderId, channel: o.channel },
    expected: "confirmed",
    actual: o.dispatchState,
    explanation: `Order ${o.orderId}'s ERP hand-off has been ${o.dispatchState} since ${o.updatedAt}, longer than ${thresholdSeconds} s.`,
    evidence: [{ kind: "order", id: o.orderId, at: o.updatedAt, detail: { status: o.status, dispatchState: o.dispatchState } }],
    healable: true,
  };
}

// --- stock ---

export interface StockView {
  sku: string;
  positions: { location: string; onHand: number; committed: number; watermark: number | null; onHandAsOf: number | null }[];
  holds: { orderId: string; location: string; held: number; seenAt: number | null; createdAt: number }[];
  reports: { location: string; source: string; onHand: number; asOf: number; eventId: string }[];
}

export interface ErpStock {
  location: string;
  onHand: number;
  committed: number;
}

/**
 * The ERP's committed figure now should be what it reported at its watermark plus what it has
 * accepted since (holds of orders seen after W). A difference is an allocation Switchyard does
 * not know about, or one of ours the ERP lost.
 */
export function compareCommitted(view: StockView, erp: ErpStock[], erpAsOf: string, erpConnection: string): Discrepancy[] {
  const out: Discrepancy[] = [];
  for (const row of erp) {
    const p = view.positions.find((x) => x.location === row.location);
    if (!p || p.watermark === null) continue;
    const since = view.holds.filter((h) => h.location === row.location && h.seenAt !== null && h.seenAt > p.watermark!);
    const expected = p.committed + since.reduce((n, h) => n + h.held, 0);
    if (expected === row.committed) continue;
    const unseen = view.holds.filter((h) => h.location === row.location && h.seenAt === null);
    // Orders the ERP may have accepted a moment before Switchyard heard of it: more committed
    // there, by no more than those holds, is an order in flight, not a discrepancy.
    const inFlight = unseen.reduce((n, h) => n + h.held, 0);
    if (row.committed > expected && row.committed - expected <= inFlight) continue;
    out.push({
      id: `erp_committed_mismatch:${view.sku}:${row.location}:${erpConnection}:${row.committed}:${expected}`,
      type: "erp_committed_mismatch",
      subject: { sku: view.sku, location: row.location, erpConnection },
      expected,
      actual: row.committed,
      explanation: `The ERP commits ${row.committed} of ${view.sku} at ${row.location}; Switchyard expects ${expected}: ${p.committed} at its last snapshot (${iso(p.watermark)}) plus ${expected - p.committed} for ${since.length} order(s) the ERP accepted since. ${row.committed > expected ? `${row.committed - expected} unit(s) are committed to orders Switchyard does not hold` : `${expected - row.committed} unit(s) of orders the ERP accepted are not committed there`}.`,
      evidence: [
        { kind: "erp_snapshot", id: null, at: iso(p.watermark), detail: { committed: p.committed, onHand: p.onHand } },
        ...since.map((h) => ({ kind: "erp_acceptance", id: h.orderId, at: iso(h.seenAt), detail: { held: h.held } })),
        ...unseen.map((h) => ({ kind: "hold", id: h.orderId, at: iso(h.createdAt), detail: { held: h.held, seenByErp: false } })),
        { kind: "erp_answer", id: null, at: erpAsOf, detail: { committed: row.committed, onHand: row.onHand } },
      ],
      healable: false,
    });
  }
  return out;
}

/** The on-hand a WMS or 3PL last reported at a location against the ERP's on-hand there. */
export function compareOnHand(view: StockView, erp: ErpStock[], erpAsOf: string, erpConnection: string): Discrepancy[] {
  const out: Discrepancy[] = [];
  for (const r of view.reports) {
    const row = erp.find((x) => x.location === r.location);
    if (!row || row.onHand === r.onHand) continue;
    out.push({
      id: `wms_vs_erp_on_hand:${view.sku}:${r.location}:${r.source}:${r.eventId}:${row.onHand}`,
      type: "wms_vs_erp_on_hand",
      subject: { sku: view.sku, location: r.location, erpConnection },
      expected: r.onHand,
      actual: row.onHand,
      explanation: `The ${r.source.toUpperCase()} counted ${r.onHand} of ${view.sku} at ${r.location} (report ${r.eventId}, ${iso(r.asOf)}); the ERP has ${row.onHand} on hand there (${erpAsOf}): a difference of ${row.onHand - r.onHand}. A count, a receipt or a shipment one side has not booked.`,
      evidence: [
        { kind: "stock_report", id: r.eventId, at: iso(r.asOf), detail: { source: r.source, onHand: r.onHand } },
        { kind: "erp_answer", id: null, at: erpAsOf, detail: { onHand: row.onHand } },
      ],
      healable: false,
    });
  }
  return out;
}

// --- published figures ---

export interface PublishedFigure {
  channel: string;
  available: number;
  /** When it was written or acknowledged (ISO). */
  at: string | null;
  /** `projection` (what the availability edge serves) or a publishing connection id. */
  where: string;
}

/** What a channel was last told against what its policy gives now. */
export function comparePublished(sku: string, computed: { channel: string; available: number; at: string }, told: PublishedFigure | null): Discrepancy | null {
  if (!told || told.available === computed.available) return null;
  return {
    id: `published_vs_computed:${sku}:${computed.channel}:${told.where}:${told.available}:${computed.available}`,
    type: "published_vs_computed",
    subject: { sku, channel: computed.channel },
    expected: computed.available,
    actual: told.available,
    explanation: `Channel ${computed.channel} was last told ${told.available} of ${sku} (${told.where}, ${told.at ?? "time unknown"}); its policy gives ${computed.available} now.`,
    evidence: [
      { kind: "projection", id: told.where, at: told.at, detail: { available: told.available } },
      { kind: "computed", id: null, at: computed.at, detail: { available: computed.available } },
    ],
    healable: true,
  };
}
