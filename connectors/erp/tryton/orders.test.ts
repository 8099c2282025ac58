import { describe, expect, it } from "vitest";
import { connector, order, timeoutAfterProcessing, trytonAdmin, trytonSkipped } from "./testing";

type Sale = { id: number; state: string; party: number; invoice_address: number; shipment_address: number; currency: number; lines: number[]; shipments: number[]; shipment_state: string };

describe.skipIf(trytonSkipped)(`tryton connector: orders${trytonSkipped ? ` (skipped: ${trytonSkipped})` : ""}`, () => {
  it("books an order as a confirmed Tryton sale: party, lines, quantities, prices, addresses, reference", async () => {
    const erp = connector();
    const o = order({
      shipTo: { name: "Acme Receiving", line1: "77 Dock Lane", line2: "Gate 4", city: "Shelbyville", postalCode: "54321", country: "US" },
      lines: [
        { lineNo: 1, sku: "TRY-ORD-1", quantity: 3, unitPrice: "11.00" },
        { lineNo: 2, sku: "TRY-ORD-2", quantity: 10 }, // no price: Tryton's list price applies
      ],
    });
    const r = await erp.createOrder(o);
    expect(r).toMatchObject({ kind: "ok", value: { created: true, state: "processing" } });

    const t = await trytonAdmin();
    const sales = await t.salesByReference(o.orderId) as unknown as Sale[];
    expect(sales).toHaveLength(1);
    const sale = sales[0]!;
    expect(String(sale.id)).toBe(r.kind === "ok" && r.value.erpOrderId);
    expect(sale.state).toBe("processing");
    expect(sale.shipments).toHaveLength(1);
    const [party] = await t.call<{ code: string }[]>("model.party.party.read", [sale.party], ["code"]);
    expect(party!.code).toBe("TRY-C-ACME");
    const [usd] = await t.call<number[]>("model.currency.currency.search", [["code", "=", "USD"]], 0, 1, null);
    expect(sale.currency).toBe(usd);
    const [ship] = await t.call<Record<string, unknown>[]>("model.party.address.read", [sale.shipment_address], ["party", "name", "street", "city", "postal_code"]);
    expect(ship).toMatchObject({ party: sale.party, name: "Acme Receiving", street: "77 Dock Lane\nGate 4", city: "Shelbyville", postal_code: "54321" });
    const [invoice] = await t.call<Record<string, unknown>[]>("model.party.address.read", [sale.invoice_address], ["party", "street"]);
    expect(invoice).toMatchObject({ party: sale.party, street: "1 Main St" }); // the party's own (seeded) address
    const lines = await t.call<{ product: number; quantity: number; unit_price: string }[]>("model.sale.line.read", sale.lines, ["product", "quantity", "unit_price"]);
    const codes = await t.call<{ id: number; code: string }[]>("model.product.product.read", lines.map((l) => l.product), ["code"]);
    const byCode = Object.fromEntries(lines.map((l) => [codes.find((c) => c.id === l.product)!.code, l]));
    expect(byCode["TRY-ORD-1"]).toMatchObject({ quantity: 3 });
    expect(Number(byCode["TRY-ORD-1"]!.unit_price)).toBe(11);
    expect(byCode["TRY-ORD-2"]).toMatchObject({ quantity: 10 });
    expect(Number(byCode["TRY-ORD-2"]!.unit_price)).toBe(3);

    expect(await erp.getOrder({ orderId: o.orderId })).toMatchObject({ kind: "ok", value: { erpOrderId: String(sale.id), reference: o.orderId, state: "processing" } });
  });

  it("books an order once: a second createOrder returns the same sale", async () => {
    const erp = connector();
    const o = order();
    const first = await erp.createOrder(o);
    const second = await connector().createOrder(o); // another isolate: nothing cached
    expect(first).toMatchObject({ kind: "ok", value: { created: true } });
    expect(second).toMatchObject({ kind: "ok", value: { created: false, state: "processing" } });
    expect(second.kind === "ok" && first.kind === "ok" && second.value.erpOrderId).toBe(first.kind === "ok" && first.value.erpOrderId);
    expect(await (await trytonAdmin()).salesByReference(o.orderId)).toHaveLength(1);
  });

  it("two concurrent bookings of one order leave one sale (the newer draft deletes itself)", async () => {
    const o = order();
    const methods: string[] = [];
    const seen = (async (input: RequestInfo | URL, init?: RequestInit) => {
      methods.push((JSON.parse(String(init?.body)) as { method: string }).method);
      return fetch(input, init);
    }) as typeof fetch;
    // Separate connectors (two isolates): both look up, find nothing, and create.
    const [a, b] = await Promise.all([connector({}, seen).createOrder(o), connector({}, seen).createOrder(o)]);
    const creates = methods.filter((m) => m === "model.sale.sale.create").length;
    expect(methods.filter((m) => m === "model.sale.sale.delete").length).toBe(creates - 1);
    expect(a.kind).toBe("ok");
    expect(b.kind).toBe("ok");
    expect(a.kind === "ok" && b.kind === "ok" && a.value.erpOrderId === b.value.erpOrderId).toBe(true);
    const sales = await (await trytonAdmin()).salesByReference(o.orderId);
    expect(sales).toHaveLength(1);
    expect(sales[0]).toMatchObject({ state: "processing" });
  });

  it("a confirm that timed out after Tryton processed it, and the retry after it, leave exactly one sale", async () => {
    const flaky = timeoutAfterProcessing("model.sale.sale.confirm");
    const o = order();
    const r = await connector({}, flaky).createOrder(o);
    expect(flaky.fired()).toBe(true);
    // The connector re-read the state instead of trusting the timeout.
    expect(r).toMatchObject({ kind: "ok", value: { created: true, state: "processing" } });
    const retried = await connector().createOrder(o);
    expect(retried).toMatchObject({ kind: "ok", value: { created: false } });
    const sales = await (await trytonAdmin()).salesByReference(o.orderId);
    expect(sales).toHaveLength(1);
    expect(sales[0]).toMatchObject({ state: "processing" });
  });

  it("a create that timed out after Tryton committed it is found by reference, not created again", async () => {
    const flaky = timeoutAfterProcessing("model.sale.sale.create");
    const o = order();
    const r = await connector({}, flaky).createOrder(o);
    expect(flaky.fired()).toBe(true);
    expect(r).toMatchObject({ kind: "ok", value: { state: "processing" } });
    expect(await connector().createOrder(o)).toMatchObject({ kind: "ok", value: { created: false } });
    expect(await (await trytonAdmin()).salesByReference(o.orderId)).toHaveLength(1);
  });

  it("cancels a draft and a quoted sale; a processing sale is not_cancellable with Tryton's state, and stays as it was", async () => {
    const t = await trytonAdmin();
    const erp = connector();
    const party = await t.one("party.party", [["code", "=", "TRY-C-ACME"]]);
    const [address] = await t.call<number[]>("model.party.address.search", [["party", "=", party]], 0, 1, null);
    const product = await t.one("product.product", [["code", "=", "TRY-ORD-2"]]);
    const warehouse = await t.one("stock.location", [["code", "=", "WH"]]);
    const makeSale = async (reference: string) => (await t.call<number[]>("model.sale.sale.create", [{
      party, invoice_address: address, shipment_address: address, reference, warehouse,
      lines: [["create", [{ type: "line", product, quantity: 1, unit: 1, unit_price: t.decimal("3.00"), description: "Washer" }]]],
    }]))[0]!;

    const draft = order();
    const draftId = await makeSale(draft.orderId);
    expect(await erp.cancelOrder({ erpOrderId: String(draftId), orderId: draft.orderId })).toEqual({ kind: "ok", value: { state: "cancelled" } });

    const quoted = order();
    const quotedId = await makeSale(quoted.orderId);
    await t.call("model.sale.sale.quote", [quotedId]);
    expect(await erp.cancelOrder({ erpOrderId: String(quotedId), orderId: quoted.orderId })).toEqual({ kind: "ok", value: { state: "cancelled" } });
    const states = await t.call<{ id: number; state: string }[]>("model.sale.sale.read", [draftId, quotedId], ["state"]);
    expect(states.map((s) => s.state)).toEqual(["cancelled", "cancelled"]);
    // Cancelling again is harmless.
    expect(await erp.cancelOrder({ erpOrderId: String(quotedId), orderId: quoted.orderId })).toEqual({ kind: "ok", value: { state: "cancelled" } });

    const live = order();
    const booked = await erp.createOrder(live);
    if (booked.kind !== "ok") throw new Error(JSON.stringify(booked));
    const refused = await erp.cancelOrder({ erpOrderId: booked.value.erpOrderId, orderId: live.orderId });
    expect(refused).toMatchObject({ kind: "rejected", code: "not_cancellable" });
    expect(refused.kind === "rejected" && refused.reason).toMatch(/is processing \(shipment waiting, invoice waiting\)/);
    const [after] = await t.call<{ state: string }[]>("model.sale.sale.read", [Number(booked.value.erpOrderId)], ["state"]);
    expect(after!.state).toBe("processing");
  });

  it("a sale Tryton confirmed but could not process (no accounting on the product) reads confirmed, and cancels via draft", async () => {
    const t = await trytonAdmin();
    const sku = `TRY-NOACC-${crypto.randomUUID().slice(0, 6)}`;
    const [unit] = await t.call<number[]>("model.product.uom.search", [["symbol", "=", "u"]], 0, 1, null);
    await t.call("model.product.template.create", [{ name: "Unaccounted", code: sku, type: "goods", default_uom: unit, sale_uom: unit, salable: true, list_price: t.decimal("2"), products: [["create", [{}]]] }]);
    const erp = connector();
    const o = order({ lines: [{ lineNo: 1, sku, quantity: 1 }] });
    const r = await erp.createOrder(o);
    expect(r).toMatchObject({ kind: "ok", value: { created: true, state: "confirmed" } });
    if (r.kind !== "ok") return;
    expect(await erp.cancelOrder({ erpOrderId: r.value.erpOrderId, orderId: o.orderId })).toEqual({ kind: "ok", value: { state: "cancelled" } });
    const [sale] = await t.salesByReference(o.orderId);
    expect(sale).toMatchObject({ state: "cancelled" });
  });

  it("sale lines get the customer taxes Tryton's own on_change picks for the product", async () => {
    const t = await trytonAdmin();
    const [taxAccount] = await t.call<number[]>("model.account.account.search", [["name", "=", "Main Tax"]], 0, 1, null);
    const [revenue] = await t.call<number[]>("model.account.account.search", [["type.revenue", "=", true]], 0, 1, null);
    const [expense] = await t.call<number[]>("model.account.account.search", [["type.expense", "=", true]], 0, 1, null);
    const suffix = crypto.randomUUID().slice(0, 6);
    const [tax] = await t.call<number[]>("model.account.tax.create", [{ name: `VAT ${suffix}`, description: "VAT 10%", type: "percentage", rate: t.decimal("0.10"), invoice_account: taxAccount, credit_note_account: taxAccount }]);
    const [category] = await t.call<number[]>("model.product.category.create", [{ name: `Taxed ${suffix}`, accounting: true, account_revenue: revenue, account_expense: expense, customer_taxes: [["add", [tax]]] }]);
    const [unit] = await t.call<number[]>("model.product.uom.search", [["symbol", "=", "u"]], 0, 1, null);
    const sku = `TRY-TAX-${suffix}`;
    await t.call("model.product.template.create", [{ name: "Taxed part", code: sku, type: "goods", default_uom: unit, sale_uom: unit, salable: true, list_price: t.decimal("10"), account_category: category, products: [["create", [{}]]] }]);

    const o = order({ lines: [{ lineNo: 1, sku, quantity: 1, unitPrice: "10.00" }] });
    expect(await connector().createOrder(o)).toMatchObject({ kind: "ok", value: { state: "processing" } });
    const [sale] = await t.salesByReference(o.orderId) as { lines: number[] }[];
    const [line] = await t.call<{ taxes: number[] }[]>("model.sale.line.read", sale!.lines, ["taxes"]);
    expect(line!.taxes).toEqual([tax]);
    const [amounts] = await t.call<{ tax_amount: string; total_amount: string }[]>("model.sale.sale.read", [(sale as unknown as { id: number }).id], ["tax_amount", "total_amount"]);
    expect(Number(amounts!.tax_amount)).toBe(1);
    expect(Number(amounts!.total_amount)).toBe(11);
  });

  it("an unknown customer or SKU is a typed rejection and books nothing", async () => {
    const erp = connector();
    const t = await trytonAdmin();
    const stranger = order({ customer: { id: "TRY-C-NOBODY" } });
    expect(await erp.createOrder(stranger)).toMatchObject({ kind: "rejected", code: "unknown_customer" });
    const oddItem = order({ lines: [{ lineNo: 1, sku: "TRY-ORD-1", quantity: 1 }, { lineNo: 2, sku: "TRY-NO-SUCH-SKU", quantity: 1 }] });
    const r = await erp.createOrder(oddItem);
    expect(r).toMatchObject({ kind: "rejected", code: "unknown_item" });
    expect(r.kind === "rejected" && r.reason).toContain("TRY-NO-SUCH-SKU");
    expect(await t.salesByReference(stranger.orderId)).toHaveLength(0);
    expect(await t.salesByReference(oddItem.orderId)).toHaveLength(0);
  });

  it('with customers: "create", an unknown customer becomes a party with the order\'s address', async () => {
    const code = `TRY-C-NEW-${crypto.randomUUID().slice(0, 8)}`;
    const o = order({
      customer: { id: code, name: "Fresh Fixings Ltd", email: "buyer@fresh.example" },
      shipTo: { name: "Fresh Fixings Ltd", line1: "5 New Road", city: "Leeds", postalCode: "LS1 4AP", country: "GB" },
    });
    const r = await connector({ settings: { customers: "create" } }).createOrder(o);
    expect(r).toMatchObject({ kind: "ok", value: { created: true, state: "processing" } });
    const t = await trytonAdmin();
    const [party] = await t.call<{ id: number; name: string; addresses: number[] }[]>("model.party.party.search_read", [["code", "=", code]], 0, 1, null, ["name", "addresses"]);
    expect(party).toMatchObject({ name: "Fresh Fixings Ltd" });
    const [address] = await t.call<Record<string, unknown>[]>("model.party.address.read", party!.addresses, ["street", "city", "postal_code", "country.code"]);
    expect(address).toMatchObject({ street: "5 New Road", city: "Leeds", postal_code: "LS1 4AP" });
    const [sale] = await t.salesByReference(o.orderId);
    expect(sale).toMatchObject({ party: party!.id, shipment_address: party!.addresses[0] });
  });

  it("lists changed sales after a cursor, in order, and a new booking shows up on the next poll", async () => {
    const erp = connector();
    let cursor: string | null = null;
    for (let i = 0; i < 50; i++) {
      const page = await erp.ordersChangedSince(cursor);
      if (page.kind !== "ok") throw new Error(JSON.stringify(page));
      cursor = page.value.cursor;
      if (!page.value.more) break;
    }
    const o = order();
    const booked = await erp.createOrder(o);
    expect(booked.kind).toBe("ok");
    const next = await erp.ordersChangedSince(cursor);
    if (next.kind !== "ok") throw new Error(JSON.stringify(next));
    const ours = next.value.items.filter((s) => s.reference === o.orderId);
    expect(ours.at(-1)).toMatchObject({ state: "processing", erpOrderId: booked.kind === "ok" ? booked.value.erpOrderId : "" });
    // Nothing from before the cursor comes back.
    const again = await erp.ordersChangedSince(next.value.cursor);
    expect(again.kind === "ok" && again.value.items.filter((s) => s.reference === o.orderId)).toEqual([]);
  });
});
