/**
 * Deciding one order line: how much of it a channel can hold, at which locations, and what
 * happens to the rest. Pure, and the only place the decision is made: the InventoryDO calls it
 * between reading and writing its storage with nothing else in between.
 */
import { eligibleLocations, poolHeadroom, type PolicyOrDefault } from "./policy";

export interface Allocation {
  location: string;
  quantity: number;
}

export interface LineDecision {
  reserved: number;
  /** Accepted without stock behind it (policy `backorder: true`); not held anywhere. */
  backordered: number;
  /** Neither held nor accepted (no backorder allowed). */
  rejected: number;
  allocations: Allocation[];
}

/**
 * Allocates `quantity` over the channel's eligible locations in policy order (the priority),
 * capped by the enforced pool's headroom.
 * - `split !== false`: fill the first location, then the next, and so on.
 * - `split === false`: one location only: the first that can fill the whole line; failing that,
 *   the one that can fill the most (earliest on a tie), and the rest is short.
 * The short part is backordered when the policy allows it, else rejected.
 *
 * @example allocateLine(5, { locations: ["DC1", "DC2"] }, new Map([["DC1", 3], ["DC2", 9]]), 0)
 *   // { reserved: 5, backordered: 0, rejected: 0, allocations: [{ DC1, 3 }, { DC2, 2 }] }
 */
export function allocateLine(quantity: number, policy: PolicyOrDefault, sellableByLocation: ReadonlyMap<string, number>, channelHeld: number): LineDecision {
  const order = eligibleLocations(policy, sellableByLocation.keys());
  const want = Math.min(quantity, poolHeadroom(policy, channelHeld));
  const allocations: Allocation[] = [];
  if (policy?.split === false) {
    let best: Allocation | null = null;
    for (const location of order) {
      const take = Math.min(want, Math.max(0, sellableByLocation.get(location) ?? 0));
      if (take > (best?.quantity ?? 0)) best = { location, quantity: take };
      if (take === want) break;
    }
    if (best) allocations.push(best);
  } else {
    let left = want;
    for (const location of order) {
      if (left === 0) break;
      const take = Math.min(left, Math.max(0, sellableByLocation.get(location) ?? 0));
      if (take > 0) allocations.push({ location, quantity: take });
      left -= take;
    }
  }
  const reserved = allocations.reduce((s, a) => s + a.quantity, 0);
  const short = quantity - reserved;
  return policy?.backorder
    ? { reserved, backordered: short, rejected: 0, allocations }
    : { reserved, backordered: 0, rejected: short, allocations };
}

/** Sum of sellable units over the channel's eligible locations: its pool. */
export function channelPool(policy: PolicyOrDefault, sellableByLocation: ReadonlyMap<string, number>): number {
  return eligibleLocations(policy, sellableByLocation.keys()).reduce((s, l) => s + Math.max(0, sellableByLocation.get(l) ?? 0), 0);
}
