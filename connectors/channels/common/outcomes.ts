/**
 * Building item outcomes and the batch result, so every publisher reports the same way: the
 * item's own `channelLocation` echoed back, and the slowest throttle of the batch kept.
 */
import type { ItemOutcome, PublishItem, PublishResult } from "../types";

type Where = Pick<PublishItem, "sku" | "channelLocation">;
const where = (i: Where) => (i.channelLocation === undefined ? { sku: i.sku } : { sku: i.sku, channelLocation: i.channelLocation });

/** @example ok(item, 7) // { sku, outcome: "ok", acknowledged: 7 } */
export const ok = (i: Where, acknowledged: number): ItemOutcome => ({ ...where(i), outcome: "ok", acknowledged });
/** @example retry(item, "THROTTLED", 4) // { outcome: "retry", reason, channelAvailable: 4 } */
export const retry = (i: Where, reason: string, channelAvailable?: number): ItemOutcome =>
  channelAvailable === undefined ? { ...where(i), outcome: "retry", reason } : { ...where(i), outcome: "retry", reason, channelAvailable };
/** @example rejected(item, "unknown SKU") */
export const rejected = (i: Where, reason: string): ItemOutcome => ({ ...where(i), outcome: "rejected", reason });
/** @example config(item, "accessToken is missing") */
export const config = (i: Where, reason: string): ItemOutcome => ({ ...where(i), outcome: "config", reason });

export type Throttle = NonNullable<PublishResult["throttle"]>;

/** Accumulates one publish call's outcomes, call count and throttle. */
export class ResultBuilder {
  readonly outcomes = new Map<PublishItem, ItemOutcome>();
  calls = 0;
  throttle: Throttle | undefined;

  set(item: PublishItem, outcome: ItemOutcome): void {
    this.outcomes.set(item, outcome);
  }

  /** Every item not yet decided gets this outcome (for a failure that hit the whole call). */
  rest(items: PublishItem[], make: (i: PublishItem) => ItemOutcome): void {
    for (const i of items) if (!this.outcomes.has(i)) this.outcomes.set(i, make(i));
  }

  slowDown(t: Throttle | undefined): void {
    if (t && (!this.throttle || t.retryAfterSeconds > this.throttle.retryAfterSeconds)) this.throttle = t;
  }

  /** The result in the order the items came in; an item nobody decided is a retry (never silently lost). */
  build(items: PublishItem[]): PublishResult {
    const out = items.map((i) => this.outcomes.get(i) ?? retry(i, "not attempted in this call"));
    return this.throttle ? { items: out, calls: this.calls, throttle: this.throttle } : { items: out, calls: this.calls };
  }
}

/**
 * The items a publisher should write: a blank SKU is refused, and when the host sent two figures
 * for one key (SKU, or SKU and location) only the newest `seq` goes, the other is refused as
 * superseded, so a channel never receives an older figure after a newer one.
 * @example const live = admit(items, result, (i) => i.sku);
 */
export function admit(items: PublishItem[], result: ResultBuilder, keyOf: (i: PublishItem) => string): PublishItem[] {
  const newest = new Map<string, PublishItem>();
  for (const item of items) {
    if (typeof item.sku !== "string" || item.sku.trim() === "") {
      result.set(item, rejected(item, "blank SKU"));
      continue;
    }
    const key = keyOf(item);
    const prev = newest.get(key);
    if (!prev) newest.set(key, item);
    else if (prev.seq >= item.seq) result.set(item, rejected(item, `superseded by seq ${prev.seq} in the same batch`));
    else {
      result.set(prev, rejected(prev, `superseded by seq ${item.seq} in the same batch`));
      newest.set(key, item);
    }
  }
  return items.filter((i) => !result.outcomes.has(i));
}
