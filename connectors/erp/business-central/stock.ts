/**
 * Stock from BC. Standard API v2.0 has no per-location quantity: `items.inventory` is the total
 * over all locations and `itemLedgerEntries` carry no location. So, honestly:
 * - without `settings.stockEndpoint`, each item's total is reported under one Switchyard
 *   location (`settings.totalsLocation`, or the only mapped one), committed 0;
 * - with it (a custom API page over Item Ledger Entry grouped by location, rows `{ itemNumber,
 *   locationCode, inventory, reservedQuantity? }`, see ./README.md), one row per mapped location.
 * "Moved since" follows item ledger entry numbers, which only grow: the SKUs of entries after
 * the cursor are read again.
 */
import type { ConnectorDeps, ErpConnectionConfig, ErpPage, ErpResult, ErpStockRow } from "../types";
import { decodeCursor, encodeCursor } from "../shared/cursor";
import { str } from "../shared/http";
import { config, failed, ok } from "../shared/result";
import { anyOf, type BcClient, type Row } from "./client";
import { chunks, type MasterData } from "./master-data";

type StockPage = ErpPage<ErpStockRow> & { asOf: string };
/** `e`: last ledger entry seen. While the first full listing is paged: `mark` (the entry number when it began) and `next`. */
type StockCursor = { e: number } | { mark: number; next: string };
const isCursor = (v: unknown): v is StockCursor => !!v && typeof v === "object" && (typeof (v as { e?: unknown }).e === "number" || typeof (v as { mark?: unknown }).mark === "number");

export class Stock {
  readonly #endpoint: string | null;

  constructor(
    private readonly bc: BcClient,
    private readonly md: MasterData,
    cfg: ErpConnectionConfig,
    private readonly deps: ConnectorDeps,
    private readonly pageSize: number,
  ) {
    const ep = str(cfg.settings.stockEndpoint);
    this.#endpoint = ep ? (/^https?:\/\//.test(ep) ? ep : bc.envRoot + ep.replace(/^\/+/, "")).replace("{companyId}", String(cfg.settings.companyId ?? "")) : null;
  }

  #rows(rows: Row[], asked?: readonly string[]): ErpResult<ErpStockRow[]> {
    const back = new Map((asked ?? []).map((s) => [s.toUpperCase(), s]));
    const sku = (n: string) => back.get(n.toUpperCase()) ?? n;
    if (this.#endpoint) {
      const out: ErpStockRow[] = [];
      for (const r of rows) {
        const location = this.md.locationMap.toSwitchyard(str(r.locationCode) ?? "");
        if (location === null || !str(r.itemNumber)) continue;
        out.push({ sku: sku(str(r.itemNumber) as string), location, onHand: Number(r.inventory ?? 0), committed: Number(r.reservedQuantity ?? 0) });
      }
      return ok(out);
    }
    const location = this.md.totalsLocation();
    if (!location) return config("BC API v2.0 reports stock for all locations only: set settings.totalsLocation (the Switchyard location to report it under) or settings.stockEndpoint (a per-location stock API page)");
    return ok(rows.filter((r) => str(r.number)).map((r) => ({ sku: sku(str(r.number) as string), location, onHand: Number(r.inventory ?? 0), committed: 0 })));
  }

  /** The source rows for these SKUs: item totals, or the per-location page. */
  async #forSkus(skus: readonly string[]): Promise<ErpResult<Row[]>> {
    const out: Row[] = [];
    for (const part of chunks([...new Set(skus.map((s) => s.toUpperCase()))])) {
      const path = this.#endpoint
        ? `${this.#endpoint}?$filter=${encodeURIComponent(anyOf("itemNumber", part))}`
        : `items?$filter=${encodeURIComponent(anyOf("number", part))}&$select=number,inventory`;
      const r = await this.bc.list(path, this.#endpoint ? "GET stock endpoint" : "GET items");
      if (failed(r)) return r;
      out.push(...r.value.rows);
    }
    return ok(out);
  }

  async bySkus(skus: readonly string[]): Promise<ErpResult<StockPage>> {
    const asOf = new Date(this.deps.now()).toISOString();
    const rows = await this.#forSkus(skus);
    if (failed(rows)) return rows;
    const items = this.#rows(rows.value, skus);
    if (failed(items)) return items;
    // A point read: its cursor is not a place to resume "moved since" from.
    return ok({ items: items.value, cursor: "", more: false, asOf });
  }

  async #lastEntry(): Promise<ErpResult<number>> {
    const r = await this.bc.list("itemLedgerEntries?$orderby=entryNumber desc&$top=1&$select=entryNumber", "GET itemLedgerEntries");
    if (failed(r)) return r;
    return ok(Number(r.value.rows[0]?.entryNumber ?? 0));
  }

  async byCursor(cursor: string | null): Promise<ErpResult<StockPage>> {
    // Taken before anything is read: rows may only be newer than this, never older.
    const asOf = new Date(this.deps.now()).toISOString();
    const c: StockCursor | null = cursor ? decodeCursor(cursor, isCursor) : null;
    if (cursor && !c) return config("stock cursor is not one this connector wrote");
    if (c && "e" in c) return this.#movedSince(c.e, asOf);

    // Everything, paged; the ledger mark is taken first so moves during the listing come again.
    let mark: number;
    if (c) mark = c.mark;
    else {
      const m = await this.#lastEntry();
      if (failed(m)) return m;
      mark = m.value;
    }
    const path = c?.next ?? (this.#endpoint ? this.#endpoint : "items?$select=number,inventory&$orderby=number");
    const r = await this.bc.list(path, "GET stock", this.pageSize);
    if (failed(r)) return r;
    const items = this.#rows(r.value.rows);
    if (failed(items)) return items;
    const next = r.value.next;
    return ok({ items: items.value, cursor: encodeCursor(next ? { mark, next } : { e: mark }), more: next !== null, asOf });
  }

  async #movedSince(after: number, asOf: string): Promise<ErpResult<StockPage>> {
    const r = await this.bc.list(`itemLedgerEntries?$filter=${encodeURIComponent(`entryNumber gt ${after}`)}&$orderby=entryNumber asc&$select=entryNumber,itemNumber`, "GET itemLedgerEntries", this.pageSize);
    if (failed(r)) return r;
    const entries = r.value.rows;
    if (!entries.length) return ok({ items: [], cursor: encodeCursor({ e: after }), more: false, asOf });
    const skus = [...new Set(entries.map((e) => str(e.itemNumber)).filter((s): s is string => !!s))];
    const rows = await this.#forSkus(skus);
    if (failed(rows)) return rows;
    const items = this.#rows(rows.value);
    if (failed(items)) return items;
    const last = Math.max(...entries.map((e) => Number(e.entryNumber ?? after)));
    return ok({ items: items.value, cursor: encodeCursor({ e: last }), more: r.value.next !== null, asOf });
  }
}
