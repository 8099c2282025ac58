/**
 * sale.order in Odoo. Booking is `create` then `action_confirm`: two calls, two transactions
 * (external_api.rst, "Transaction"). Whatever fails between them, the next attempt finds the
 * draft by `client_order_ref` and confirms it; it never creates a second order.
 */
import type { ErpOrder, ErpOrderStatus, ErpResult } from "../types";
import { asObject } from "../shared/http";
import { config, failed, ok, rejected, retry } from "../shared/result";
import { searchRead, type MasterData, type Row } from "./master-data";
import { settle, type OdooTransport } from "./transport";
import { advance, readCursor, since } from "./keyset";

const FIELDS = ["id", "name", "state", "locked", "client_order_ref", "write_date"];

/** Odoo datetimes are UTC with no zone suffix. @example fromOdooTime("2025-01-02 03:04:05") // "2025-01-02T03:04:05Z" */
export function fromOdooTime(v: unknown): string {
  return typeof v === "string" && v ? `${v.replace(" ", "T")}Z` : new Date(0).toISOString();
}
/** @example toOdooTime("2025-01-02T03:04:05.678Z") // "2025-01-02 03:04:05" */
export function toOdooTime(iso: string): string {
  return new Date(iso).toISOString().slice(0, 19).replace("T", " ");
}

/** Odoo 17/18 states: draft and sent are quotations, sale is confirmed (done in ≤ 16), cancel. */
export function toOrderStatus(row: Row): ErpOrderStatus {
  const state = String(row.state ?? "draft");
  const map: Record<string, ErpOrderStatus["state"]> = { draft: "draft", sent: "draft", sale: "confirmed", done: "done", cancel: "cancelled" };
  return {
    erpOrderId: String(row.id),
    reference: typeof row.client_order_ref === "string" && row.client_order_ref ? row.client_order_ref : null,
    state: map[state] ?? "open",
    erpState: `${state}${row.locked === true ? " (locked)" : ""}`,
    updatedAt: fromOdooTime(row.write_date),
  };
}

export class Orders {
  constructor(
    private readonly t: OdooTransport,
    private readonly md: MasterData,
    private readonly pageSize: number,
  ) {}

  async #find(orderId: string): Promise<ErpResult<Row | null>> {
    const r = await searchRead(this.t, "sale.order", { domain: [["client_order_ref", "=", orderId]], fields: FIELDS, order: "id asc", limit: 1 });
    if (failed(r)) return r;
    return ok(r.value[0] ?? null);
  }

  async #read(id: number): Promise<ErpResult<Row | null>> {
    const r = settle(await this.t.call("sale.order", "read", { ids: [id], params: { fields: FIELDS } }));
    if (r.kind === "rejected" && /MissingError/.test(r.reason)) return ok(null);
    if (failed(r)) return r;
    return ok((Array.isArray(r.value) ? (r.value[0] as Row) : null) ?? null);
  }

  /** Confirms a draft and reports it; a failure leaves the draft for the next attempt to confirm. */
  async #confirm(id: number, created: boolean) {
    const c = settle(await this.t.call("sale.order", "action_confirm", { ids: [id] }));
    if (failed(c)) return c.kind === "rejected" ? rejected(`${c.reason} (draft sale order ${id} kept; fix it in Odoo or cancel it)`, c.code, c.httpStatus) : c;
    const now = await this.#read(id);
    if (failed(now)) return now;
    return ok({ erpOrderId: String(id), created, state: now.value ? toOrderStatus(now.value).state : ("confirmed" as const) });
  }

  async create(order: ErpOrder): Promise<ErpResult<{ erpOrderId: string; created: boolean; state: ErpOrderStatus["state"] }>> {
    const existing = await this.#find(order.orderId);
    if (failed(existing)) return existing;
    if (existing.value) return this.#resume(existing.value);

    const partner = await this.md.partner(order);
    if (failed(partner)) return partner;
    const productIds = await this.md.productIds(order.lines.map((l) => l.sku), true);
    if (failed(productIds)) return productIds;
    // An Odoo order ships from one warehouse: the first line that names a location decides.
    const warehouse = await this.md.warehouseFor(order.lines.find((l) => l.location)?.location);
    if (failed(warehouse)) return warehouse;
    const vals = {
      partner_id: partner.value,
      client_order_ref: order.orderId,
      origin: `${order.channel}:${order.externalId}`.slice(0, 200),
      ...(order.placedAt ? { date_order: toOdooTime(order.placedAt) } : {}),
      ...(warehouse.value ? { warehouse_id: warehouse.value } : {}),
      ...(order.notes ? { note: order.notes } : {}),
      order_line: order.lines.map((l) => [0, 0, { product_id: productIds.value.get(l.sku), product_uom_qty: l.quantity, ...(l.unitPrice !== undefined ? { price_unit: Number(l.unitPrice) } : {}), ...(l.name ? { name: l.name } : {}) }]),
    };
    const c = await this.t.call("sale.order", "create", { params: { vals_list: [vals] } });
    if (c.kind === "no_answer") {
      // Odoo may have committed the create: look again, and confirm what is there.
      const again = await this.#find(order.orderId);
      if (again.kind === "ok" && again.value) return this.#resume(again.value);
      return retry(`${c.reason}; no sale order under ${order.orderId} yet`);
    }
    if (failed(c)) return c.kind === "rejected" && c.code === "other" ? rejected(c.reason, "invalid_order", c.httpStatus) : c;
    const id = Array.isArray(c.value) ? c.value[0] : c.value;
    if (typeof id !== "number") return config("sale.order/create: Odoo answered without an id");
    return this.#confirm(id, true);
  }

  /** An order already under our reference: confirm it if it is still a draft. */
  #resume(row: Row) {
    const s = toOrderStatus(row);
    if (row.state === "draft" || row.state === "sent") return this.#confirm(Number(row.id), false);
    return Promise.resolve(ok({ erpOrderId: s.erpOrderId, created: false, state: s.state }));
  }

  /**
   * `action_cancel` with `disable_cancel_warning`; if Odoo still answers with the
   * `sale.order.cancel` wizard action (a customised `_show_cancel_wizard`, another version), the
   * wizard is created and its own `action_cancel` run. A locked order's UserError is
   * `not_cancellable`. The state is always read back.
   */
  async cancel(ref: { erpOrderId: string; orderId: string }): Promise<ErpResult<{ state: ErpOrderStatus["state"] }>> {
    const found = Number.isInteger(Number(ref.erpOrderId)) ? await this.#read(Number(ref.erpOrderId)) : await this.#find(ref.orderId);
    if (failed(found)) return found;
    if (!found.value) return rejected(`Odoo has no sale order ${ref.erpOrderId}`, "other");
    const id = Number(found.value.id);
    if (found.value.state === "cancel") return ok({ state: "cancelled" as const });
    const ctx = { disable_cancel_warning: true };
    const r = settle(await this.t.call("sale.order", "action_cancel", { ids: [id], context: ctx }));
    if (failed(r)) return r.kind === "rejected" ? rejected(r.reason, "not_cancellable", r.httpStatus) : r;
    const action = asObject(r.value);
    if (action?.res_model === "sale.order.cancel") {
      const wctx = { ...(asObject(action.context) ?? {}), ...ctx };
      const w = settle(await this.t.call("sale.order.cancel", "create", { params: { vals_list: [{ order_id: id }] }, context: wctx }));
      if (failed(w)) return w.kind === "rejected" ? rejected(w.reason, "not_cancellable", w.httpStatus) : w;
      const wid = Array.isArray(w.value) ? w.value[0] : w.value;
      if (typeof wid !== "number") return config("sale.order.cancel/create: Odoo answered without an id");
      const done = settle(await this.t.call("sale.order.cancel", "action_cancel", { ids: [wid], context: wctx }));
      if (failed(done)) return done.kind === "rejected" ? rejected(done.reason, "not_cancellable", done.httpStatus) : done;
    }
    const now = await this.#read(id);
    if (failed(now)) return now;
    if (now.value?.state === "cancel") return ok({ state: "cancelled" as const });
    return rejected(`Odoo left sale order ${String(now.value?.name ?? id)} in state ${String(now.value?.state)} after action_cancel`, "not_cancellable");
  }

  async get(ref: { erpOrderId?: string; orderId: string }): Promise<ErpResult<ErpOrderStatus | null>> {
    const r = ref.erpOrderId && Number.isInteger(Number(ref.erpOrderId)) ? await this.#read(Number(ref.erpOrderId)) : await this.#find(ref.orderId);
    if (failed(r)) return r;
    return ok(r.value ? toOrderStatus(r.value) : null);
  }

  async changedSince(cursor: string | null) {
    const w = readCursor(cursor);
    if (w === undefined) return config("sale.order cursor is not one this connector wrote");
    const q = since("write_date", w, this.pageSize);
    const r = await searchRead(this.t, "sale.order", { domain: q.domain, fields: FIELDS, order: "write_date asc, id asc", limit: q.limit });
    if (failed(r)) return r;
    const page = advance("write_date", w, r.value);
    return ok({ items: page.fresh.map(toOrderStatus), cursor: page.cursor, more: r.value.length === q.limit });
  }
}
