import { describe, expect, it } from "vitest";
import { admin, call, createKey, getOrder, postOrder, sampleOrder, stock, stockedOrder, uid, waitForOrder } from "./helpers";

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

describe("short picks", () => {
  async function shortPickSetup(dc2: number) {
    const key = await createKey(["orders:write", "orders:read", "shipments:write", "ops:read"]);
    const channel = uid("sp");
    expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1", "DC2"] })).status).toBe(200);
    const body = sampleOrder({ channel });
    const sku = (body.lines as { sku: string }[])[0]!.sku;
    await stock(sku, 2, "DC1");
    if (dc2) await stock(sku, dc2, "DC2");
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    await waitForOrder(key, orderId, (o) => o.status === "erp_accepted");
    const res = await call("/v1/shipments", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId: uid("sp"), orderId, source: "wms", type: "short_pick", location: "DC1", lines: [{ sku, quantity: 2 }] } });
    expect(res.status).toBe(202);
    return { key, orderId, sku };
  }

  it("re-allocates the units a warehouse could not pick to another eligible location", async () => {
    const { key, orderId, sku } = await shortPickSetup(5);
    const o = await waitForOrder(key, orderId, (x) => x.status === "reallocated");
    expect(o.lines[0]).toMatchObject({ quantity: 2, reserved: 2 });
    const inv = (await (await call(`/v1/inventory/${sku}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { locations: { location: string; holds: { held: number }; position: { qualityHold: number } }[] };
    const at = (l: string) => inv.locations.find((x) => x.location === l)!;
    expect(at("DC2").holds.held).toBe(2);
    expect(at("DC1").holds.held).toBe(0);
    expect(at("DC1").position.qualityHold).toBe(2); // the missing units are not promised to anyone else
    // The timeline says where the units are now.
    const moved = o.timeline.find((t) => t.type === "reallocation")!.detail.lines as { from: string; heldAt: { location: string; quantity: number }[] }[];
    expect(moved[0]).toMatchObject({ from: "DC1", heldAt: [{ location: "DC2", quantity: 2 }] });
    expect(o.timeline.find((t) => t.type === "status_changed" && t.detail.to === "reallocated")!.detail.heldAt).toEqual(["DC2"]);
  });

  it("puts the order in exception when no other location has the stock", async () => {
    const { key, orderId } = await shortPickSetup(0);
    const o = await waitForOrder(key, orderId, (x) => x.status === "exception");
    expect(o.exception).toMatchObject({ reason: "short_pick_unresolved" });
  });
});
