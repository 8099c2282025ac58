import { describe, expect, it } from "vitest";
import type { ErpConnector } from "../types";
import { connector, drainFeed, order, trytonAdmin, trytonSkipped } from "./testing";

const drain = (erp: ErpConnector, cursor: string | null) => drainFeed((c) => erp.shipmentsSince(c), cursor);

describe.skipIf(trytonSkipped)(`tryton connector: shipments${trytonSkipped ? ` (skipped: ${trytonSkipped})` : ""}`, () => {
  it("a customer shipment done in Tryton appears in shipmentsSince with the sale's reference, location and lines", async () => {
    const erp = connector(); // DC1 → WH
    const start = await drain(erp, null);
    const o = order({ lines: [{ lineNo: 1, sku: "TRY-SHP-1", quantity: 2, location: "DC1" }, { lineNo: 2, sku: "TRY-ORD-2", quantity: 5 }] });
    const booked = await erp.createOrder(o);
    if (booked.kind !== "ok") throw new Error(JSON.stringify(booked));
    // Booked but not shipped: nothing new yet.
    expect((await drain(erp, start.cursor)).items.filter((s) => s.reference === o.orderId)).toEqual([]);

    const stock = async () => {
      const r = await erp.stockByLocation({ skus: ["TRY-SHP-1"] });
      return r.kind === "ok" ? r.value.items.find((x) => x.location === "DC1") : undefined;
    };
    const held = await stock();
    const shipmentId = await (await trytonAdmin()).ship(Number(booked.value.erpOrderId));
    const after = await drain(erp, start.cursor);
    const ours = after.items.filter((s) => s.reference === o.orderId);
    expect(ours).toHaveLength(1);
    expect(ours[0]).toMatchObject({ shipmentId: `stock.shipment.out:${shipmentId}`, erpOrderId: booked.value.erpOrderId, location: "DC1" });
    expect(ours[0]!.lines.sort((a, b) => a.sku.localeCompare(b.sku))).toEqual([{ sku: "TRY-ORD-2", quantity: 5 }, { sku: "TRY-SHP-1", quantity: 2 }]);
    expect(Date.now() - Date.parse(ours[0]!.shippedAt)).toBeLessThan(5 * 60_000);
    // Reported once: the cursor moved past it.
    expect((await drain(erp, after.cursor)).items.filter((s) => s.reference === o.orderId)).toEqual([]);

    // The sale now reads as shipped, and the units left on-hand and committed together.
    expect(await erp.getOrder({ erpOrderId: booked.value.erpOrderId, orderId: o.orderId })).toMatchObject({ kind: "ok", value: { state: "shipped" } });
    expect(await stock()).toEqual({ ...held, onHand: held!.onHand - 2, committed: held!.committed - 2 });
    // Mapped to the storage zone instead of the warehouse, the same shipment is reported there.
    const byZone = await drain(connector({ settings: { locations: { "DC1-STORAGE": "STO" } } }), start.cursor);
    expect(byZone.items.find((s) => s.reference === o.orderId)).toMatchObject({ location: "DC1-STORAGE" });
    // A mapping that does not cover the warehouse leaves it out.
    const elsewhere = await drain(connector({ settings: { locations: { DC2: "DC-EAST" } } }), start.cursor);
    expect(elsewhere.items.filter((s) => s.reference === o.orderId)).toEqual([]);
  });
});
