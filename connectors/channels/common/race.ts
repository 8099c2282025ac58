/**
 * Refresh-then-set, for providers with neither compare-and-set nor a safe delta (WooCommerce,
 * BigCommerce, Amazon): read what the channel holds just before writing; if it dropped below what
 * it last acknowledged from us, the channel sold those units itself, and our figure is lowered by
 * the same amount instead of handing them back. A rise (someone restocked on the channel) is
 * overwritten: Switchyard is the source of truth for what may be sold.
 *
 * What it does not cover: a sale landing between our read and our write (a window of one round
 * trip) is overwritten, and reappears only when the host has ingested that order and publishes
 * again. If the host's figure already counted a sale that the channel also shows, that sale is
 * subtracted twice until the next figure for the SKU: the channel under-sells, never over-sells.
 */

export interface RefreshDecision {
  /** The figure to write. */
  target: number;
  /** Units the channel sold since it acknowledged `lastAcknowledged` (0 when unknown). */
  soldOnChannel: number;
}

/**
 * @example refreshThenSet(10, 10, 9) // { target: 9, soldOnChannel: 1 }
 * @example refreshThenSet(10, null, 3) // { target: 10, soldOnChannel: 0 }
 */
export function refreshThenSet(available: number, lastAcknowledged: number | null, current: number | null): RefreshDecision {
  const figure = sellable(available);
  if (lastAcknowledged === null || current === null || current >= lastAcknowledged) return { target: figure, soldOnChannel: 0 };
  const sold = lastAcknowledged - current;
  return { target: Math.max(0, figure - sold), soldOnChannel: sold };
}

/** Channels refuse negative stock and fractions: a figure is clamped to a whole number ≥ 0. @example sellable(-2) // 0 */
export function sellable(available: number): number {
  return Number.isFinite(available) ? Math.max(0, Math.floor(available)) : 0;
}
