/**
 * Control numbers that never repeat per partner, as a pure step from the last ones used.
 *
 * - ISA13 is N0 9/9: written zero-padded to nine digits ("000000042").
 * - GS06 is N0 1/9: written without padding ("42"). X12 wants GS01+GS02+GS03+GS06 unique
 *   "within a reasonably extended time frame" (X12 RFI 1220, quoting the standard's section
 *   3.9.1), so it keeps counting across interchanges instead of restarting at 1 in each.
 * - ST02 is AN 4/9 and must be unique within its group: written as digits padded to four
 *   ("0042"); it also keeps counting across groups, so a partner's 997 (AK2) names one set.
 *
 * All three count from 1 and wrap from 999999999 back to 1 (0 is skipped: some translators read
 * an all-zero ISA13 as "none"). A number repeats only after 999,999,999 documents to one
 * partner, about 31 years at one a second, which is the "extended time frame" X12 allows for
 * reuse; GS04/GS05 dates then tell the two apart. Persisting `last` (a Durable Object per
 * partner, written before the interchange is sent) is the caller's job: losing it is the only
 * way a number repeats early.
 */
import type { ControlNumbers } from "./types";

export const MAX_CONTROL_NUMBER = 999_999_999;

const inRange = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= MAX_CONTROL_NUMBER;

/** `n` advanced by `by` steps inside 1..999999999. */
export function advance(n: number, by = 1): number {
  return ((((n - 1 + by) % MAX_CONTROL_NUMBER) + MAX_CONTROL_NUMBER) % MAX_CONTROL_NUMBER) + 1;
}

/**
 * The control numbers for the next interchange after `last` (each one step on; all 1 when there
 * is no `last`). Throws RangeError on a `last` that is not three integers in 1..999999999: a
 * corrupt store must stop sending rather than silently reuse numbers.
 * @example nextControlNumbers({ isa: 41, gs: 41, st: 57 }) // → { isa: 42, gs: 42, st: 58 }
 */
export function nextControlNumbers(last: ControlNumbers | null): ControlNumbers {
  if (last === null || last === undefined) return { isa: 1, gs: 1, st: 1 };
  for (const k of ["isa", "gs", "st"] as const) {
    if (!inRange(last[k])) throw new RangeError(`last.${k} must be an integer from 1 to ${MAX_CONTROL_NUMBER}, got ${String(last[k])}`);
  }
  return { isa: advance(last.isa), gs: advance(last.gs), st: advance(last.st) };
}

/** ISA13 as written: nine digits. */
export const isa13 = (n: number) => String(n).padStart(9, "0");
/** GS06 as written: no padding. */
export const gs06 = (n: number) => String(n);
/** ST02 as written: at least four digits. */
export const st02 = (n: number) => String(n).padStart(4, "0");
