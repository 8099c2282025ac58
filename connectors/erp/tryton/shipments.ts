/**
 * Customer shipments (`stock.shipment.out`) that are done, as Switchyard shipment facts.
 * - Feed: done shipments by write time (feed.ts; `done` is itself a write).
 * - Order: the outgoing moves' origin is the sale line (`sale.line,<id>`); its sale gives the
 *   ERP order id and our reference. A shipment grouping several sales reports the first.
 * - Location: where the goods were picked (the inventory moves' source, or the outgoing moves'
 *   when the warehouse ships straight from storage), mapped up the location tree to the nearest
 *   Switchyard location; shipments from unmapped locations are left out when a mapping is set.
 * - Lines: done outgoing moves per SKU, in the product's default unit.
 * - shippedAt: the time Tryton recorded the shipment done (its write_date). No carrier or
 *   tracking: the base modules have none.
 */
import type { ErpPage, ErpResult, ErpSettings, ErpShipment } from "../types";
import type { TtlCache } from "./cache";
import { isoMillis } from "./codec";
import { decodeCursor, encodeCursor, feedPage, START, validFeedCursor, type FeedCursor } from "./feed";
import { skusByProductId } from "./items";
import { locationMap } from "./locations";
import { read, type Row } from "./orm";
import type { TrytonRpc } from "./rpc";

const PAGE = 50;
const CURSOR = "tryton-shipments-1";

const saleLineId = (origin: unknown) => {
  const m = typeof origin === "string" ? /^sale\.line,(\d+)$/.exec(origin) : null;
  return m ? Number(m[1]) : null;
};

/** Done shipments after `cursor` (null: all of them), oldest first. */
export async function shipmentsSince(rpc: TrytonRpc, cache: TtlCache, settings: ErpSettings, cursor: string | null): Promise<ErpResult<ErpPage<ErpShipment>>> {
  const from = cursor === null ? START : decodeCursor<FeedCursor>(CURSOR, cursor);
  if (!validFeedCursor(from)) return { kind: "config", reason: "shipmentsSince was given a cursor this Tryton connector did not issue" };
  const page = await feedPage(rpc, "stock.shipment.out", [["state", "=", "done"]], ["number", "warehouse", "outgoing_moves", "inventory_moves"], from, PAGE, true);
  if (page.kind !== "ok") return page;
  const shipments = page.value.rows;
  const next = encodeCursor(CURSOR, page.value.cursor);
  if (!shipments.length) return { kind: "ok", value: { items: [], cursor: next, more: false } };

  const moveIds = shipments.flatMap((s) => [...(s.outgoing_moves as number[]), ...(s.inventory_moves as number[])]);
  const moves = await read(rpc, "stock.move", moveIds, ["product", "internal_quantity", "from_location", "origin", "state"]);
  if (moves.kind !== "ok") return moves;
  const moveById = new Map(moves.value.map((m) => [m.id, m]));
  const skus = await skusByProductId(rpc, moves.value.map((m) => Number(m.product)));
  if (skus.kind !== "ok") return skus;
  const lineIds = [...new Set(moves.value.map((m) => saleLineId(m.origin)).filter((x): x is number => x !== null))];
  const lines = await read(rpc, "sale.line", lineIds, ["sale"]);
  if (lines.kind !== "ok") return lines;
  const saleOfLine = new Map(lines.value.map((l) => [l.id, Number(l.sale)]));
  const sales = await read(rpc, "sale.sale", [...new Set(saleOfLine.values())], ["reference"]);
  if (sales.kind !== "ok") return sales;
  const referenceOf = new Map(sales.value.map((s) => [s.id, typeof s.reference === "string" && s.reference ? s.reference : null]));
  const map = await locationMap(rpc, cache, settings);
  if (map.kind !== "ok") return map;

  const items: ErpShipment[] = [];
  for (const s of shipments) {
    const outgoing = (s.outgoing_moves as number[]).map((id) => moveById.get(id)).filter((m): m is Row => !!m);
    const inventory = (s.inventory_moves as number[]).map((id) => moveById.get(id)).filter((m): m is Row => !!m);
    const pickedFrom = (inventory.length ? inventory : outgoing).map((m) => Number(m.from_location));
    const location = [...pickedFrom, Number(s.warehouse)].map((id) => map.value.switchyardFor(id)).find((x) => x) ?? null;
    if (!location) continue;
    const qty = new Map<string, number>();
    for (const m of outgoing) {
      const sku = skus.value.get(Number(m.product));
      if (m.state !== "done" || !sku) continue;
      qty.set(sku, (qty.get(sku) ?? 0) + Number(m.internal_quantity ?? 0));
    }
    const sale = outgoing.map((m) => saleOfLine.get(saleLineId(m.origin) ?? -1)).find((x) => x !== undefined) ?? null;
    items.push({
      shipmentId: `stock.shipment.out:${s.id}`,
      erpOrderId: sale === null ? "" : String(sale),
      reference: sale === null ? null : (referenceOf.get(sale) ?? null),
      location,
      lines: [...qty].map(([sku, quantity]) => ({ sku, quantity })),
      shippedAt: isoMillis(String(s.write_date)),
    });
  }
  return { kind: "ok", value: { items, cursor: next, more: page.value.more } };
}
