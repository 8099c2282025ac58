/**
 * Adding holds to an order line that already has its record (a backorder filling, a line moved
 * to another location), written against `InventoryStore` like the ledger, so it runs inside the
 * InventoryDO's `transactionSync` and in memory in tests. Rows and totals move together
 * (`writeRow`) and the operation ends by checking that nothing is oversold.
 */
import type { Allocation } from "./allocate";
import { checkCounters, holdsAt, InvariantError, writeRow } from "./ledger";
import type { PolicyOrDefault } from "./policy";
import { free } from "./position";
import type { InventoryStore } from "./store";

/**
 * Holds `allocations` more for one line. A new row starts unseen by the ERP; a row that gets
 * more units becomes unseen again (its new units are not in the ERP's committed, and per row
 * the rule can only err towards subtracting: an under-promise, never an oversell).
 */
export function addHolds(s: InventoryStore, line: { orderId: string; lineNo: number; channel: string }, allocations: readonly Allocation[], at: number): void {
  for (const a of allocations) {
    if (a.quantity <= 0) continue;
    const before = s.rowsOf(line.orderId, line.lineNo).find((r) => r.location === a.location) ?? null;
    const base = before ?? { orderId: line.orderId, lineNo: line.lineNo, location: a.location, channel: line.channel, held: 0, shipped: 0, shippedAt: null, createdAt: at, seenAt: null };
    writeRow(s, before, { ...base, held: base.held + a.quantity, seenAt: null });
  }
}

/** Allocations summed per location (what a line record keeps), in first-seen order. */
export function mergeAllocations(...lists: readonly (readonly Allocation[])[]): Allocation[] {
  const by = new Map<string, number>();
  for (const list of lists) for (const a of list) by.set(a.location, (by.get(a.location) ?? 0) + a.quantity);
  return [...by].filter(([, q]) => q > 0).map(([location, quantity]) => ({ location, quantity }));
}

/** Throws (rolling the DO's transaction back) when a touched location is oversold, over capacity, or the channel over its pool. */
export function assertSellable(s: InventoryStore, locations: Iterable<string>, channel: string, policy: PolicyOrDefault): void {
  const touched = [...new Set(locations)];
  checkCounters(s, touched);
  for (const l of touched) {
    const p = s.location(l)?.position;
    if (!p) continue;
    if (free(p, holdsAt(s, l)) < 0) throw new InvariantError(`would oversell ${l}`);
    if (p.capacity !== null && holdsAt(s, l).held > p.capacity) throw new InvariantError(`exceeds capacity at ${l}`);
  }
  if (policy?.pool !== undefined && s.channelHeld(channel) > policy.pool) throw new InvariantError(`exceeds the pool of ${channel}`);
}
