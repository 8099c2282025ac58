/**
 * Channel policies: which locations a channel sells from (in priority order), the enforced pool
 * it may hold, and the exposure controls that shape the figure it is shown.
 *
 * Two kinds of limit, deliberately different:
 * - **enforced** at reservation time: eligible locations, safety stock (inside `free`), 3PL
 *   capacity, and `pool` — the most this channel may hold of the SKU at once (across locations).
 * - **published only** (exposure controls against sync lag): `percent`, `buffer`, `max` and
 *   `endWhenBelow` shape what the channel is shown. An order that arrives anyway is still
 *   accepted if the stock is there: the channel was shown less than exists, not more.
 */
import { z } from "zod";

const count = z.number().int().nonnegative();

/** Body of `PUT /v1/admin/channels/{channelId}/policy`. */
export const channelPolicySchema = z.strictObject({
  /** Eligible locations in priority order (allocation fills the first, then the next). */
  locations: z.array(z.string().trim().min(1).max(60)).min(1).max(100),
  /** Share of the pool shown, rounded down. */
  percent: z.number().min(0).max(100).optional(),
  /** Most ever shown. */
  max: count.optional(),
  /** Units held back from what is shown. */
  buffer: count.optional(),
  /** Show 0 once the pool is below this (Linnworks "End When"). */
  endWhenBelow: count.optional(),
  /** Accept the unreservable part of a line as backordered instead of rejecting it. */
  backorder: z.boolean().optional(),
  /** Enforced: the most this channel may hold of one SKU at once. */
  pool: count.optional(),
  /** May one line be split across locations (default true)? */
  split: z.boolean().optional(),
  /**
   * Seconds the warehouse or 3PL has to acknowledge an order after the ERP accepted it; past
   * that the order goes to `exception` (`ack_timeout`). Default: ACK_DEADLINE_SECONDS.
   */
  ackDeadlineSeconds: z.number().int().positive().max(30 * 24 * 3600).optional(),
  /** The ERP connection (`/v1/admin/erp-connections/{id}`) this channel's orders are booked in; default: the default connection. */
  erpConnection: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be an ERP connection id").optional(),
  /**
   * What happens to a release its fulfiller did not acknowledge in time, or rejected
   * (docs/fulfilment.md): `reallocate` moves its lines to another eligible location with the
   * stock and releases them there; `hold` (the default) leaves them and puts the order in
   * `exception` for a person.
   */
  reroute: z.enum(["reallocate", "hold"]).optional(),
  /** Backorders fill first come, first served; a lower number goes first across channels (default 100). */
  backorderPriority: z.number().int().min(0).max(1000).optional(),
});
export type ChannelPolicy = z.infer<typeof channelPolicySchema>;

/**
 * The policy of a channel with none configured: every location the SKU has (ascending id, so
 * allocation is predictable), no caps, no backorder, splits allowed. Represented by `null`.
 */
export type PolicyOrDefault = ChannelPolicy | null;

/** Locations the channel may sell from, in priority order, limited to those the SKU has. */
export function eligibleLocations(policy: PolicyOrDefault, known: Iterable<string>): string[] {
  const have = new Set(known);
  if (!policy) return [...have].sort();
  return [...new Set(policy.locations)].filter((l) => have.has(l));
}

/** Units the channel may still take under its enforced pool (Infinity without one). */
export function poolHeadroom(policy: PolicyOrDefault, channelHeld: number): number {
  return policy?.pool === undefined ? Infinity : Math.max(0, policy.pool - channelHeld);
}

/**
 * The figure a channel is shown, from the sellable units of its eligible locations:
 * 1. `endWhenBelow`: pool < endWhenBelow → 0;
 * 2. minus `buffer`;
 * 3. × `percent` / 100, rounded down;
 * 4. at most `max`;
 * 5. at most the enforced pool's headroom (never show what it may not take); never below 0.
 *
 * @example published({ locations: ["DC1"], percent: 50, buffer: 2 }, 11, 0) // floor((11-2)*0.5) = 4
 */
export function published(policy: PolicyOrDefault, pool: number, channelHeld: number): number {
  if (!policy) return Math.max(0, pool);
  if (policy.endWhenBelow !== undefined && pool < policy.endWhenBelow) return 0;
  let n = pool - (policy.buffer ?? 0);
  if (policy.percent !== undefined) n = Math.floor((n * policy.percent) / 100 + 1e-9);
  if (policy.max !== undefined) n = Math.min(n, policy.max);
  n = Math.min(n, poolHeadroom(policy, channelHeld));
  return Math.max(0, n);
}
