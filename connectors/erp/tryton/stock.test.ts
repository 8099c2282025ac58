import { describe, expect, it } from "vitest";
import type { ErpStockRow } from "../types";
import { connector, order, trytonAdmin, trytonSkipped } from "./testing";

const at = (rows: ErpStockRow[], sku: string, location: string) => rows.find((r) => r.sku === sku && r.location === location);

describe.skipIf(trytonSkipped)(`tryton connector: stock${trytonSkipped ? ` (skipped: ${trytonSkipped})` : ""}`, () => {
  it("reports on-hand per mapped Switchyard location, and stock received in Tryton shows up there", async () => {
    const erp = connector(); // DC1 → WH, DC2 → DC-EAST
    const before = await erp.stockByLocation({ skus: ["TRY-STK-1"] });
    if (before.kind !== "ok") throw new Error(JSON.stringify(before));
    expect(before.value.items).toHaveLength(2);
    const dc2 = at(before.value.items, "TRY-STK-1", "DC2")!.onHand;
    expect(at(before.value.items, "TRY-STK-1", "DC1")!.onHand).toBeGreaterThanOrEqual(20);

    await (await trytonAdmin()).receive("TRY-STK-1", "DC-EAST", 7);
    const after = await erp.stockByLocation({ skus: ["TRY-STK-1", "TRY-NOT-IN-TRYTON"] });
    if (after.kind !== "ok") throw new Error(JSON.stringify(after));
    expect(at(after.value.items, "TRY-STK-1", "DC2")).toMatchObject({ onHand: dc2 + 7, committed: 0 });
    expect(after.value.items.some((r) => r.sku === "TRY-NOT-IN-TRYTON")).toBe(false);
    expect(Date.parse(after.value.asOf)).toBeGreaterThan(Date.parse(before.value.asOf) - 1);
  });

  it("counts a location's children (a bin inside the warehouse) and leaves unmapped locations out", async () => {
    const onlyDc1 = connector({ settings: { locations: { DC1: "WH" } } });
    const r = await onlyDc1.stockByLocation({ skus: ["TRY-STK-2"] });
    if (r.kind !== "ok") throw new Error(JSON.stringify(r));
    expect(r.value.items.map((x) => x.location)).toEqual(["DC1"]);
    const bin = connector({ settings: { locations: { "DC1-BIN-A": "WH-BIN-A" } } });
    const b = await bin.stockByLocation({ skus: ["TRY-STK-2"] });
    expect(b).toMatchObject({ kind: "ok", value: { items: [{ sku: "TRY-STK-2", location: "DC1-BIN-A", onHand: 4, committed: 0 }] } });
    // The warehouse figure includes the 4 in the bin below its storage zone.
    expect(at(r.value.items, "TRY-STK-2", "DC1")!.onHand).toBeGreaterThanOrEqual(34);
  });

  it("committed is what confirmed sales have taken: on-hand unchanged until shipped", async () => {
    const erp = connector();
    const before = await erp.stockByLocation({ skus: ["TRY-STK-2"] });
    if (before.kind !== "ok") throw new Error(JSON.stringify(before));
    const dc1 = at(before.value.items, "TRY-STK-2", "DC1")!;
    // The same stock seen through the warehouse's storage zone instead of the warehouse.
    const zone = connector({ settings: { locations: { "DC1-STO": "STO" } } });
    const zoneBefore = await zone.stockByLocation({ skus: ["TRY-STK-2"] });
    const sto = zoneBefore.kind === "ok" ? zoneBefore.value.items[0]! : undefined;
    const booked = await erp.createOrder(order({ lines: [{ lineNo: 1, sku: "TRY-STK-2", quantity: 3, location: "DC1" }] }));
    expect(booked).toMatchObject({ kind: "ok", value: { state: "processing" } });
    const after = await erp.stockByLocation({ skus: ["TRY-STK-2"] });
    if (after.kind !== "ok") throw new Error(JSON.stringify(after));
    expect(at(after.value.items, "TRY-STK-2", "DC1")).toEqual({ ...dc1, committed: dc1.committed + 3 });
    expect(at(after.value.items, "TRY-STK-2", "DC2")).toMatchObject({ committed: 0 });
    // Counted once there too: the picking move leaves the zone, the outgoing move does not.
    expect(await zone.stockByLocation({ skus: ["TRY-STK-2"] })).toMatchObject({ kind: "ok", value: { items: [{ ...sto, committed: sto!.committed + 3 }] } });
  });

  it("a cursor walks every product once, then follows stock moves: a receipt after it is reported on the next poll", async () => {
    const erp = connector();
    let cursor: string | null = null;
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const page = await erp.stockByLocation({ cursor });
      if (page.kind !== "ok") throw new Error(JSON.stringify(page));
      for (const r of page.value.items) seen.add(r.sku);
      cursor = page.value.cursor;
      if (!page.value.more) break;
    }
    for (const sku of ["TRY-ORD-1", "TRY-STK-1", "TRY-STK-2", "TRY-SHP-1"]) expect(seen.has(sku)).toBe(true);

    // Drain the moves other tests made meanwhile, then receive: the next poll carries the new level.
    for (let i = 0; i < 50; i++) {
      const page = await erp.stockByLocation({ cursor });
      if (page.kind !== "ok") throw new Error(JSON.stringify(page));
      cursor = page.value.cursor;
      if (!page.value.items.length) break;
    }
    const now = await erp.stockByLocation({ skus: ["TRY-STK-1"] });
    const dc1 = now.kind === "ok" ? at(now.value.items, "TRY-STK-1", "DC1")!.onHand : NaN;
    await (await trytonAdmin()).receive("TRY-STK-1", "WH", 11);
    const next = await erp.stockByLocation({ cursor });
    if (next.kind !== "ok") throw new Error(JSON.stringify(next));
    expect(at(next.value.items, "TRY-STK-1", "DC1")).toMatchObject({ onHand: dc1 + 11 });
    expect(at(next.value.items, "TRY-STK-1", "DC2")).toBeDefined();
  });
});
