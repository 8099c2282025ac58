import { describe, expect, it } from "vitest";
import { allocateLine, channelPool } from "./allocate";

const stock = (o: Record<string, number>) => new Map(Object.entries(o));

describe("allocateLine", () => {
  it("fills locations in policy priority order, splitting by default", () => {
    expect(allocateLine(5, { locations: ["DC2", "DC1"] }, stock({ DC1: 9, DC2: 3 }), 0)).toEqual({
      reserved: 5, backordered: 0, rejected: 0, allocations: [{ location: "DC2", quantity: 3 }, { location: "DC1", quantity: 2 }],
    });
  });

  it("without split, takes the first location that fills the line, else the one that fills most", () => {
    expect(allocateLine(4, { locations: ["DC1", "DC2", "DC3"], split: false }, stock({ DC1: 3, DC2: 4, DC3: 9 }), 0).allocations).toEqual([{ location: "DC2", quantity: 4 }]);
    expect(allocateLine(8, { locations: ["DC1", "DC2"], split: false }, stock({ DC1: 3, DC2: 5 }), 0)).toEqual({
      reserved: 5, backordered: 0, rejected: 3, allocations: [{ location: "DC2", quantity: 5 }],
    });
  });

  it("backorders the short part only when the policy allows it, and never exceeds the pool", () => {
    expect(allocateLine(10, { locations: ["DC1"], backorder: true }, stock({ DC1: 4 }), 0)).toMatchObject({ reserved: 4, backordered: 6, rejected: 0 });
    expect(allocateLine(10, { locations: ["DC1"], pool: 6 }, stock({ DC1: 40 }), 3)).toMatchObject({ reserved: 3, rejected: 7 });
    expect(allocateLine(2, { locations: ["DC1"] }, stock({ DC1: 0 }), 0)).toEqual({ reserved: 0, backordered: 0, rejected: 2, allocations: [] });
  });

  it("ignores ineligible and negative locations", () => {
    expect(allocateLine(3, { locations: ["DC1"] }, stock({ DC1: -2, DC2: 50 }), 0)).toMatchObject({ reserved: 0, rejected: 3 });
    expect(channelPool({ locations: ["DC1", "DC2"] }, stock({ DC1: -2, DC2: 5, DC3: 7 }))).toBe(5);
    expect(channelPool(null, stock({ DC1: -2, DC2: 5, DC3: 7 }))).toBe(12);
  });
});
