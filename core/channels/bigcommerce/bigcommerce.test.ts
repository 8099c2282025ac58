import { describe, expect, it } from "vitest";
import created from "../../../test/fixtures/bigcommerce/store_order_created.json";
import statusUpdatedJsonc from "../../../test/fixtures/bigcommerce/store_order_statusUpdated.jsonc?raw";
import { connection, failure, request, unwrap } from "../testing";
import { bigcommerceAdapter as bc, bigcommerceOrderToCanonical } from "./index";

const TOKEN = "bc-hook-token-9f8e7d";
const conn = connection(TOKEN, "bc-store");

/** Drops `//` comments outside strings: the docs publish this callback as JSONC. */
const stripComments = (s: string) => s.replace(/("(?:\\.|[^"\\])*")|\/\/[^\n]*/g, (_m, str: string | undefined) => str ?? "");
const statusUpdated = stripComments(statusUpdatedJsonc);

async function deliver(body: string) {
  const req = request(body, { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" });
  const delivery = unwrap(await bc.verify(req, conn));
  return { delivery, result: bc.parse(req, conn, delivery) };
}

describe("bigcommerce webhooks", () => {
  it("maps store/order/created to an order reference", async () => {
    const { delivery, result } = await deliver(JSON.stringify(created));
    expect(delivery).toEqual({ deliveryId: "dd70c0976e06b67aaf671e73f49dcb79230ebf9d.1561479335", topic: "store/order/created" });
    expect(unwrap(result)).toEqual([{ kind: "order_reference", channel: "bc-store", externalId: "250", version: 1561479335000 }]);
  });

  it("maps store/order/statusUpdated (JSONC fixture) with the new status name", async () => {
    expect(JSON.parse(statusUpdated).data.status.new_status_id).toBe(11); // the comments really are gone
    const { delivery, result } = await deliver(statusUpdated);
    expect(delivery).toEqual({ deliveryId: "7ee67cd1cf2ca60bc1aa9e5fe957d2de373be4ca.1561479335", topic: "store/order/statusUpdated" });
    expect(unwrap(result)).toEqual([
      { kind: "order_reference", channel: "bc-store", externalId: "250", version: 1561479335000, status: "Awaiting Fulfillment" },
    ]);
    const cancelled = statusUpdated.replace('"new_status_id": 11', '"new_status_id": 5');
    expect(unwrap((await deliver(cancelled)).result)).toEqual([
      { kind: "cancellation", channel: "bc-store", externalId: "250", version: 1561479335000, reason: "Cancelled" },
    ]);
  });

  it("ignores scopes that book nothing", async () => {
    for (const scope of ["store/product/updated", "store/order/archived"]) {
      expect(unwrap((await deliver(JSON.stringify({ ...created, scope }))).result)).toEqual([
        { kind: "ignored", reason: `bigcommerce scope ${scope} is not mapped` },
      ]);
    }
  });

  it("rejects a missing, malformed or wrong bearer", async () => {
    const body = JSON.stringify(created);
    expect(failure(await bc.verify(request(body), conn))).toEqual({ reason: "missing_signature" });
    expect(failure(await bc.verify(request(body, { Authorization: `Basic ${TOKEN}` }), conn))).toEqual({ reason: "malformed_signature" });
    for (const t of [`${TOKEN}0`, TOKEN.slice(1), "x"]) {
      expect(failure(await bc.verify(request(body, { Authorization: `Bearer ${t}` }), conn))).toEqual({ reason: "bad_signature" });
    }
    expect(unwrap(await bc.verify(request(body, { Authorization: `bearer ${TOKEN}` }), conn)).topic).toBe("store/order/created");
  });

  it("reports invalid JSON and wrong types with their paths", async () => {
    expect(failure((await deliver(statusUpdatedJsonc)).result)).toEqual({ reason: "invalid_json" });
    const wrong = failure((await deliver(JSON.stringify({ ...created, created_at: "1561479335", data: { type: "order" } }))).result);
    expect(wrong.reason === "invalid_payload" && wrong.issues.map((i) => i.path).sort()).toEqual(["created_at", "data.id"]);
    const noStatus = JSON.stringify({ ...created, scope: "store/order/statusUpdated" });
    expect(failure((await deliver(noStatus)).result)).toEqual({
      reason: "invalid_payload",
      issues: [{ path: "data.status", message: "required for statusUpdated" }],
    });
  });
});

// V2 REST bodies in the documented shape (GET /v2/orders/{id}, /products, /shipping_addresses).
const v2Order = {
  id: 250,
  customer_id: 11,
  date_created: "Wed, 13 Mar 2019 16:30:00 +0000",
  date_modified: "Wed, 13 Mar 2019 16:35:37 +0000",
  status_id: 11,
  status: "Awaiting Fulfillment",
  subtotal_ex_tax: "45.0000",
  total_inc_tax: "53.6000",
  currency_code: "USD",
  customer_message: "Leave at the back door",
  billing_address: {
    first_name: "Jane", last_name: "Doe", company: "", street_1: "123 Main Street", street_2: "", city: "Austin",
    state: "Texas", zip: "78751", country: "United States", country_iso2: "US", phone: "", email: "jane@example.com",
  },
  products: { url: "https://api.bigcommerce.com/stores/abc/v2/orders/250/products", resource: "/orders/250/products" },
};
const v2Products = [
  { id: 194, order_id: 250, product_id: 184, variant_id: 421, name: "Coffee Mug", sku: "MUG-RED-S", quantity: 2, base_price: "20.0000", price_ex_tax: "20.0000", price_inc_tax: "21.6500" },
  { id: 195, order_id: 250, product_id: 0, variant_id: null, name: "Gift wrap", sku: "", quantity: 1, base_price: "5.0000", price_ex_tax: "5.0000", price_inc_tax: "5.4100" },
];
const v2Shipping = [
  {
    id: 131, order_id: 250, first_name: "Rusty", last_name: "Gates", company: "Example LLC", street_1: "123 Example ST", street_2: "Suite 4",
    city: "Austin", zip: "12345", country: "United States", country_iso2: "US", state: "Texas", email: "rusty.gates@example.com", phone: "5128675309",
  },
];

describe("bigcommerceOrderToCanonical", () => {
  it("maps the V2 order, products and shipping address", () => {
    expect(unwrap(bigcommerceOrderToCanonical(v2Order, v2Products, v2Shipping, "bc-store"))).toEqual({
      channel: "bc-store",
      externalId: "250",
      version: Date.UTC(2019, 2, 13, 16, 35, 37),
      customer: { id: "11", name: "Jane Doe", email: "jane@example.com" },
      shipTo: { name: "Rusty Gates", line1: "123 Example ST", line2: "Suite 4", city: "Austin", region: "Texas", postalCode: "12345", country: "US" },
      billTo: { name: "Jane Doe", line1: "123 Main Street", city: "Austin", region: "Texas", postalCode: "78751", country: "US" },
      currency: "USD",
      lines: [
        { sku: "MUG-RED-S", quantity: 2, unitPrice: "20.00", externalLineId: "194", name: "Coffee Mug" },
        { sku: "bc-line-195", quantity: 1, unitPrice: "5.00", externalLineId: "195", name: "Gift wrap" },
      ],
      placedAt: "2019-03-13T16:30:00.000Z",
      channelStatus: "Awaiting Fulfillment",
      notes: "Leave at the back door",
      total: "53.60",
    });
  });

  it("names guests by email, and reports bad input by the body it came from", () => {
    const guest = unwrap(bigcommerceOrderToCanonical({ ...v2Order, customer_id: 0 }, v2Products, [], "bc-store"));
    expect([guest.customer.id, guest.shipTo]).toEqual(["jane@example.com", undefined]);
    const f = failure(bigcommerceOrderToCanonical(v2Order, [{ ...v2Products[0], quantity: "2" }], v2Shipping, "bc-store"));
    expect(f.reason === "invalid_payload" && f.issues.map((i) => i.path)).toEqual(["products.0.quantity"]);
    const g = failure(bigcommerceOrderToCanonical({ ...v2Order, date_modified: "never" }, v2Products, v2Shipping, "bc-store"));
    expect(g.reason === "invalid_payload" && g.issues.map((i) => i.path)).toEqual(["order.date_modified"]);
    const h = failure(bigcommerceOrderToCanonical(v2Order, [], v2Shipping, "bc-store"));
    expect(h.reason === "invalid_payload" && h.issues.map((i) => i.path)).toEqual(["lines"]);
  });
});
