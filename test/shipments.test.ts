import { describe, expect, it } from "vitest";
import { admin, call, createKey, getOrder, postOrder, stockedOrder, uid, waitForOrder } from "./helpers";

describe("shipments and returns", () => {
  it("moves an order through acknowledged and shipped, dedupes by eventId, then takes a return", async () => {
    const key = await createKey(["orders:write", "orders:read", "shipments:write", "returns:write"]);
    const body = await stockedOrder();
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    await waitForOrder(key, orderId, (o) => o.status === "erp_accepted");
    const ship = (type: string, eventId = uid("ev")) =>
      call("/v1/shipments", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId, orderId, source: "3pl", type, location: "3PL-EAST", lines: [{ sku: body.lines[0]!.sku, quantity: 2 }], carrier: "UPS", tracking: "1Z999" } });
    expect((await ship("acknowledged")).status).toBe(202);
    const shippedId = uid("ev");
    expect((await ship("shipped", shippedId)).status).toBe(202);
    const dup = await ship("shipped", shippedId);
    expect(dup.status).toBe(200);
    expect(((await dup.json()) as { outcome: string }).outcome).toBe("duplicate");
    const o = await getOrder(key, orderId);
    expect(o.status).toBe("shipped");
    expect(o.timeline.filter((t) => t.type === "shipment_shipped")).toHaveLength(1);

    const ret = await call("/v1/returns", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId: uid("rt"), orderId, lines: [{ sku: body.lines[0]!.sku, quantity: 1 }], reason: "damaged in transit" } });
    expect(ret.status).toBe(201);
    expect(((await ret.json()) as { rmaId: string }).rmaId).toMatch(/^rma_/);
    expect((await getOrder(key, orderId)).status).toBe("returned");
  });

  it("refuses a shipment for an unknown order and a return before shipping", async () => {
    const key = await createKey(["orders:write", "orders:read", "shipments:write", "returns:write"]);
    const res = await call("/v1/shipments", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId: "e1", orderId: "ord_missing", source: "wms", type: "shipped", location: "DC1", lines: [] } });
    expect(res.status).toBe(404);
    const { orderId } = (await (await postOrder(key, await stockedOrder())).json()) as { orderId: string };
    const ret = await call("/v1/returns", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId: uid(), orderId, lines: [{ sku: "X", quantity: 1 }], reason: "n/a" } });
    expect(ret.status).toBe(409);
  });
});

describe("warehouse acknowledgement deadline", () => {
  it("puts an ERP-accepted order nobody acknowledged in exception (ack_timeout), and a late ack clears it", async () => {
    const key = await createKey(["orders:write", "orders:read", "shipments:write"]);
    const channel = uid("sla");
    expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1"], ackDeadlineSeconds: 1 })).status).toBe(200);
    const body = await stockedOrder({ channel });
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    const accepted = await waitForOrder(key, orderId, (o) => o.status === "erp_accepted" || o.status === "exception");
    expect(accepted.timeline.map((t) => t.type)).toContain("ack_deadline_set");
    const late = await waitForOrder(key, orderId, (o) => o.status === "exception");
    expect(late.exception).toMatchObject({ reason: "ack_timeout" });

    const ack = await call("/v1/shipments", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId: uid("ack"), orderId, source: "3pl", type: "acknowledged", location: "3PL-EAST", lines: [] } });
    expect(ack.status).toBe(202);
    const o = await getOrder(key, orderId);
    expect(o.status).toBe("acknowledged");
    expect(o.exception).toBeUndefined();
  });
});
