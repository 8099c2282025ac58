/**
 * Tryton's products as Switchyard master data, for the pollers (`productsChangedSince`): where
 * Tryton owns the catalogue, a product made, renamed, made unsalable or archived there reaches
 * Switchyard's product records on the next poll.
 *
 * The feed runs over `product.template` (it holds the name, `salable` and `active`; a variant's
 * `product.product` row is not written when its template changes) and answers one item per
 * variant code. Status: an archived template or variant is `discontinued`, a template that is not
 * salable is `blocked`, anything else `active`. Version: the template's write (or create) time in
 * microseconds, so a later change in Tryton always wins. Units are not fed: Tryton's units of
 * measure are categories of conversion, not the per-product case/pallet counts Switchyard keeps.
 */
import type { ErpPage, ErpProduct, ErpResult } from "../types";
import { fromIsoMicro } from "./codec";
import { decodeCursor, encodeCursor, feedPage, START, validFeedCursor, type FeedCursor } from "./feed";
import { searchRead, type Row } from "./orm";
import type { TrytonRpc } from "./rpc";

const PAGE = 100;
const CURSOR = "tryton-products-1";
// Archived records too: Tryton adds `active = True` inside every nested OR of a domain (the
// feed's cursor clause is one) unless the context turns the active test off.
const ALL = { active_test: false };

const truthy = (v: unknown) => v === true || v === 1;

/** Microseconds since the epoch of an `isoMicro` string (below 2^53 until the year 2255); 0 when it is not one. */
function micros(iso: string): number {
  const d = fromIsoMicro(iso);
  return d ? Date.UTC(d.year, d.month - 1, d.day, d.hour, d.minute, d.second) * 1000 + d.microsecond : 0;
}

export async function productsChangedSince(rpc: TrytonRpc, cursor: string | null): Promise<ErpResult<ErpPage<ErpProduct>>> {
  const from = cursor === null ? START : decodeCursor<FeedCursor>(CURSOR, cursor);
  if (!validFeedCursor(from)) return { kind: "config", reason: "productsChangedSince was given a cursor this Tryton connector did not issue" };
  const page = await feedPage(rpc, "product.template", [], ["rec_name", "active", "salable"], from, PAGE, false, ALL);
  if (page.kind !== "ok") return page;
  const templates = page.value.rows;
  // By template, not through `products`: that one2many leaves archived variants out.
  const ids = templates.map((t) => t.id);
  const variants = new Map<number, Row[]>();
  if (ids.length) {
    const r = await searchRead(rpc, "product.product", [["template", "in", ids]], ["code", "active", "template"], { context: ALL });
    if (r.kind !== "ok") return r;
    for (const v of r.value) {
      const t = Number(v.template);
      variants.set(t, [...(variants.get(t) ?? []), v]);
    }
  }
  const items: ErpProduct[] = [];
  for (const t of templates) {
    const at = String(t.write_date ?? t.create_date ?? "");
    for (const v of variants.get(t.id) ?? []) {
      if (!v.code) continue;
      const status = !truthy(t.active) || !truthy(v.active) ? "discontinued" : !truthy(t.salable) ? "blocked" : "active";
      items.push({ sku: String(v.code), status, name: String(t.rec_name ?? v.code), version: micros(at) });
    }
  }
  return { kind: "ok", value: { items, cursor: encodeCursor(CURSOR, page.value.cursor), more: page.value.more } };
}
