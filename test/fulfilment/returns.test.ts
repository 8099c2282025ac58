// Returns close the loop through HTTP: an authorised return's units go to returns pending at the
// location they shipped from (on hand, not sellable), and the warehouse's receipt restocks them
// (availability rises; a waiting backorder takes them) or scraps them (damaged).
import { describe, expect, it } from "vitest";
import { call, createKey, getOrder, postOrder, sampleOrder, stock, uid, waitForOrder } from "../helpers";
import { at, entries, fact, putPolicy, skuState } from "./support";

describe("returns at the warehouse", () => {
  it("returns pending, then restock and scrap, each moving availability as it should, once per receipt", async () => {
    const key = await createKey(["orders:write", "orders:read", "shipments:write", "returns:write", "ops:read", "inventory:write"]);
    const channel = uid("ret");
    const dc = uid("DC");
    await putPolicy(channel, { locations: [dc], backorder: true });
    const body = sampleOrder({ channel, lines: [{ sku: uid("SKU"), quantity: 4 }] });
    const sku = (body.lines as { sku: string }[])[0]!.sku;
    await stock(sku, 4, dc);
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    await waitForOrder(key, orderId, (o) => o.status === "erp_accepted");
    await fact(key, { orderId, type: "shipped", location: dc, lines: [{ sku, quantity: 4 }] });
    await waitForOrder(key, orderId, (o) => o.timeline.some((t) => t.type === "stock_consumed"));
    const figures = async () => {
      const l = at(await skuState(key, sku), dc)!;
      return { onHand: l.position.onHand, returnsPending: l.position.returnsPending, damaged: l.position.damaged, free: l.free };
    };
    // The ERP has not counted the shipment yet (no snapshot since): on hand still says 4, none of it free.
    const base = (await figures()).onHand;
    expect(await figures()).toEqual({ onHand: base, returnsPending: 0, damaged: 0, free: 0 });

    // Someone else is waiting for this SKU.
    const waiting = sampleOrder({ channel, lines: [{ sku, quantity: 1 }] });
    const { orderId: waitingId } = (await (await postOrder(key, waiting)).json()) as { orderId: string };
    expect((await getOrder(key, waitingId)).lines[0]).toMatchObject({ reserved: 0, backordered: 1 });

    const ret = await call("/v1/returns", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId: uid("rt"), orderId, lines: [{ sku, quantity: 3 }], reason: "wrong size" } });
    expect(ret.status).toBe(201);
    const { rmaId } = (await ret.json()) as { rmaId: string };
    expect(rmaId).toMatch(/^rma_[0-9a-f]{64}_1$/);
    await waitForOrder(key, orderId, (o) => o.timeline.some((t) => t.type === "return_stock_moved"));
    expect(await figures()).toEqual({ onHand: base + 3, returnsPending: 3, damaged: 0, free: 0 });

    const receipt = (eventId: string, lines: unknown[]) => call(`/v1/returns/${rmaId}/receipt`, { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId, lines } });
    const first = uid("rcv");
    const r1 = await receipt(first, [{ sku, quantity: 2, disposition: "restock" }, { sku, quantity: 1, disposition: "scrap" }]);
    expect(r1.status).toBe(202);
    expect(((await r1.json()) as { lines: unknown[] }).lines).toEqual([{ sku, quantity: 3, location: dc, pending: 0, restocked: 2, scrapped: 1 }]);
    // Two restocked units are sellable: the waiting backorder takes one, one is free; the scrapped one is damaged.
    const got = await waitForOrder(key, waitingId, (o) => o.lines[0]!.reserved === 1);
    expect(entries(got, "backorder_filled")).toHaveLength(1);
    expect(await figures()).toEqual({ onHand: base + 3, returnsPending: 0, damaged: 1, free: 1 });

    expect((await receipt(first, [{ sku, quantity: 2, disposition: "restock" }, { sku, quantity: 1, disposition: "scrap" }])).status).toBe(200);
    const over = await receipt(uid("rcv"), [{ sku, quantity: 1, disposition: "restock" }]);
    expect(over.status).toBe(409);
    expect(await figures()).toEqual({ onHand: base + 3, returnsPending: 0, damaged: 1, free: 1 });
    const unknown = await call(`/v1/returns/rma_${"0".repeat(64)}_9/receipt`, { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId: "e", lines: [{ sku, quantity: 1, disposition: "scrap" }] } });
    expect(unknown.status).toBe(404);
  });
});
