/**
 * Applying ERP/WMS/3PL inventory events to a location: ordering, staleness, ownership, and the
 * delta log that keeps late absolute figures from erasing newer moves.
 *
 * Rules (the caller dedupes on `eventId` first; a repeat is "duplicate"):
 * - Order between two events: by `sequence` when both come from the same source and both carry
 *   one, otherwise by `asOf`.
 * - `quantities` set figures absolutely (snapshot, capacity, a counted hold). Per figure, an
 *   absolute value older than the one applied is stale; an equal one re-sets (idempotent).
 * - `delta` moves figures. Moves commute, so their arrival order does not matter; a move not
 *   newer than the figure's last absolute value is already inside it, so it is stale.
 * - A figure's absolute value is rebased: value + the moves to it that are newer than it and
 *   were applied before it arrived (a snapshot at 09:00 delivered at 09:05 must not erase a
 *   receipt booked at 09:02).
 * - `hold` adds the magnitudes of its delta and `release` subtracts them, whatever their sign;
 *   `adjustment`, `receipt` and `capacity` deltas are signed as sent.
 * - A figure the source does not own (position.ts) is ignored here; the HTTP edge rejects it.
 * - The event is "accepted" when at least one figure was applied, else "stale".
 */
import type { InventoryEvent } from "../canonical";
import { FIGURES, owns, type Figure, type Position, type Source } from "./position";

export type EventOutcome = "accepted" | "duplicate" | "stale";

export interface Mark {
  source: Source;
  asOf: number;
  seq: number | null;
}
export type Marks = Partial<Record<Figure, Mark>>;

export interface PendingDelta extends Mark {
  eventId: string;
  delta: Partial<Record<Figure, number>>;
}

export interface LocationState {
  position: Position;
  marks: Marks;
  /** Moves applied since the last absolute value of the figures they touch. */
  pending: PendingDelta[];
}

/** How long a move to a figure that was never set absolutely is kept for rebasing. */
export const PENDING_RETENTION_MS = 7 * 24 * 3600_000;

/** -1 when a is before b, 0 when level, 1 when after. */
export function compareMarks(a: Mark, b: Mark): number {
  if (a.source === b.source && a.seq !== null && b.seq !== null) return Math.sign(a.seq - b.seq);
  return Math.sign(a.asOf - b.asOf);
}

export const markOf = (e: InventoryEvent): Mark => ({ source: e.source, asOf: Date.parse(e.asOf), seq: e.sequence ?? null });

/** The signed moves an event makes, by its type's sign convention. */
export function signedDelta(e: InventoryEvent): Partial<Record<Figure, number>> {
  const out: Partial<Record<Figure, number>> = {};
  for (const f of FIGURES) {
    const v = e.delta?.[f];
    if (v === undefined || !owns(e.source, f)) continue;
    out[f] = e.type === "hold" ? Math.abs(v) : e.type === "release" ? -Math.abs(v) : v;
  }
  return out;
}

/** Figures an event names that its source does not own: the edge answers 400 for these. */
export function unownedFigures(e: InventoryEvent): Figure[] {
  const named = new Set<Figure>([...Object.keys(e.quantities ?? {}), ...Object.keys(e.delta ?? {})] as Figure[]);
  return [...named].filter((f) => !owns(e.source, f));
}

function setFigure(p: Position, f: Figure, v: number): void {
  if (f === "capacity") p.capacity = v;
  else p[f] = v;
}
const getFigure = (p: Position, f: Figure): number => (f === "capacity" ? (p.capacity ?? 0) : p[f]);

/**
 * Applies one (non-duplicate) event to its location. Pure: returns the new state.
 *
 * @example applyInventoryEvent(state, { source: "erp", type: "snapshot", quantities: { onHand: 40, committed: 5 }, ... })
 */
export function applyInventoryEvent(state: LocationState, e: InventoryEvent): { outcome: EventOutcome; state: LocationState } {
  const mark = markOf(e);
  const position = { ...state.position };
  const marks: Marks = { ...state.marks };
  let pending = state.pending;
  let applied = false;

  for (const f of FIGURES) {
    const v = e.quantities?.[f];
    if (v === undefined || !owns(e.source, f)) continue;
    const last = marks[f];
    if (last && compareMarks(mark, last) < 0) continue;
    const newer = pending.filter((d) => d.delta[f] !== undefined && compareMarks(d, mark) > 0);
    setFigure(position, f, v + newer.reduce((s, d) => s + (d.delta[f] ?? 0), 0));
    marks[f] = mark;
    applied = true;
  }

  const moves = signedDelta(e);
  const fresh: Partial<Record<Figure, number>> = {};
  for (const f of Object.keys(moves) as Figure[]) {
    const last = marks[f];
    if (last && compareMarks(mark, last) <= 0) continue;
    setFigure(position, f, getFigure(position, f) + moves[f]!);
    fresh[f] = moves[f]!;
    applied = true;
  }
  if (Object.keys(fresh).length) pending = [...pending, { ...mark, eventId: e.eventId, delta: fresh }];

  position.watermark = marks.committed?.asOf ?? null;
  position.onHandAsOf = marks.onHand?.asOf ?? null;
  return { outcome: applied ? "accepted" : "stale", state: { position, marks, pending: prunePending(pending, marks) } };
}

/** Drops moves every touched figure's absolute value already contains (or that are too old to matter). */
export function prunePending(pending: PendingDelta[], marks: Marks): PendingDelta[] {
  const newest = pending.reduce((m, d) => Math.max(m, d.asOf), -Infinity);
  return pending.filter((d) =>
    (Object.keys(d.delta) as Figure[]).some((f) => {
      const last = marks[f];
      return last ? compareMarks(d, last) > 0 : d.asOf > newest - PENDING_RETENTION_MS;
    }),
  );
}
