import { describe, expect, it } from "vitest";
import { canTransition, isBookedInErp, statusFromLines } from "./order-state";

describe("order state machine", () => {
  it("follows the lifecycle and refuses shortcuts", () => {
    expect(canTransition("received", "validated")).toBe(true);
    expect(canTransition("reserved", "sent_to_erp")).toBe(true);
    expect(canTransition("sent_to_erp", "erp_accepted")).toBe(true);
    expect(canTransition("received", "erp_accepted")).toBe(false);
    expect(canTransition("cancelled", "reserved")).toBe(false);
    expect(canTransition("shipped", "cancelled")).toBe(false);
  });
  it("knows when a cancel must reach the ERP", () => {
    expect(isBookedInErp("erp_accepted")).toBe(true);
    expect(isBookedInErp("reserved")).toBe(false);
  });
  it("derives the order status from line outcomes", () => {
    expect(statusFromLines([{ quantity: 2, reserved: 2, backordered: 0 }])).toBe("reserved");
    expect(statusFromLines([{ quantity: 2, reserved: 1, backordered: 1 }])).toBe("partially_reserved");
    expect(statusFromLines([{ quantity: 2, reserved: 0, backordered: 2 }])).toBe("backordered");
    expect(statusFromLines([{ quantity: 2, reserved: 0, backordered: 0 }])).toBe("rejected");
    expect(statusFromLines([{ quantity: 2, reserved: 1, backordered: 0 }])).toBe("partially_reserved");
    // Nothing held: not "partially reserved", whatever else the line says.
    expect(statusFromLines([{ quantity: 2, reserved: 0, backordered: 1 }])).toBe("backordered");
    expect(statusFromLines([{ quantity: 1, reserved: 1, backordered: 0 }, { quantity: 3, reserved: 0, backordered: 1 }])).toBe("partially_reserved");
  });
});
