import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { admin, call, createKey, stock, uid, waitForOrder } from "./helpers";

// BigCommerce's API is outside the system: a stub server on loopback answers for it.
const stubUrl = (env as unknown as { STUB_URL: string }).STUB_URL;
async function stubRoute(path: string, json: unknown, requireHeader = { name: "x-auth-token", value: "bc-token-123" }, method = "GET") {
  await fetch(`${stubUrl}/_stub/routes`, { method: "POST", body: JSON.stringify({ method, path, json, requireHeader }) });
}

describe("BigCommerce id-only hooks", () => {
  it("records the hook, then hydrates the order from the store's API before it becomes an order", async () => {
    const id = uid("bc");
    const base = `/bc/${id}/stores/abc`;
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "bigcommerce", secret: "bc-hook-secret", settings: { storeHash: "abc", apiBaseUrl: `${stubUrl}${base}`, apiToken: "bc-token-123" } });
    await stock("BC-SKU-1", 100);
    const orderNo = Math.floor(Math.random() * 1e9);
    await stubRoute(`${base}/v2/orders/${orderNo}`, {
      id: orderNo, customer_id: 11, date_created: "Tue, 24 Nov 2026 09:00:00 +0000", date_modified: "Tue, 24 Nov 2026 10:00:00 +0000", currency_code: "USD", status_id: 11,
      billing_address: { first_name: "Ada", last_name: "Buyer", email: "ada@example.test", street_1: "1 Main", city: "Austin", state: "Texas", zip: "78701", country_iso2: "US" },
    });
    await stubRoute(`${base}/v2/orders/${orderNo}/products`, [{ id: 7, product_id: 77, sku: "BC-SKU-1", name: "Widget", quantity: 3, price_ex_tax: "4.5000" }]);
    await stubRoute(`${base}/v2/orders/${orderNo}/shipping_addresses`, [{ id: 1, first_name: "Ada", last_name: "Buyer", street_1: "1 Main", city: "Austin", state: "Texas", zip: "78701", country_iso2: "US" }]);

    const hook = { scope: "store/order/created", store_id: "1025646", data: { type: "order", id: orderNo }, hash: uid("h"), created_at: Math.floor(Date.now() / 1000), producer: "stores/abc" };
    const res = await call(`/v1/webhooks/${id}`, { method: "POST", headers: { authorization: "Bearer bc-hook-secret" }, json: hook });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { status: string }).status).toBe("accepted");

    const key = await createKey();
    const found = await vi.waitFor(
      async () => {
        const r = await call(`/v1/orders?channel=${id}&externalId=${orderNo}`, { headers: { authorization: `Bearer ${key}` } });
        if (r.status !== 200) throw new Error("not hydrated yet");
        return (await r.json()) as { orderId: string; lines: unknown[]; timeline: { type: string }[] };
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(found.lines).toEqual([expect.objectContaining({ sku: "BC-SKU-1", quantity: 3, unitPrice: "4.50" })]);
    await waitForOrder(key, found.orderId, (o) => o.status === "erp_accepted");
  });
});

describe("Amazon ORDER_CHANGE", () => {
  async function amazonSetup(fulfillment: "MFN" | "AFN") {
    const id = uid("amz");
    const base = `/amz/${id}`;
    await admin(`/v1/admin/connections/${id}`, "PUT", {
      kind: "amazon",
      secret: "amazon-api-key-123",
      settings: { spApiBaseUrl: `${stubUrl}${base}`, lwaTokenUrl: `${stubUrl}${base}/auth/o2/token`, lwaClientId: "amzn1.application-oa2-client.x", lwaClientSecret: "lwa-secret", refreshToken: "Atzr|refresh" },
    });
    const orderId = `113-${Math.floor(Math.random() * 1e7)}-${Math.floor(Math.random() * 1e7)}`;
    await fetch(`${stubUrl}/_stub/routes`, { method: "POST", body: JSON.stringify({ method: "POST", path: `${base}/auth/o2/token`, json: { access_token: "Atza|access", expires_in: 3600 } }) });
    const auth = { name: "x-amz-access-token", value: "Atza|access" };
    await stubRoute(`${base}/orders/v0/orders/${orderId}`, {
      payload: {
        AmazonOrderId: orderId, PurchaseDate: "2026-11-25T10:00:00Z", LastUpdateDate: "2026-11-25T10:05:00Z", OrderStatus: "Unshipped", FulfillmentChannel: fulfillment,
        OrderTotal: { CurrencyCode: "USD", Amount: "59.97" },
        ShippingAddress: { City: "Austin", StateOrRegion: "TX", PostalCode: "78701", CountryCode: "US" },
        BuyerInfo: { BuyerEmail: "x1y2@marketplace.amazon.com" },
      },
    }, auth);
    await stubRoute(`${base}/orders/v0/orders/${orderId}/orderItems`, {
      payload: { AmazonOrderId: orderId, OrderItems: [{ OrderItemId: "OI-1", SellerSKU: "AMZ-SKU-1", ASIN: "B00TEST", Title: "Widget", QuantityOrdered: 3, ItemPrice: { CurrencyCode: "USD", Amount: "59.97" } }] },
    }, auth);
    const notification = {
      NotificationVersion: "1.0", NotificationType: "ORDER_CHANGE", PayloadVersion: "1.0", EventTime: "2026-11-25T10:05:00Z",
      Payload: { OrderChangeNotification: { NotificationLevel: "OrderLevel", SellerId: "A1", AmazonOrderId: orderId, OrderChangeType: "OrderStatusChange", Summary: { OrderStatus: "Unshipped", FulfillmentType: fulfillment } } },
      NotificationMetadata: { ApplicationId: "app", SubscriptionId: "sub", PublishTime: "2026-11-25T10:05:01Z", NotificationId: uid("n") },
    };
    const envelope = { version: "0", id: uid("eb"), "detail-type": "SP-API notification", source: "aws.partner/sellingpartnerapi.amazon.com", account: "1", time: "2026-11-25T10:05:01Z", region: "us-east-1", resources: [], detail: notification };
    const res = await call(`/v1/webhooks/${id}`, { method: "POST", headers: { "x-api-key": "amazon-api-key-123" }, json: envelope });
    expect(res.status).toBe(200);
    return { id, orderId };
  }

  it("fetches a merchant-fulfilled order from the SP-API (Login with Amazon token) and books it", async () => {
    await stock("AMZ-SKU-1", 50);
    const { id, orderId } = await amazonSetup("MFN");
    const key = await createKey();
    const found = await vi.waitFor(
      async () => {
        const r = await call(`/v1/orders?channel=${id}&externalId=${orderId}`, { headers: { authorization: `Bearer ${key}` } });
        if (r.status !== 200) throw new Error("not hydrated yet");
        return (await r.json()) as { orderId: string; lines: unknown[] };
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(found.lines).toEqual([expect.objectContaining({ sku: "AMZ-SKU-1", quantity: 3, unitPrice: "19.99", reserved: 3 })]);
    await waitForOrder(key, found.orderId, (o) => o.status === "erp_accepted");
  });

  it("reports an order Amazon fulfils itself (FBA) instead of reserving our stock for it", async () => {
    const { id, orderId } = await amazonSetup("AFN");
    const key = await createKey();
    const ex = await vi.waitFor(
      async () => {
        const r = (await (await call(`/v1/ops/exceptions?filter=${id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { items: { kind: string; reason: string }[] };
        if (!r.items.length) throw new Error("not yet");
        return r.items;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(ex[0]).toMatchObject({ kind: "hydration" });
    expect(ex[0]!.reason).toContain("fulfilled by Amazon");
    expect((await call(`/v1/orders?channel=${id}&externalId=${orderId}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
  });
});
