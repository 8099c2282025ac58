/**
 * Stock per SKU × Switchyard location from Tryton.
 *
 * - onHand: `product.product.quantity` with context `locations: [L], with_childs: true`
 *   (Tryton's on-hand today: done moves, the location and everything under it).
 * - committed: the quantity of planned moves (draft or assigned) leaving L's subtree. A
 *   confirmed sale plans its shipment's moves at once, so this is what confirmed sales (and
 *   outgoing transfers) have taken from the forecast. It equals Tryton's `quantity −
 *   forecast_quantity` when no receipt is planned, but a planned receipt does not cancel out
 *   a sale: incoming stock is not sellable until it is in (DESIGN "in_transit / incoming").
 *   Moves between two places under L (storage → output of one warehouse) are internal to L
 *   and not counted, so nothing is counted twice.
 * - Change feed: `stock.move` rows by their write/create time (feed.ts); every product a move
 *   touched is re-read at every mapped location. A null cursor first walks all products with
 *   a code (paged by id), then continues with moves from the moment the walk began.
 * - asOf is taken before the reads: a booking that lands in Tryton during the read is then
 *   counted by both sides (never by neither), the safe side for the watermark merge.
 */
import type { ConnectorDeps, ErpPage, ErpResult, ErpSettings, ErpStockRow } from "../types";
import type { TtlCache } from "./cache";
import { decodeCursor, encodeCursor, feedHead, feedPage, validFeedCursor, type FeedCursor } from "./feed";
import { productsBySku, skusByProductId } from "./items";
import { locationMap } from "./locations";
import { read, searchRead } from "./orm";
import type { TrytonRpc } from "./rpc";

const PRODUCTS_PAGE = 100;
const MOVES_PAGE = 200;
const CURSOR = "tryton-stock-1";

type StockCursor = { phase: "all"; after: number; mark: FeedCursor } | { phase: "moves"; feed: FeedCursor };
type StockPage = ErpPage<ErpStockRow> & { asOf: string };

async function rowsFor(rpc: TrytonRpc, cache: TtlCache, settings: ErpSettings, skuById: Map<number, string>): Promise<ErpResult<ErpStockRow[]>> {
  const ids = [...skuById.keys()];
  if (!ids.length) return { kind: "ok", value: [] };
  const map = await locationMap(rpc, cache, settings);
  if (map.kind !== "ok") return map;
  const rows: ErpStockRow[] = [];
  for (const { location, trytonId } of map.value.targets) {
    const q = await read(rpc, "product.product", ids, ["quantity"], { locations: [trytonId], with_childs: true });
    if (q.kind !== "ok") return q;
    const out = await searchRead(rpc, "stock.move", [
      ["product", "in", ids],
      ["state", "in", ["draft", "assigned"]],
      ["from_location", "child_of", [trytonId], "parent"],
      ["to_location", "not child_of", [trytonId], "parent"],
    ], ["product", "internal_quantity"]);
    if (out.kind !== "ok") return out;
    const committed = new Map<number, number>();
    for (const m of out.value) committed.set(Number(m.product), (committed.get(Number(m.product)) ?? 0) + Number(m.internal_quantity ?? 0));
    for (const r of q.value) {
      const sku = skuById.get(r.id);
      if (sku) rows.push({ sku, location, onHand: Number(r.quantity ?? 0), committed: committed.get(r.id) ?? 0 });
    }
  }
  return { kind: "ok", value: rows };
}

/**
 * With `skus`: those SKUs now (unknown SKUs have no rows). With a cursor: what changed since.
 * @example await stockByLocation(rpc, cache, deps, settings, { skus: ["SKU-1"] }) // rows per mapped location
 */
export async function stockByLocation(rpc: TrytonRpc, cache: TtlCache, deps: ConnectorDeps, settings: ErpSettings, q: { cursor: string | null } | { skus: string[] }): Promise<ErpResult<StockPage>> {
  const asOf = new Date(deps.now()).toISOString();
  if ("skus" in q) {
    const head = await feedHead(rpc, "stock.move", []);
    if (head.kind !== "ok") return head;
    const products = await productsBySku(rpc, cache, q.skus);
    if (products.kind !== "ok") return products;
    const rows = await rowsFor(rpc, cache, settings, new Map([...products.value.values()].map((p) => [p.id, p.sku])));
    if (rows.kind !== "ok") return rows;
    return { kind: "ok", value: { items: rows.value, cursor: encodeCursor(CURSOR, { phase: "moves", feed: head.value }), more: false, asOf } };
  }

  let cur: StockCursor | null;
  if (q.cursor === null) {
    const head = await feedHead(rpc, "stock.move", []);
    if (head.kind !== "ok") return head;
    cur = { phase: "all", after: 0, mark: head.value };
  } else {
    cur = decodeCursor<StockCursor>(CURSOR, q.cursor);
    const ok = cur && ((cur.phase === "all" && Number.isInteger(cur.after) && validFeedCursor(cur.mark)) || (cur.phase === "moves" && validFeedCursor(cur.feed)));
    if (!ok) return { kind: "config", reason: "stockByLocation was given a cursor this Tryton connector did not issue" };
  }
  cur = cur!;

  if (cur.phase === "all") {
    const page = await searchRead(rpc, "product.product", [["id", ">", cur.after], ["code", "!=", null]], ["code"], { limit: PRODUCTS_PAGE, order: [["id", "ASC"]] });
    if (page.kind !== "ok") return page;
    const rows = await rowsFor(rpc, cache, settings, new Map(page.value.map((p) => [p.id, String(p.code)])));
    if (rows.kind !== "ok") return rows;
    const full = page.value.length === PRODUCTS_PAGE;
    const next: StockCursor = full ? { phase: "all", after: page.value[page.value.length - 1]!.id, mark: cur.mark } : { phase: "moves", feed: cur.mark };
    return { kind: "ok", value: { items: rows.value, cursor: encodeCursor(CURSOR, next), more: full, asOf } };
  }

  const moves = await feedPage(rpc, "stock.move", [], ["product"], cur.feed, MOVES_PAGE);
  if (moves.kind !== "ok") return moves;
  const skus = await skusByProductId(rpc, moves.value.rows.map((m) => Number(m.product)));
  if (skus.kind !== "ok") return skus;
  const rows = await rowsFor(rpc, cache, settings, skus.value);
  if (rows.kind !== "ok") return rows;
  return { kind: "ok", value: { items: rows.value, cursor: encodeCursor(CURSOR, { phase: "moves", feed: moves.value.cursor }), more: moves.value.more, asOf } };
}
