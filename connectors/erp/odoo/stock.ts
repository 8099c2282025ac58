/**
 * Stock per warehouse from `stock.quant` (`quantity` on hand, `reserved_quantity` committed),
 * summed over each mapped warehouse's stock location and its children (`location_id child_of
 * lot_stock_id`). "Moved since" follows the quants' write_date (./keyset.ts): the products of
 * quants written after the cursor are read again in full, every mapped warehouse included, so a
 * warehouse that ran dry reports 0.
 */
import type { ConnectorDeps, ErpPage, ErpResult, ErpStockRow } from "../types";
import { config, failed, ok } from "../shared/result";
import { m2oId, searchRead, type MasterData, type Warehouse } from "./master-data";
import { advance, readCursor, since } from "./keyset";
import type { OdooTransport } from "./transport";

type StockPage = ErpPage<ErpStockRow> & { asOf: string };

export class Stock {
  constructor(
    private readonly t: OdooTransport,
    private readonly md: MasterData,
    private readonly deps: ConnectorDeps,
    private readonly pageSize: number,
  ) {}

  /** Rows for these products in every in-scope warehouse. */
  async #rows(productIds: Map<number, string>, scope: Warehouse[]): Promise<ErpResult<ErpStockRow[]>> {
    if (!productIds.size || !scope.length) return ok([]);
    const quants = await searchRead(this.t, "stock.quant", {
      domain: [["product_id", "in", [...productIds.keys()]], ["location_id", "child_of", scope.map((w) => w.lotStockId)]],
      fields: ["product_id", "warehouse_id", "quantity", "reserved_quantity"],
    });
    if (failed(quants)) return quants;
    const sums = new Map<string, { onHand: number; committed: number }>();
    for (const q of quants.value) {
      const key = `${m2oId(q.product_id)}|${m2oId(q.warehouse_id)}`;
      const s = sums.get(key) ?? { onHand: 0, committed: 0 };
      s.onHand += Number(q.quantity ?? 0);
      s.committed += Number(q.reserved_quantity ?? 0);
      sums.set(key, s);
    }
    const out: ErpStockRow[] = [];
    for (const [pid, sku] of productIds) {
      for (const w of scope) {
        const location = this.md.locationMap.toSwitchyard(w.code);
        if (location === null) continue;
        out.push({ sku, location, ...(sums.get(`${pid}|${w.id}`) ?? { onHand: 0, committed: 0 }) });
      }
    }
    return ok(out);
  }

  async bySkus(skus: readonly string[]): Promise<ErpResult<StockPage>> {
    const asOf = new Date(this.deps.now()).toISOString();
    const scope = await this.md.inScope();
    if (failed(scope)) return scope;
    const ids = await this.md.productIds(skus, false);
    if (failed(ids)) return ids;
    const rows = await this.#rows(new Map([...ids.value].map(([sku, id]) => [id, sku])), scope.value);
    if (failed(rows)) return rows;
    return ok({ items: rows.value, cursor: "", more: false, asOf });
  }

  async byCursor(cursor: string | null): Promise<ErpResult<StockPage>> {
    // Taken before the read: the rows are at least as new as this.
    const asOf = new Date(this.deps.now()).toISOString();
    const w = readCursor(cursor);
    if (w === undefined) return config("stock cursor is not one this connector wrote");
    const scope = await this.md.inScope();
    if (failed(scope)) return scope;
    const q = since("write_date", w, this.pageSize);
    const moved = await searchRead(this.t, "stock.quant", {
      domain: [["location_id", "child_of", scope.value.map((wh) => wh.lotStockId)], ...q.domain],
      fields: ["product_id", "quantity", "reserved_quantity", "write_date"],
      order: "write_date asc, id asc",
      limit: q.limit,
    });
    if (failed(moved)) return moved;
    const page = advance("write_date", w, moved.value);
    const productIds = [...new Set(page.fresh.map((r) => m2oId(r.product_id)).filter((id): id is number => id !== null))];
    const skus = await this.md.skus(productIds);
    if (failed(skus)) return skus;
    const rows = await this.#rows(skus.value, scope.value);
    if (failed(rows)) return rows;
    return ok({ items: rows.value, cursor: page.cursor, more: moved.value.length === q.limit, asOf });
  }
}
