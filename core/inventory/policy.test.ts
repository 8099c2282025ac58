import { describe, expect, it } from "vitest";
import { channelPolicySchema, eligibleLocations, poolHeadroom, published } from "./policy";

describe("channelPolicySchema", () => {
  it("accepts the documented fields and nothing else", () => {
    const ok = { locations: ["DC1"], percent: 50, max: 10, buffer: 2, endWhenBelow: 3, backorder: true, pool: 20, split: false };
    expect(channelPolicySchema.parse(ok)).toEqual(ok);
    expect(channelPolicySchema.safeParse({ locations: [] }).success).toBe(false);
    expect(channelPolicySchema.safeParse({ locations: ["DC1"], percent: 101 }).success).toBe(false);
    expect(channelPolicySchema.safeParse({ locations: ["DC1"], max: -1 }).success).toBe(false);
    expect(channelPolicySchema.safeParse({ locations: ["DC1"], pool: 1.5 }).success).toBe(false);
    expect(channelPolicySchema.safeParse({ locations: ["DC1"], sellAhead: true }).success).toBe(false);
  });
});

describe("published", () => {
  it("applies endWhenBelow on the pool, then buffer, percent (rounded down), max and pool headroom", () => {
    expect(published(null, 17, 0)).toBe(17);
    expect(published({ locations: ["A"], endWhenBelow: 5 }, 4, 0)).toBe(0);
    expect(published({ locations: ["A"], endWhenBelow: 5 }, 5, 0)).toBe(5);
    expect(published({ locations: ["A"], buffer: 2, percent: 50 }, 11, 0)).toBe(4);
    expect(published({ locations: ["A"], percent: 33 }, 100, 0)).toBe(33);
    expect(published({ locations: ["A"], percent: 10 }, 9, 0)).toBe(0);
    expect(published({ locations: ["A"], max: 7 }, 100, 0)).toBe(7);
    expect(published({ locations: ["A"], pool: 10 }, 100, 8)).toBe(2);
    expect(published({ locations: ["A"], buffer: 20 }, 10, 0)).toBe(0);
  });
});

describe("eligibility and pools", () => {
  it("keeps policy order, drops unknown locations; the default takes every location in id order", () => {
    expect(eligibleLocations({ locations: ["DC2", "X", "DC1", "DC2"] }, ["DC1", "DC2"])).toEqual(["DC2", "DC1"]);
    expect(eligibleLocations(null, ["DC2", "3PL", "DC1"])).toEqual(["3PL", "DC1", "DC2"]);
    expect(poolHeadroom(null, 99)).toBe(Infinity);
    expect(poolHeadroom({ locations: ["A"], pool: 5 }, 7)).toBe(0);
  });
});
