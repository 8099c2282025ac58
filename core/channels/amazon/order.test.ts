import { describe, expect, it } from "vitest";
import { amazonOrderToCanonical, isFulfilledByAmazon } from "./order";

const order = (over: Record<string, unknown> = {}) => ({
  AmazonOrderId: "113-1234567-7654321",
  PurchaseDate: "2026-11-25T10:00:00Z",
  LastUpdateDate: "2026-11-25T10:05:00Z",
  OrderStatus: "Unshipped",
  FulfillmentChannel: "MFN",
  OrderTotal: { CurrencyCode: "EUR", Amount: "30.00" },
  ...over,
});
const items = [
  { OrderItemId: "1", SellerSKU: "SKU-A", QuantityOrdered: 2, ItemPrice: { CurrencyCode: "EUR", Amount: "20.00" } },
  { OrderItemId: "2", SellerSKU: null, ASIN: "B0X", QuantityOrdered: 1, ItemPrice: { CurrencyCode: "EUR", Amount: "10.00" } },
  { OrderItemId: "3", SellerSKU: "GONE", QuantityOrdered: 0 },
];

describe("SP-API order → canonical", () => {
  it("derives unit prices from line prices, falls back to the ASIN, drops cancelled lines", () => {
    const r = amazonOrderToCanonical(order(), items, "amazon-de");
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value).toMatchObject({ channel: "amazon-de", externalId: "113-1234567-7654321", currency: "EUR", total: "30.00", channelStatus: "Unshipped", version: Date.parse("2026-11-25T10:05:00Z") });
    expect(r.value.lines).toEqual([
      { sku: "SKU-A", quantity: 2, unitPrice: "10.00", externalLineId: "1" },
      { sku: "amazon-asin-B0X", quantity: 1, unitPrice: "10.00", externalLineId: "2" },
    ]);
    expect(r.value.customer.id).toBe("amazon:113-1234567-7654321");
  });

  it("keeps a full address and leaves out a partial one (no restricted-data token)", () => {
    const full = amazonOrderToCanonical(order({ ShippingAddress: { Name: "Ada", AddressLine1: "1 Main", City: "Berlin", PostalCode: "10115", CountryCode: "DE" } }), items, "c");
    expect(full.ok && full.value.shipTo).toEqual({ name: "Ada", line1: "1 Main", city: "Berlin", postalCode: "10115", country: "DE" });
    const partial = amazonOrderToCanonical(order({ ShippingAddress: { City: "Berlin", PostalCode: "10115", CountryCode: "DE" } }), items, "c");
    expect(partial.ok && partial.value.shipTo).toBeUndefined();
  });

  it("names the field at fault, and tells FBA orders apart", () => {
    const bad = amazonOrderToCanonical(order({ LastUpdateDate: undefined }), items, "c");
    expect(!bad.ok && bad.error.reason === "invalid_payload" && bad.error.issues[0]!.path).toBe("order.LastUpdateDate");
    expect(isFulfilledByAmazon(order({ FulfillmentChannel: "AFN" }))).toBe(true);
    expect(isFulfilledByAmazon(order())).toBe(false);
  });
});
