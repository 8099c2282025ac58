/**
 * Done outgoing deliveries (`stock.picking`, `picking_type_code = outgoing`, `state = done`)
 * since a cursor over date_done (./keyset.ts), with their moves, matched to the sale order through
 * `sale_id` (or `origin`, the order's name). The location is the picking type's warehouse.
 * Carrier and tracking exist only with the Delivery app (`settings.delivery: true`).
 */
import type { ErpPage, ErpResult, ErpShipment } from "../types";
import { config, failed, ok } from "../shared/result";
import { m2oId, searchRead, type MasterData, type Row } from "./master-data";
import { advance, readCursor, since } from "./keyset";
import { fromOdooTime } from "./orders";
import { settle, type OdooTransport } from "./transport";

export class Shipments {
  constructor(
    private readonly t: OdooTransport,
    private readonly md: MasterData,
    private readonly pageSize: number,
    private readonly opts: { delivery: boolean; version: number },
  ) {}

  async since(cursor: string | null): Promise<ErpResult<ErpPage<ErpShipment>>> {
    const w = readCursor(cursor);
    if (w === undefined) return config("shipment cursor is not one this connector wrote");
    const fields = ["id", "name", "sale_id", "origin", "picking_type_id", "date_done", ...(this.opts.delivery ? ["carrier_id", "carrier_tracking_ref"] : [])];
    const q = since("date_done", w, this.pageSize);
    const found = await searchRead(this.t, "stock.picking", {
      domain: [["picking_type_code", "=", "outgoing"], ["state", "=", "done"], ...q.domain],
      fields,
      order: "date_done asc, id asc",
      limit: q.limit,
    });
    if (failed(found)) return found;
    const { fresh: picks, cursor: next } = advance("date_done", w, found.value);
    const page = { cursor: next, more: found.value.length === q.limit };
    if (!picks.length) return ok({ items: [], ...page });

    // Odoo 17 renamed stock.move's done quantity from quantity_done to quantity.
    const qtyField = this.opts.version >= 17 ? "quantity" : "quantity_done";
    const moves = await searchRead(this.t, "stock.move", { domain: [["picking_id", "in", picks.map((p) => p.id)]], fields: ["picking_id", "product_id", qtyField] });
    if (failed(moves)) return moves;
    const skus = await this.md.skus(moves.value.map((m) => m2oId(m.product_id)).filter((x): x is number => x !== null));
    if (failed(skus)) return skus;
    const refs = await this.#references(picks);
    if (failed(refs)) return refs;
    const locations = await this.#locations(picks);
    if (failed(locations)) return locations;

    const items = picks.map((p): ErpShipment => {
      const sale = refs.value.get(Number(p.id));
      const carrier = Array.isArray(p.carrier_id) ? String(p.carrier_id[1]) : undefined;
      return {
        shipmentId: String(p.id),
        erpOrderId: sale ? String(sale.id) : "",
        reference: sale?.ref ?? null,
        location: locations.value.get(Number(p.id)) ?? "",
        lines: moves.value.filter((m) => m2oId(m.picking_id) === p.id).map((m) => ({ sku: skus.value.get(m2oId(m.product_id) ?? -1) ?? "", quantity: Number(m[qtyField] ?? 0) })),
        ...(carrier ? { carrier } : {}),
        ...(typeof p.carrier_tracking_ref === "string" && p.carrier_tracking_ref ? { tracking: p.carrier_tracking_ref } : {}),
        shippedAt: fromOdooTime(p.date_done),
      };
    });
    return ok({ items, ...page });
  }

  /** picking id → its sale order (id and client_order_ref), by sale_id or else origin. */
  async #references(picks: Row[]): Promise<ErpResult<Map<number, { id: number; ref: string | null }>>> {
    const saleIds = [...new Set(picks.map((p) => m2oId(p.sale_id)).filter((x): x is number => x !== null))];
    const origins = [...new Set(picks.filter((p) => !m2oId(p.sale_id) && typeof p.origin === "string").map((p) => p.origin as string))];
    const domain = origins.length ? ["|", ["id", "in", saleIds], ["name", "in", origins]] : [["id", "in", saleIds]];
    const sales = await searchRead(this.t, "sale.order", { domain, fields: ["id", "name", "client_order_ref"] });
    if (failed(sales)) return sales;
    const out = new Map<number, { id: number; ref: string | null }>();
    for (const p of picks) {
      const s = sales.value.find((x) => x.id === m2oId(p.sale_id) || (!m2oId(p.sale_id) && x.name === p.origin));
      if (s) out.set(Number(p.id), { id: Number(s.id), ref: typeof s.client_order_ref === "string" && s.client_order_ref ? s.client_order_ref : null });
    }
    return ok(out);
  }

  /** picking id → Switchyard location, through the picking type's warehouse. */
  async #locations(picks: Row[]): Promise<ErpResult<Map<number, string>>> {
    const typeIds = [...new Set(picks.map((p) => m2oId(p.picking_type_id)).filter((x): x is number => x !== null))];
    const types = settle(await this.t.call("stock.picking.type", "read", { ids: typeIds, params: { fields: ["warehouse_id"] } }));
    if (failed(types)) return types;
    const warehouses = await this.md.warehouses();
    if (failed(warehouses)) return warehouses;
    const out = new Map<number, string>();
    for (const p of picks) {
      const type = ((Array.isArray(types.value) ? types.value : []) as Row[]).find((x) => x.id === m2oId(p.picking_type_id));
      const code = warehouses.value.find((w) => w.id === m2oId(type?.warehouse_id))?.code;
      // A shipment is never dropped for want of a mapping: it would leave the order unshipped.
      if (code) out.set(Number(p.id), this.md.locationMap.toSwitchyard(code) ?? code);
    }
    return ok(out);
  }
}
