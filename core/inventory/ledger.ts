/**
 * The operations of one SKU's inventory authority, written once against `InventoryStore`: the
 * InventoryDO runs each inside one `transactionSync` over SQLite, the tests over `MemoryStore`.
 *
 * Every write goes through `writeRow`, which moves the counters by exactly the row's change of
 * contribution, in the same transaction as the row (DESIGN invariant 3). Each operation then
 * checks what it touched in constant time (`checkCounters`: no counter below zero; no oversell,
 * capacity or pool breach): a throw rolls the transaction back. Re-deriving the counters from
 * every open row (`auditTotals`) reads all of a location's holds, so it is not done per
 * operation (a hot SKU with thousands of open orders paid a scan of all of them on every
 * reserve): the property tests run it after every step, and the SKU's object runs it on its
 * first alarm and daily, rebuilding any counter that disagrees from the rows (the rows are the
 * facts) and logging it.
 */
import type { InventoryEvent } from "../canonical";
import { allocateLine, channelPool, type Allocation } from "./allocate";
import { applyInventoryEvent, type EventOutcome, type LocationState } from "./events";
import { published, type PolicyOrDefault } from "./policy";
import { emptyPosition, free, noHolds, sellable, type Holds } from "./position";
import type { InventoryStore, LineRecord } from "./store";
import { consumeEffect, contribution, isSettled, releaseEffect, sumHolds, type ReservationRow, type Watermarks } from "./watermark";

export class InvariantError extends Error {
  override name = "InvariantError";
}

/** The reserve contract, from the order saga through the SKU's object to the ledger. */
export interface ReserveRequest {
  orderId: string;
  lineNo: number;
  /** The SKU whose object is asked (that object checks it is the right one). */
  sku: string;
  quantity: number;
  channel: string;
  policy: PolicyOrDefault;
  /** ms; the reservation's createdAt. */
  at: number;
}
export interface ReserveResult {
  reserved: number;
  backordered: number;
  rejected: number;
  allocations: Allocation[];
  /** true when this is the first outcome returned again. */
  replayed: boolean;
}

const NO_W: Watermarks = { watermark: null, onHandAsOf: null };
const watermarksOf = (s: InventoryStore, location: string): Watermarks => s.location(location)?.position ?? NO_W;
const add = (a: Holds, b: Holds, sign = 1): Holds => ({
  held: a.held + sign * b.held,
  heldSeen: a.heldSeen + sign * b.heldSeen,
  shippedUnseen: a.shippedUnseen + sign * b.shippedUnseen,
});

/** Holds at a location over all channels (from the counters). */
export function holdsAt(s: InventoryStore, location: string): Holds {
  return [...s.totals(location).values()].reduce((h, x) => add(h, x), noHolds());
}

export function sellableByLocation(s: InventoryStore): Map<string, number> {
  return new Map(s.locations().map((l) => [l, sellable(s.location(l)!.position, holdsAt(s, l))]));
}

/** Replaces a row (or creates/deletes it), moving the counters by its change of contribution. */
export function writeRow(s: InventoryStore, before: ReservationRow | null, after: ReservationRow | null): void {
  const row = (after ?? before)!;
  const w = watermarksOf(s, row.location);
  const totals = s.totals(row.location).get(row.channel) ?? noHolds();
  let next = totals;
  if (before) next = add(next, contribution(before, w), -1);
  if (after) next = add(next, contribution(after, w));
  s.setTotals(row.location, row.channel, next);
  if (after && !isSettled(after, w)) s.putRow(after);
  else s.deleteRow(row.orderId, row.lineNo, row.location);
}

/** After a watermark moved, rows change contribution without changing: re-derive the counters. */
function rebaseTotals(s: InventoryStore, location: string): void {
  const w = watermarksOf(s, location);
  const rows = s.rowsAt(location);
  const channels = new Set([...s.totals(location).keys(), ...rows.map((r) => r.channel)]);
  for (const c of channels) s.setTotals(location, c, sumHolds(rows.filter((r) => r.channel === c), w));
  for (const r of rows) if (isSettled(r, w)) s.deleteRow(r.orderId, r.lineNo, r.location);
}

/** One counter that disagrees with the sum of its rows. */
export interface Drift {
  location: string;
  channel: string;
  rows: Holds;
  totals: Holds;
}

/** Every (location, channel) whose counters differ from the sum of its rows (all locations unless named). */
export function auditTotals(s: InventoryStore, locations: Iterable<string> = s.locations()): Drift[] {
  const out: Drift[] = [];
  for (const l of new Set(locations)) {
    const w = watermarksOf(s, l);
    const rows = s.rowsAt(l);
    const totals = s.totals(l);
    for (const c of new Set([...totals.keys(), ...rows.map((r) => r.channel)])) {
      const want = sumHolds(rows.filter((r) => r.channel === c), w);
      const have = totals.get(c) ?? noHolds();
      if (want.held !== have.held || want.heldSeen !== have.heldSeen || want.shippedUnseen !== have.shippedUnseen) out.push({ location: l, channel: c, rows: want, totals: have });
    }
  }
  return out;
}

/** Throws unless the counters of each location equal the sum of its rows, per channel (tests). */
export function assertTotals(s: InventoryStore, locations: Iterable<string>): void {
  const [d] = auditTotals(s, locations);
  if (d) throw new InvariantError(`totals drift at ${d.location}/${d.channel}: rows ${JSON.stringify(d.rows)} totals ${JSON.stringify(d.totals)}`);
}

/** Rebuilds the counters of each location from its rows (what the audit does with a drift). */
export function repairTotals(s: InventoryStore, locations: Iterable<string>): void {
  for (const l of new Set(locations)) rebaseTotals(s, l);
}

/**
 * The per-operation check, in time independent of the open holds: no counter of a touched
 * location below zero (a write that took away more than a row gave).
 */
export function checkCounters(s: InventoryStore, locations: Iterable<string>): void {
  for (const l of new Set(locations))
    for (const [c, h] of s.totals(l)) if (h.held < 0 || h.heldSeen < 0 || h.shippedUnseen < 0) throw new InvariantError(`negative counter at ${l}/${c}: ${JSON.stringify(h)}`);
}

export function updatePosition(s: InventoryStore, location: string, onHand: number, committed: number): void {
  if (onHand === 0 && committed === 0) return;
  const st = s.location(location) ?? { position: emptyPosition(location), marks: {}, pending: [] };
  s.putLocation({ ...st, position: { ...st.position, onHand: st.position.onHand + onHand, committed: st.position.committed + committed } });
}

/**
 * Holds stock for one order line. Idempotent per (orderId, lineNo): while the line's record
 * exists a repeat returns it unchanged. Never holds more than a location's free stock, nor more
 * than the channel's enforced pool; the rest is backordered or rejected per policy.
 */
export function reserve(s: InventoryStore, req: ReserveRequest): ReserveResult {
  const prior = s.line(req.orderId, req.lineNo);
  if (prior) return { reserved: prior.reserved, backordered: prior.backordered, rejected: prior.rejected, allocations: prior.allocations, replayed: true };
  const d = allocateLine(req.quantity, req.policy, sellableByLocation(s), s.channelHeld(req.channel));
  for (const a of d.allocations) {
    const before = s.rowsOf(req.orderId, req.lineNo).find((r) => r.location === a.location) ?? null;
    // A line re-reserved after a revision release is new to the ERP: its seen mark starts over.
    const base = before ?? { orderId: req.orderId, lineNo: req.lineNo, location: a.location, channel: req.channel, held: 0, shipped: 0, shippedAt: null, createdAt: req.at, seenAt: null };
    writeRow(s, before, { ...base, held: base.held + a.quantity, createdAt: req.at, seenAt: null });
  }
  const record: LineRecord = { orderId: req.orderId, lineNo: req.lineNo, channel: req.channel, requested: req.quantity, ...d, createdAt: req.at, state: d.reserved > 0 ? "held" : "closed" };
  s.putLine(record);
  const touched = d.allocations.map((a) => a.location);
  checkCounters(s, touched);
  for (const l of touched) {
    const p = s.location(l)!.position;
    if (free(p, holdsAt(s, l)) < 0) throw new InvariantError(`reserve would oversell ${l}`);
    if (p.capacity !== null && holdsAt(s, l).held > p.capacity) throw new InvariantError(`reserve exceeds capacity at ${l}`);
  }
  if (req.policy?.pool !== undefined && d.reserved > 0 && s.channelHeld(req.channel) > req.policy.pool)
    throw new InvariantError(`reserve exceeds the pool of ${req.channel}`);
  return { ...d, replayed: false };
}

/**
 * Releases an order's holds (one line or all). `reason: "cancel"` keeps the line's record as
 * cancelled, so a late duplicate reserve cannot hold again; any other reason (a revision, a saga
 * compensation) forgets it, so the next reserve of the line starts fresh. Idempotent.
 * Returns the units released.
 */
export function release(s: InventoryStore, req: { orderId: string; lineNo?: number; reason: string }): number {
  let released = 0;
  const rows = s.rowsOf(req.orderId, req.lineNo);
  for (const row of rows) {
    const e = releaseEffect(row, row.held, watermarksOf(s, row.location));
    updatePosition(s, row.location, e.onHand, e.committed);
    writeRow(s, row, { ...row, held: row.held + e.held });
    released -= e.held;
  }
  const lines = req.lineNo === undefined ? s.linesOf(req.orderId) : [s.line(req.orderId, req.lineNo)].filter((l) => l !== null);
  for (const line of lines) {
    // A waiting backorder is cancelled too, so it is never filled (backorders.ts).
    if (req.reason === "cancel") s.putLine({ ...line, state: line.state === "held" || line.backordered > 0 ? "cancelled" : line.state });
    else s.deleteLine(line.orderId, line.lineNo);
  }
  checkCounters(s, rows.map((r) => r.location));
  return released;
}

/**
 * Ships `quantity` from `location` for an order (one line or any of its lines, in line order):
 * held units become shipped, any excess is a plain on-hand decrement. Deduped on `eventId`.
 */
export function consume(s: InventoryStore, req: { orderId: string; lineNo?: number; location: string; quantity: number; at: number; eventId?: string }): { consumed: number; excess: number; duplicate: boolean } {
  if (req.eventId && s.seen(`consume:${req.eventId}`)) return { consumed: 0, excess: 0, duplicate: true };
  const w = watermarksOf(s, req.location);
  let left = req.quantity;
  const rows = s.rowsOf(req.orderId, req.lineNo).filter((r) => r.location === req.location && r.held > 0).sort((a, b) => a.lineNo - b.lineNo);
  for (const row of rows) {
    if (left === 0) break;
    const e = consumeEffect(row, Math.min(left, row.held), w);
    updatePosition(s, row.location, e.onHand, e.committed);
    writeRow(s, row, { ...row, held: row.held + e.held, shipped: row.shipped + e.shipped, shippedAt: e.shipped > 0 ? req.at : row.shippedAt });
    left += e.held;
    const line = s.line(row.orderId, row.lineNo);
    if (line?.state === "held" && s.rowsOf(row.orderId, row.lineNo).every((r) => r.held === 0)) s.putLine({ ...line, state: "closed" });
  }
  if (left > 0) updatePosition(s, req.location, consumeEffect(null, left, w).onHand, 0);
  if (req.eventId) s.remember(`consume:${req.eventId}`, req.at);
  checkCounters(s, [req.location]);
  return { consumed: req.quantity - left, excess: left, duplicate: false };
}

/** Records that the ERP accepted the order at `at` (the earliest known time wins). */
export function markSeen(s: InventoryStore, req: { orderId: string; at: number; location?: string }): number {
  const rows = s.rowsOf(req.orderId).filter((r) => req.location === undefined || r.location === req.location);
  let marked = 0;
  for (const row of rows) {
    if (row.seenAt !== null && row.seenAt <= req.at) continue;
    writeRow(s, row, { ...row, seenAt: req.at });
    marked++;
  }
  checkCounters(s, rows.map((r) => r.location));
  return marked;
}

/** Applies ERP/WMS/3PL events (all for this SKU), in order; a repeated eventId is "duplicate". */
export function applyEvents(s: InventoryStore, events: InventoryEvent[], now: number): EventOutcome[] {
  const touched = new Set<string>();
  const outcomes = events.map((e): EventOutcome => {
    if (s.seen(`event:${e.eventId}`)) return "duplicate";
    s.remember(`event:${e.eventId}`, now);
    const st: LocationState = s.location(e.location) ?? { position: emptyPosition(e.location), marks: {}, pending: [] };
    const r = applyInventoryEvent(st, e);
    if (r.outcome !== "accepted") return r.outcome;
    s.putLocation(r.state);
    if (r.state.position.watermark !== st.position.watermark || r.state.position.onHandAsOf !== st.position.onHandAsOf) rebaseTotals(s, e.location);
    touched.add(e.location);
    return "accepted";
  });
  checkCounters(s, touched);
  return outcomes;
}

/** The channel's published figure (authoritative: from the counters, now). */
export function availability(s: InventoryStore, channel: string, policy: PolicyOrDefault): number {
  return published(policy, channelPool(policy, sellableByLocation(s)), s.channelHeld(channel));
}

export interface LocationView {
  location: string;
  position: LocationState["position"];
  holds: Holds;
  free: number;
  sellable: number;
}

/** Every figure of the SKU, for ops and tests: positions, holds, free and sellable per location, held per channel. */
export function describe(s: InventoryStore): { locations: LocationView[]; channels: Record<string, number> } {
  const channels: Record<string, number> = {};
  const locations = s.locations().map((l) => {
    const position = s.location(l)!.position;
    const holds = holdsAt(s, l);
    for (const [c, h] of s.totals(l)) channels[c] = (channels[c] ?? 0) + h.held;
    return { location: l, position, holds, free: free(position, holds), sellable: sellable(position, holds) };
  });
  return { locations, channels };
}
