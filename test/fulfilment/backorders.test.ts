// Backorders fill themselves, through HTTP: stock arriving at a SKU (a receipt, a cancellation's
// released holds) is re-reserved for its waiting backordered lines inside the SKU's object,
// first come, first served (a lower channel backorderPriority first), and each order hears of
// it from the object's alarm: before the ERP the status follows, after it the units are released.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { orderObjectName } from "../../core/keys";
import { call, createKey, getOrder, postOrder, sampleOrder, stock, uid, waitForOrder } from "../helpers";
import { at, entries, fact, putFulfiller, putPolicy, receipt, receiver, skuState, types, whsec } from "./support";

const order = async (key: string, channel: string, sku: string, quantity: number) => {
  const res = await postOrder(key, sampleOrder({ channel, lines: [{ sku, quantity }] }));
  expect(res.status).toBe(201);
  return ((await res.json()) as { orderId: string }).orderId;
};
const line = async (key: string, orderId: string) => (await getOrder(key, orderId)).lines[0]!;

describe("backorders fill themselves", () => {
  it("a backordered order gets stock as it arrives, partially first, and each part is released to the warehouse", async () => {
    const key = await createKey();
    const channel = uid("bo");
    const dc = uid("DC");
    await putPolicy(channel, { locations: [dc], backorder: true });
    const secret = whsec();
    const wms = await receiver("wms", { secret });
    await putFulfiller(uid("wms"), { kind: "standard", locations: [dc], url: wms.url, secret });
    const sku = uid("SKU");
    await stock(sku, 0, dc);
    const orderId = await order(key, channel, sku, 3);
    const accepted = await waitForOrder(key, orderId, (o) => o.status === "erp_accepted");
    expect(accepted.lines[0]).toMatchObject({ reserved: 0, backordered: 3 });
    expect(types(accepted)).not.toContain("released");

    await receipt(sku, dc, 2);
    const part = await waitForOrder(key, orderId, (o) => o.status === "released" && types(o).includes("release_delivered"));
    expect(part.lines[0]).toMatchObject({ quantity: 3, reserved: 2, backordered: 1 });
    expect(entries(part, "backorder_filled")).toEqual([expect.objectContaining({ filled: 2, reserved: 2, backordered: 1, heldAt: [{ location: dc, quantity: 2 }] })]);
    expect(entries(part, "released")).toEqual([expect.objectContaining({ releaseId: "r1", lines: [{ lineNo: 1, sku, quantity: 2 }] })]);

    await receipt(sku, dc, 5);
    const full = await waitForOrder(key, orderId, (o) => entries(o, "release_delivered").length === 2);
    expect(full.lines[0]).toMatchObject({ reserved: 3, backordered: 0 });
    expect(entries(full, "released").map((d) => d.lines)).toEqual([[{ lineNo: 1, sku, quantity: 2 }], [{ lineNo: 1, sku, quantity: 1 }]]);
    const inv = await skuState(key, sku);
    expect(at(inv, dc)).toMatchObject({ holds: { held: 3 }, free: 4 });
    expect(inv.backordered).toBe(0);
    // One acknowledgement from the location covers both of its releases.
    await fact(key, { orderId, type: "acknowledged", location: dc });
    const acked = await getOrder(key, orderId);
    expect(acked.status).toBe("acknowledged");
    expect(entries(acked, "release_acknowledged").map((d) => d.releaseId)).toEqual(["r1", "r2"]);
  });

  it("first come, first served, with a channel's lower backorderPriority ahead; partially filled lines stay visible", async () => {
    const key = await createKey();
    const [web, vip] = [uid("web"), uid("vip")];
    const dc = uid("DC");
    await putPolicy(web, { locations: [dc], backorder: true });
    await putPolicy(vip, { locations: [dc], backorder: true, backorderPriority: 10 });
    const sku = uid("SKU");
    await stock(sku, 0, dc);
    const a = await order(key, web, sku, 2);
    const b = await order(key, web, sku, 2);
    const c = await order(key, vip, sku, 2);
    for (const id of [a, b, c]) await waitForOrder(key, id, (o) => o.status === "erp_accepted");

    await receipt(sku, dc, 3);
    await waitForOrder(key, a, (o) => o.lines[0]!.reserved === 1);
    expect(await line(key, c)).toMatchObject({ reserved: 2, backordered: 0 });
    expect(await line(key, a)).toMatchObject({ reserved: 1, backordered: 1 });
    expect(await line(key, b)).toMatchObject({ reserved: 0, backordered: 2 });

    await receipt(sku, dc, 3);
    await waitForOrder(key, b, (o) => o.lines[0]!.reserved === 2);
    expect(await line(key, a)).toMatchObject({ reserved: 2, backordered: 0 });
    const inv = await skuState(key, sku);
    expect(at(inv, dc)).toMatchObject({ holds: { held: 6 }, free: 0 });
  });

  it("a cancellation frees stock that a waiting backorder takes at once", async () => {
    const key = await createKey();
    const channel = uid("bo");
    const dc = uid("DC");
    await putPolicy(channel, { locations: [dc], backorder: true });
    const sku = uid("SKU");
    await stock(sku, 2, dc);
    const holder = await order(key, channel, sku, 2);
    const waiting = await order(key, channel, sku, 2);
    await waitForOrder(key, waiting, (o) => o.status === "erp_accepted");
    expect(await line(key, waiting)).toMatchObject({ reserved: 0, backordered: 2 });
    expect((await call(`/v1/orders/${holder}/cancel`, { method: "POST", headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    const filled = await waitForOrder(key, waiting, (o) => o.lines[0]!.reserved === 2);
    expect(entries(filled, "backorder_filled")).toHaveLength(1);
    const inv = await skuState(key, sku);
    expect(at(inv, dc)).toMatchObject({ holds: { held: 2 }, free: 0 });
    expect(inv.backorders.waiting).toEqual([]);
  });

  it("before the ERP has the order, the status follows the lines: backordered → reserved", async () => {
    const key = await createKey();
    const channel = uid("bo");
    const dc = uid("DC");
    await putPolicy(channel, { locations: [dc], backorder: true });
    const sku = uid("SKU");
    await stock(sku, 0, dc);
    // The order's first hand-off to the ERP is dropped (a fault point), so the fill lands while it still waits.
    const body = sampleOrder({ channel, lines: [{ sku, quantity: 1 }] });
    expect(await env.TRANSACTIONS.getByName(orderObjectName(channel, body.externalId)).injectFault("drop_enqueue", 1)).toBe(true);
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    expect((await getOrder(key, orderId)).status).toBe("backordered");
    await receipt(sku, dc, 1);
    const o = await waitForOrder(key, orderId, (x) => x.lines[0]!.reserved === 1);
    expect(o.lines[0]).toMatchObject({ reserved: 1, backordered: 0 });
    const path = o.timeline.filter((x) => x.type === "status_changed").map((x) => x.detail.to);
    expect(path.slice(0, 3)).toEqual(["validated", "backordered", "reserved"]);
    // The order's own watch sends the dropped hand-off again; the ERP then has it as reserved.
    await waitForOrder(key, orderId, (x) => x.status === "erp_accepted");
  });
});
