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
const action = z.enum(["reject", "exception", "accept"]);

/**
 * What an order's checks against master data do on this channel (docs/master-data.md). Each
 * finding is `reject` (refused at the door: 422, a quarantined delivery, a rejecting 997),
 * `exception` (kept, nothing reserved or sent to the ERP, listed in ops) or `accept` (noted on
 * the timeline). Units are converted and kits exploded whenever the product says so.
 */
export const masterDataPolicySchema = z.strictObject({
  /** false: no checks at all for this channel (and no read on its order path). */
  enabled: z.boolean().optional(),
  /** A SKU with no product record (and no alias of this channel); default accept, as before master data. */
  unknownSku: action.optional(),
  /** A product whose status is blocked; default reject. */
  blockedSku: action.optional(),
  /** A discontinued product; default accept. */
  discontinuedSku: action.optional(),
  /** A line in a unit the product does not have; default reject. */
  unknownUnit: action.optional(),
  /** A unit price further from the price list than `priceTolerancePercent`; default exception. */
  priceMismatch: action.optional(),
  /** How far a line's unit price may be from the list's, in percent either way (default 0). */
  priceTolerancePercent: z.number().min(0).max(1000).optional(),
  /** A customer on credit hold: `hold` keeps the order (stock held) away from the ERP until the hold lifts; default hold. */
  creditHold: z.enum(["hold", "reject", "accept"]).optional(),
  /** A customer with no record; default accept. */
  unknownCustomer: action.optional(),
});
export type MasterDataPolicy = z.infer<typeof masterDataPolicySchema>;

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
  /** Checks of this channel's orders against master data (docs/master-data.md). */
  masterData: masterDataPolicySchema.optional(),
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
