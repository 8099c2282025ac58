import { describe, expect, it } from "vitest";
import { adapterFor, adapters } from "./index";
import { gidTail, parseJsonBody, sumDecimals, toDecimal } from "./payload";
import { connection, failure, request, unwrap } from "./testing";

describe("adapter registry", () => {
  it("has one adapter per webhook kind and none for x12", () => {
    expect(Object.keys(adapters).sort()).toEqual(["amazon", "bigcommerce", "shopify", "standard", "woocommerce"]);
    expect(adapterFor("shopify")).toBe(adapters.shopify);
    expect(adapterFor("x12")).toBeUndefined();
    expect(adapterFor("toString")).toBeUndefined();
  });

  it("every adapter refuses an unauthenticated JSON request before reading it", async () => {
    const body = JSON.stringify({ scope: "store/order/created", data: { id: 1 }, type: "order.created" });
    for (const [kind, adapter] of Object.entries(adapters)) {
      const r = await adapter.verify(request(body), connection("s3cret"));
      expect([kind, failure(r)]).toEqual([kind, { reason: "missing_signature" }]);
    }
  });
});

describe("payload helpers", () => {
  it("keeps integers beyond 2^53 exact and leaves safe numbers alone", () => {
    const v = unwrap(parseJsonBody(new TextEncoder().encode('{"id": 820982911946154508, "n": 42, "p": 1.5, "neg": -9007199254740993}')));
    expect(v).toEqual({ id: "820982911946154508", n: 42, p: 1.5, neg: "-9007199254740993" });
  });

  it("rejects invalid UTF-8 and non-JSON as invalid_json", () => {
    expect(failure(parseJsonBody(new Uint8Array([0x7b, 0xff, 0x7d])))).toEqual({ reason: "invalid_json" });
    expect(failure(parseJsonBody(new TextEncoder().encode("webhook_id=1")))).toEqual({ reason: "invalid_json" });
  });

  it("normalises amounts to decimal strings and sums them exactly", () => {
    expect([toDecimal("12.0000"), toDecimal(3), toDecimal(0.1 + 0.2), toDecimal("089.9"), toDecimal(null), toDecimal(Infinity)]).toEqual([
      "12.00", "3.00", "0.30", "89.90", undefined, undefined,
    ]);
    expect(sumDecimals(["75.00", "10.00", "0.1", "0.2"])).toBe("85.30");
    expect(sumDecimals(["-1.005", "0.005"])).toBe("-1.00");
  });

  it("reads GID tails", () => {
    expect(gidTail("gid://shopify/Order/820982911946154508")).toBe("820982911946154508");
    expect(gidTail("gid://shopify/InventoryLevel/24826418?inventory_item_id=1")).toBe("24826418");
    expect(gidTail("820982911946154508")).toBeUndefined();
  });
});
