// The order owns its saga (issue 9): effects and marks it owes are driven from its own object,
// retried until done, and every route reaches it from the order id alone.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { hmacSha256, toBase64 } from "../core/crypto";
import { admin, call, createKey, postOrder, stock, stockedOrder, uid, waitForAvailable, waitForOrder } from "./helpers";

describe("the order owns its saga", () => {
  it("a failed 'seen by the ERP' mark is retried until done, and availability converges", async () => {
    const key = await createKey();
    const channel = uid("mark");
    const body = await stockedOrder({ channel }, 10);
    const sku = (body.lines as { sku: string }[])[0]!.sku;
    // The SKU's object refuses the first mark: the order must try again by itself.
    expect(await env.INVENTORY.getByName(sku).injectFault("markSeenByErp", 1), "fault armed").toBe(true);
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    await waitForOrder(key, orderId, (o) => o.status === "erp_accepted");
    // The ERP now reports its own book: 10 on hand, the order's 2 committed.
    const snap = await call("/v1/inventory/events", {
      method: "POST",
      headers: { authorization: `Bearer ${key}` },
      json: { events: [{ eventId: uid("snap"), source: "erp", type: "snapshot", sku, location: "DC1", asOf: new Date(Date.now() + 1000).toISOString(), quantities: { onHand: 10, committed: 2 } }] },
    });
    expect(snap.status).toBe(202);
    // Had the mark been lost, the order's 2 would be subtracted twice (6). It converges on 8.
    await waitForAvailable(key, sku, channel, 8);
    // The first try failed; the order's own alarm made the second.
    await waitForOrder(key, orderId, (o) => o.timeline.some((t) => t.type === "holds_seen_by_erp"));
  });

  it("a shipment posted straight after a webhook's 200 reaches the order, fifty times in a row", async () => {
    const key = await createKey();
    const id = uid("shop");
    const secret = "shpss_saga_secret";
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "shopify", secret, settings: { channel: id } });
    const sku = uid("SKU");
    await stock(sku, 1000);
    const orderIds: string[] = [];
    for (let i = 0; i < 50; i++) {
      const n = 500_000_000 + Math.floor(Math.random() * 100_000_000);
      const body = JSON.stringify({
        id: n, admin_graphql_api_id: `gid://shopify/Order/${n}`, created_at: "2026-11-30T10:00:00Z", updated_at: "2026-11-30T10:00:00Z", currency: "EUR", cancelled_at: null,
        customer: { id: 1 }, shipping_address: { first_name: "A", last_name: "B", address1: "1 St", city: "Berlin", zip: "10115", country_code: "DE" }, line_items: [{ id: 1, sku, quantity: 1, price: "1.00" }],
      });
      const hook = await call(`/v1/webhooks/${id}`, { method: "POST", headers: { "x-shopify-hmac-sha256": toBase64(await hmacSha256(secret, body)), "x-shopify-topic": "orders/create" }, body });
      const { orderId } = (await hook.json()) as { orderId: string };
      // No wait of any kind: the webhook's D1 row may not exist yet; the order's object does.
      const ship = await call("/v1/shipments", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId: uid("ack"), orderId, source: "wms", type: "acknowledged", location: "DC1", lines: [] } });
      expect(ship.status).toBe(202);
      expect(["accepted", "deferred"]).toContain(((await ship.json()) as { outcome: string }).outcome);
      orderIds.push(orderId);
    }
    // Every one is applied: deferred ones as soon as the ERP's acceptance lands.
    for (const orderId of orderIds) await waitForOrder(key, orderId, (o) => o.status === "acknowledged" || o.status === "released", 30_000);
  });
});
