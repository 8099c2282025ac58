/**
 * The ERP watermark merge (DESIGN invariant 4), made exact per reservation row.
 *
 * An ERP snapshot at watermark W replaces `onHand` and `committed` of a location. Our holds there
 * fall in two groups:
 *
 * - **seen by the ERP at W** — the row's order was accepted by the ERP at `seenAt` and
 *   `seenAt ≤ W`. The ERP's `committed` at W already contains the unshipped part of it, so it is
 *   NOT subtracted again (no double count).
 * - **not seen at W** — `seenAt` is null (the ERP has not accepted the order yet: it is down, or
 *   the order is still queued) or later than W. Its held units are subtracted from the snapshot,
 *   never overwritten.
 *
 * Why acceptance time and not the reservation's `createdAt`: an order reserved before W but
 * still queued for a slow ERP is not in the ERP's committed at W; treating it as included would
 * re-expose sold units, the failure this exists to prevent. The rule errs one way only: `seenAt`
 * is when Switchyard learned of the acceptance (at or after the ERP's own booking), so for a
 * snapshot taken in between, the row is subtracted although the ERP counted it — an
 * under-promise until the next snapshot, never an oversell.
 *
 * Units shipped from a row the ERP has not seen stay subtracted until an on-hand count taken
 * after the shipment arrives (that count no longer contains them) or the order is seen.
 *
 * Seen-ness is always judged against the location's *current* watermarks, so a newer snapshot
 * turns rows from unseen into seen without touching the rows.
 */
import type { Holds, Position } from "./position";

export interface ReservationRow {
  orderId: string;
  lineNo: number;
  location: string;
  channel: string;
  /** Units still held for the line at this location. */
  held: number;
  /** Units consumed by shipment while the row was not seen. */
  shipped: number;
  /** ms of the latest such shipment. */
  shippedAt: number | null;
  /** ms; kept for audit and lag, not used by the seen rule (see above). */
  createdAt: number;
  /** ms when the ERP was known to have accepted the order; null until then. */
  seenAt: number | null;
}

export type Watermarks = Pick<Position, "watermark" | "onHandAsOf">;
type RowFacts = Pick<ReservationRow, "held" | "shipped" | "shippedAt" | "seenAt">;

export const isSeen = (seenAt: number | null, w: Watermarks): boolean =>
  seenAt !== null && w.watermark !== null && seenAt <= w.watermark;

function shippedCounted(row: RowFacts, w: Watermarks): boolean {
  if (row.shipped === 0 || isSeen(row.seenAt, w)) return false;
  return w.onHandAsOf === null || row.shippedAt === null || row.shippedAt > w.onHandAsOf;
}

/** What one row adds to its location's holds under the current watermarks. */
export function contribution(row: RowFacts, w: Watermarks): Holds {
  const seen = isSeen(row.seenAt, w);
  return { held: row.held, heldSeen: seen ? row.held : 0, shippedUnseen: shippedCounted(row, w) ? row.shipped : 0 };
}

/** A row that no longer affects any figure and may be deleted. */
export const isSettled = (row: RowFacts, w: Watermarks): boolean => row.held === 0 && !shippedCounted(row, w);

/** Changes to a row and to its location's on-hand and committed. */
export interface RowEffect {
  held: number;
  shipped: number;
  onHand: number;
  committed: number;
}

/**
 * Releasing `quantity` (cancel). A seen hold lives inside the ERP's committed, so committed drops
 * with it and the units are free again at once, as a cancel must make them. A snapshot taken
 * before the ERP processed the cancel counts them as committed again: an under-promise until the
 * next one, never an oversell.
 */
// `0 - q` rather than `-q` keeps negative zero out of stored figures.
export function releaseEffect(row: Pick<RowFacts, "held" | "seenAt">, quantity: number, w: Watermarks): RowEffect {
  const q = Math.min(quantity, row.held);
  return { held: 0 - q, shipped: 0, onHand: 0, committed: isSeen(row.seenAt, w) ? 0 - q : 0 };
}

/**
 * Consuming `quantity` by shipment. Free stock is the same before and after:
 * - seen: the ERP will book the shipment (on-hand and committed both drop), so do it locally now;
 * - not seen: the on-hand figure still counts the units, so they move from held to shipped and
 *   stay subtracted (see `contribution`).
 * Shipping more than is held is a plain on-hand decrement for the excess (a WMS fact).
 */
export function consumeEffect(row: Pick<RowFacts, "held" | "seenAt"> | null, quantity: number, w: Watermarks): RowEffect {
  const fromHold = row ? Math.min(quantity, row.held) : 0;
  const excess = quantity - fromHold;
  if (row && isSeen(row.seenAt, w)) return { held: 0 - fromHold, shipped: 0, onHand: 0 - quantity, committed: 0 - fromHold };
  return { held: 0 - fromHold, shipped: fromHold, onHand: 0 - excess, committed: 0 };
}

/** Holds of one location recomputed from its rows: what the totals table must always equal. */
export function sumHolds(rows: Iterable<RowFacts>, w: Watermarks): Holds {
  const h: Holds = { held: 0, heldSeen: 0, shippedUnseen: 0 };
  for (const r of rows) {
    const c = contribution(r, w);
    h.held += c.held;
    h.heldSeen += c.heldSeen;
    h.shippedUnseen += c.shippedUnseen;
  }
  return h;
}

/** Applies a row effect's stock moves to a position. */
export function applyToPosition(p: Position, e: RowEffect): Position {
  return { ...p, onHand: p.onHand + e.onHand, committed: p.committed + e.committed };
}
