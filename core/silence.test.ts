import { describe, expect, it } from "vitest";
import { foldArrivals, judge, MIN_GAPS, thresholdSeconds, type Cadence } from "./silence";

const every = (gapSeconds: number, n: number, from = 0): Cadence => {
  let c: Cadence | null = null;
  for (let i = 0; i < n; i++) c = foldArrivals(c, { first: from + i * gapSeconds * 1000, last: from + i * gapSeconds * 1000, count: 1 });
  return c!;
};

describe("connection cadence", () => {
  it("learns the usual gap and raises only past a multiple of it, never under the floor", () => {
    const c = every(600, 10);
    expect(c.ewmaGapSeconds).toBeCloseTo(600);
    expect(thresholdSeconds(c, { multiple: 4, floorSeconds: 300 })).toBeCloseTo(2400);
    expect(judge(c, c.lastSeen + 2000_000, { multiple: 4, floorSeconds: 300 }).silent).toBe(false);
    expect(judge(c, c.lastSeen + 2500_000, { multiple: 4, floorSeconds: 300 }).silent).toBe(true);
    const chatty = every(1, 10);
    expect(thresholdSeconds(chatty, { multiple: 4, floorSeconds: 300 })).toBe(300);
  });

  it("says nothing before it has learned enough gaps, unless the connection sets its own threshold", () => {
    const young = every(60, MIN_GAPS);
    expect(young.gaps).toBe(MIN_GAPS - 1);
    expect(judge(young, young.lastSeen + 86400_000).silent).toBe(false);
    expect(judge(young, young.lastSeen + 11_000, { silenceAfterSeconds: 10 }).silent).toBe(true);
  });

  it("folds a batch as its own gaps and moves last-seen only forward", () => {
    const a = foldArrivals(null, { first: 0, last: 40_000, count: 5 });
    expect(a).toEqual({ lastSeen: 40_000, ewmaGapSeconds: 10, gaps: 4 });
    const late = foldArrivals(a, { first: 20_000, last: 20_000, count: 1 });
    expect(late.lastSeen).toBe(40_000);
    expect(late.gaps).toBe(4);
    const next = foldArrivals(a, { first: 50_000, last: 50_000, count: 1 });
    expect(next.gaps).toBe(5);
    expect(next.ewmaGapSeconds).toBeCloseTo(10);
  });

  it("adapts when the cadence changes", () => {
    let c = every(60, 20);
    for (let i = 1; i <= 20; i++) c = foldArrivals(c, { first: c.lastSeen + 600_000, last: c.lastSeen + 600_000, count: 1 });
    expect(c.ewmaGapSeconds!).toBeGreaterThan(550);
  });
});
