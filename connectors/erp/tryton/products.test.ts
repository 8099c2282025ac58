import { describe, expect, it } from "vitest";
import type { ErpConnector } from "../types";
import { connector, drainFeed, trytonAdmin, trytonSkipped } from "./testing";

const drain = (erp: ErpConnector, cursor: string | null) => drainFeed((c) => erp.productsChangedSince!(c), cursor);

describe.skipIf(trytonSkipped)(`tryton connector: products${trytonSkipped ? ` (skipped: ${trytonSkipped})` : ""}`, () => {
  it("feeds Tryton's products as master data: made, made unsalable, archived, each once after the cursor", async () => {
    const erp = connector();
    const start = await drain(erp, null);
    expect(start.items).toContainEqual(expect.objectContaining({ sku: "TRY-ORD-1", status: "active", name: expect.stringContaining("Hex bolt M8") }));

    const t = await trytonAdmin();
    const sku = `TRY-PRD-${crypto.randomUUID().slice(0, 6)}`;
    const [unit] = await t.call<number[]>("model.product.uom.search", [["symbol", "=", "u"]], 0, 1, null);
    const [template] = await t.call<number[]>("model.product.template.create", [{ name: "Hinge 40 mm", code: sku, type: "goods", default_uom: unit, sale_uom: unit, salable: true, list_price: t.decimal("3"), products: [["create", [{}]]] }]);
    const made = await drain(erp, start.cursor);
    const first = made.items.filter((p) => p.sku === sku);
    expect(first).toEqual([{ sku, status: "active", name: expect.stringContaining("Hinge 40 mm"), version: expect.any(Number) }]);
    expect((await drain(erp, made.cursor)).items.filter((p) => p.sku === sku)).toEqual([]);

    await t.call("model.product.template.write", [template], { salable: false });
    const blocked = await drain(erp, made.cursor);
    const second = blocked.items.filter((p) => p.sku === sku);
    expect(second).toEqual([expect.objectContaining({ sku, status: "blocked" })]);
    expect(second[0]!.version).toBeGreaterThan(first[0]!.version);

    // Tryton archives a template's variants with it (its domain wants them alike).
    const variants = await t.call<number[]>("model.product.product.search", [["template", "=", template]], 0, null, null);
    await t.call("model.product.product.write", variants, { active: false });
    await t.call("model.product.template.write", [template], { active: false });
    const archived = (await drain(erp, blocked.cursor)).items.filter((p) => p.sku === sku);
    expect(archived).toEqual([expect.objectContaining({ sku, status: "discontinued" })]);
    expect(await erp.productsChangedSince!("not-a-cursor")).toMatchObject({ kind: "config" });
  });
});
