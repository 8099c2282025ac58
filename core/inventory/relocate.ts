/**
 * Moving a line's holds from one location to others (a reroute: the fulfiller of `from` did not
 * acknowledge in time, or rejected). One line lives in one SKU's object, so the move is one
 * storage transaction there: release at `from` and hold elsewhere happen together or not at
 * all, and no other order can take the stock in between (unlike a release-then-reserve saga).
 * All of the line's units at `from` move, or none: a half-moved release would leave a fulfiller
 * with a quantity nobody asked it for.
 */
import { allocateLine, type Allocation } from "./allocate";
import { addHolds, assertSellable, mergeAllocations } from "./holds";
import { sellableByLocation, updatePosition, writeRow } from "./ledger";
import { eligibleLocations, type PolicyOrDefault } from "./policy";
import type { InventoryStore } from "./store";
import { releaseEffect } from "./watermark";

export interface RelocateRequest {
  orderId: string;
  lineNo: number;
  from: string;
  /** Units of the line at `from` to move (at most what is held there). */
  quantity: number;
  /** Locations not to move to (those that already failed this order). */
  exclude: readonly string[];
  policy: PolicyOrDefault;
  at: number;
}

export type RelocateResult =
  | { moved: number; allocations: Allocation[] }
  | { moved: 0; allocations: []; reason: "nothing_held" | "no_stock_elsewhere" };

/**
 * @example relocate(store, { orderId: "ord_1", lineNo: 1, from: "3PL", quantity: 2, exclude: [], policy: { locations: ["3PL", "DC2"] }, at: Date.now() })
 *   // { moved: 2, allocations: [{ location: "DC2", quantity: 2 }] }
 */
export function relocate(s: InventoryStore, req: RelocateRequest): RelocateResult {
  const line = s.line(req.orderId, req.lineNo);
  const row = s.rowsOf(req.orderId, req.lineNo).find((r) => r.location === req.from);
  const q = Math.min(req.quantity, row?.held ?? 0);
  if (!line || line.state === "cancelled" || !row || q <= 0) return { moved: 0, allocations: [], reason: "nothing_held" };
  const skip = new Set([req.from, ...req.exclude]);
  const candidates = eligibleLocations(req.policy, s.locations()).filter((l) => !skip.has(l));
  // The units stay the channel's while they move: the pool is judged without them.
  const d = candidates.length
    ? allocateLine(q, { ...(req.policy ?? {}), locations: candidates, backorder: false }, sellableByLocation(s), s.channelHeld(line.channel) - q)
    : null;
  if (!d || d.reserved < q) return { moved: 0, allocations: [], reason: "no_stock_elsewhere" };

  const w = s.location(req.from)?.position ?? { watermark: null, onHandAsOf: null };
  const e = releaseEffect(row, q, w);
  updatePosition(s, req.from, e.onHand, e.committed);
  writeRow(s, row, { ...row, held: row.held + e.held });
  addHolds(s, line, d.allocations, req.at);
  const left = line.allocations.map((a) => (a.location === req.from ? { ...a, quantity: a.quantity - q } : a));
  s.putLine({ ...line, allocations: mergeAllocations(left, d.allocations) });
  assertSellable(s, [req.from, ...d.allocations.map((a) => a.location)], line.channel, null);
  return { moved: q, allocations: d.allocations };
}
