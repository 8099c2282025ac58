import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { admin, call, createKey, stock, uid, waitForOrder } from "./helpers";

// BigCommerce's API is outside the system: a stub server on loopback answers for it.
const stubUrl = (env as unknown as { STUB_URL: string }).STUB_URL;
async function stubRoute(path: string, json: unknown) {
  await fetch(`${stubUrl}/_stub/routes`, { method: "POST", body: JSON.stringify({ method: "GET", path, json, requireHeader: { name: "x-auth-token", value: "bc-token-123" } }) });
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
