import { describe, expect, it } from "vitest";
import { heldLocations, toErpOrder } from "./erp-order";

describe("the order as an ERP books it", () => {
  it("carries each line's held location from the latest reservation or reallocation", () => {
    const held = heldLocations([
      { type: "reservation", detail: { lines: [{ lineNo: 1, allocations: [{ location: "DC1", quantity: 2 }] }, { lineNo: 2, allocations: [{ location: "DC2", quantity: 0 }, { location: "DC1", quantity: 1 }] }, { lineNo: 3, allocations: [] }] } },
      { type: "reallocation", detail: { lines: [{ lineNo: 1, heldAt: [{ location: "DC2", quantity: 2 }] }] } },
    ]);
    expect([...held]).toEqual([[1, "DC2"], [2, "DC1"]]);
    const order = toErpOrder(
      {
        version: 7,
        order: { orderId: "ord_x", orchestrationId: "orc_x", channel: "web", externalId: "1001", version: 7, customer: { id: "C-1" }, currency: "EUR", lines: [{ sku: "A", quantity: 2, unitPrice: "9.50" }, { sku: "B", quantity: 1 }, { sku: "C", quantity: 4, name: "Cee" }], total: "23.00" },
      },
      held,
    );
    expect(order.lines).toEqual([
      { lineNo: 1, sku: "A", quantity: 2, unitPrice: "9.50", location: "DC2" },
      { lineNo: 2, sku: "B", quantity: 1, location: "DC1" },
      { lineNo: 3, sku: "C", quantity: 4, name: "Cee" },
    ]);
    expect(order).toMatchObject({ orderId: "ord_x", orchestrationId: "orc_x", version: 7, channel: "web", externalId: "1001", currency: "EUR" });
  });
});
