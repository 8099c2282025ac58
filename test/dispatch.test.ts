import { createExecutionContext, createMessageBatch, env, getQueueResult } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import dispatch from "../workers/dispatch/index";
import { orderObjectName } from "../core/keys";
import { admin, call, createKey, erpBookings, erpRule, getOrder, postOrder, sampleOrder, stock, stockedOrder, uid, waitForAvailable, waitForOrder } from "./helpers";

describe("ERP dispatch", () => {
  it("retries transient failures and records every attempt on the timeline", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    await erpRule({ match: body.externalId, status: 503, failTimes: 2 });
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    const o = await waitForOrder(key, orderId, (x) => x.status === "erp_accepted");
    const attempts = o.timeline.filter((t) => t.type === "erp_attempt").map((t) => [t.detail.attempt, t.detail.httpStatus]);
    expect(attempts).toEqual([[1, 503], [2, 503], [3, 201]]);
    expect((await erpBookings(body.externalId))[0]).toMatchObject({ attempts: 3, orderId });
  });

  it("turns a 422 into an exception carrying the ERP's reason, without retrying", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    await erpRule({ match: body.externalId, status: 422, rejectReason: "customer CUST-1 is on credit hold" });
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    const o = await waitForOrder(key, orderId, (x) => x.status === "exception");
    // The connector names the call before the ERP's own words: "POST /orders: customer CUST-1 is on credit hold".
    expect(o.exception).toEqual({ reason: "erp_rejected", detail: expect.stringMatching(/: customer CUST-1 is on credit hold$/) });
    expect((await erpBookings(body.externalId))[0]!.attempts).toBe(1);
    const ex = await call("/v1/ops/exceptions?filter=" + body.externalId, { headers: { authorization: `Bearer ${key}` } });
    expect(((await ex.json()) as { items: { orderId: string }[] }).items.map((i) => i.orderId)).toContain(orderId);
  });

  it("treats 409 from the ERP as already booked", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    await erpRule({ match: body.externalId, status: 409, failTimes: 1 });
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    const o = await waitForOrder(key, orderId, (x) => x.status === "erp_accepted");
    expect(o.dispatchState).toBe("confirmed");
  });

  it("dead-letters an order when the ERP stays down, and a replay books it exactly once", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    const maxAttempts = Number(env.ERP_MAX_ATTEMPTS);
    await erpRule({ match: body.externalId, status: 503, failTimes: maxAttempts });
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    const o = await waitForOrder(key, orderId, (x) => x.status === "exception", 40_000);
    expect(o.exception?.reason).toBe("dead_letter");
    expect(o.timeline.filter((t) => t.type === "erp_attempt")).toHaveLength(maxAttempts);

    const list = (await (await call(`/v1/ops/dead-letters?filter=${orderId}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { items: { id: string; orderId: string; reason: string }[] };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]!.reason).toContain("503");

    // The ERP is back (the rule is used up): replaying books the order, once.
    const replay = await admin(`/v1/ops/dead-letters/${list.items[0]!.id}/replay`, "POST");
    expect(replay.status).toBe(202);
    const done = await waitForOrder(key, orderId, (x) => x.status === "erp_accepted");
    expect(done.erpOrderId).toMatch(/^ERP-/);
    const bookings = await erpBookings(body.externalId);
    expect(bookings).toHaveLength(1);
    expect(bookings[0]!.erpOrderId).toBe(done.erpOrderId);
  });

  it("honours Retry-After and acks or retries each message on its own", async () => {
    const key = await createKey();
    const ok = await stockedOrder();
    const slow = await stockedOrder();
    await erpRule({ match: slow.externalId, status: 429, retryAfter: 120, failTimes: 100 });
    await erpRule({ match: ok.externalId, status: 503, failTimes: 100 }); // hold the live consumer off
    const a = (await (await postOrder(key, ok)).json()) as { orderId: string; orchestrationId: string };
    const b = (await (await postOrder(key, slow)).json()) as { orderId: string; orchestrationId: string };
    await erpRule({ match: "nothing-matches-this", status: 500 });
    const batch = createMessageBatch("switchyard-dispatch", [
      { id: "m-slow", timestamp: new Date(), attempts: 1, body: { kind: "erp.order", key: `${b.orderId}:0`, orderId: b.orderId, orchestrationId: b.orchestrationId, version: 0 } },
      { id: "m-bogus", timestamp: new Date(), attempts: 1, body: { kind: "erp.order", key: "x", orderId: "ord_missing", orchestrationId: "orc_x", version: 0 } },
    ]);
    const ctx = createExecutionContext();
    await dispatch.queue(batch as never, env, ctx);
    const result = await getQueueResult(batch, ctx);
    // The throttled order is retried; a message naming no order of ours is dropped (logged), not retried forever.
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m-slow"]);
    expect(result.explicitAcks).toEqual(["m-bogus"]);
    // The delay given to the retry is on the timeline: never sooner than the ERP's Retry-After.
    const o = await getOrder(key, b.orderId);
    const attempt429 = o.timeline.find((t) => t.type === "erp_attempt" && t.detail.httpStatus === 429)!;
    expect(attempt429.detail.retryInSeconds).toBeGreaterThanOrEqual(120);
    expect(a.orderId).not.toBe(b.orderId);
  });

  it("marks the holds of every order the ERP accepted in one batch, so the ERP's next snapshot counts each once", async () => {
    const key = await createKey();
    const channel = uid("batchmark");
    const sku = uid("SKU");
    await stock(sku, 10);
    const orders = [];
    for (let i = 1; i <= 3; i++) {
      const body = sampleOrder({ channel, lines: [{ sku, quantity: 2, unitPrice: "12.50" }] });
      // The order's queue message is dropped: this batch is its hand-off (its own watch re-sends only after 5 s).
      expect(await env.TRANSACTIONS.getByName(orderObjectName(channel, body.externalId)).injectFault("drop_enqueue", 1)).toBe(true);
      orders.push((await (await postOrder(key, body)).json()) as { orderId: string; orchestrationId: string; status: string });
    }
    expect(orders.map((o) => o.status)).toEqual(["reserved", "reserved", "reserved"]);
    const batch = createMessageBatch(
      "switchyard-dispatch",
      orders.map((o, i) => ({ id: `m-${i}`, timestamp: new Date(), attempts: 1, body: { kind: "erp.order", key: `${o.orderId}:0`, orderId: o.orderId, orchestrationId: o.orchestrationId, version: 0 } })),
    );
    const ctx = createExecutionContext();
    await dispatch.queue(batch as never, env, ctx);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages).toEqual([]);
    expect([...result.explicitAcks].sort()).toEqual(["m-0", "m-1", "m-2"]);
    for (const o of orders) {
      const d = await waitForOrder(key, o.orderId, (x) => x.status === "erp_accepted" && x.timeline.some((t) => t.type === "holds_seen_by_erp"));
      expect(d.timeline.filter((t) => t.type === "holds_seen_by_erp")).toHaveLength(1);
    }
    // The ERP's book now has the three orders' 6 units committed: 10 − 6 = 4 sellable. Had a mark
    // been lost, that order's 2 would be subtracted a second time.
    const snap = await admin("/v1/inventory/events", "POST", {
      events: [{ eventId: uid("snap"), source: "erp", type: "snapshot", sku, location: "DC1", asOf: new Date(Date.now() + 1000).toISOString(), quantities: { onHand: 10, committed: 6 } }],
    });
    expect(snap.status).toBe(202);
    await waitForAvailable(key, sku, channel, 4);
  });

  it("an order whose queue message was lost sends its hand-off again by itself, and is booked once", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    // The queue broker drops the message (what a local broker that dies with its process does).
    expect(await env.TRANSACTIONS.getByName(orderObjectName(body.channel, body.externalId)).injectFault("drop_enqueue", 1)).toBe(true);
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    // Nothing reached the ERP: no D1 row is consulted; the order's own watch (OUTBOX_SWEEP_AFTER_SECONDS) re-sends.
    expect(await erpBookings(body.externalId)).toHaveLength(0);
    const o = await waitForOrder(key, orderId, (x) => x.status === "erp_accepted", 30_000);
    expect(o.timeline.map((t) => t.type)).toContain("requeued");
    expect(await erpBookings(body.externalId)).toHaveLength(1);
  });
});
