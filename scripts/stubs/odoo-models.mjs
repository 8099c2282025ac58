// One Odoo database in memory for the Odoo stub: a small generic ORM (search, search_read, read,
// search_count, create, write with many2one read back as [id, name]) over the models a sales
// integration touches, and the business methods whose behaviour matters, after Odoo 17/18's
// addons/sale/models/sale_order.py: action_confirm, and action_cancel, which raises UserError on a
// locked order and returns the `sale.order.cancel` wizard action for a confirmed one unless the
// context says `disable_cancel_warning`.
import { compileDomain, sortBy } from "./odoo-domain.mjs";

export class OdooError extends Error {
  /** `status` is what the JSON-2 endpoint answers ([I] UserError 422, per an Odoo 19 probe note). */
  constructor(name, message, status = 500) {
    super(message);
    this.odooName = name;
    this.status = status;
  }
}
const userError = (m) => new OdooError("odoo.exceptions.UserError", m, 422);

// "m2o:<model>" and "o2m:<model>" fields are formatted on read; the rest are stored as they are.
const MODELS = {
  "res.partner": { name: "", display_name: "", ref: "", email: "", street: "", street2: "", city: "", zip: "", country_id: "m2o:res.country", customer_rank: "", active: "" },
  "res.country": { name: "", code: "" },
  "res.users": { name: "", login: "" },
  "product.product": { name: "", display_name: "", default_code: "", active: "", type: "" },
  "stock.location": { name: "", complete_name: "", location_id: "m2o:stock.location", usage: "", warehouse_id: "m2o:stock.warehouse" },
  "stock.warehouse": { name: "", code: "", lot_stock_id: "m2o:stock.location", out_type_id: "m2o:stock.picking.type" },
  "stock.quant": { product_id: "m2o:product.product", location_id: "m2o:stock.location", warehouse_id: "m2o:stock.warehouse", quantity: "", reserved_quantity: "", available_quantity: "" },
  "stock.picking.type": { name: "", code: "", warehouse_id: "m2o:stock.warehouse", sequence_code: "" },
  "stock.picking": { name: "", picking_type_id: "m2o:stock.picking.type", picking_type_code: "", location_id: "m2o:stock.location", location_dest_id: "m2o:stock.location", origin: "", sale_id: "m2o:sale.order", partner_id: "m2o:res.partner", state: "", date_done: "", scheduled_date: "", move_ids: "o2m:stock.move" },
  "stock.move": { picking_id: "m2o:stock.picking", product_id: "m2o:product.product", product_uom_qty: "", quantity: "", location_id: "m2o:stock.location", state: "" },
  "sale.order": { name: "", display_name: "", partner_id: "m2o:res.partner", client_order_ref: "", origin: "", state: "", locked: "", date_order: "", order_line: "o2m:sale.order.line", warehouse_id: "m2o:stock.warehouse", note: "", amount_total: "", picking_ids: "o2m:stock.picking", type_name: "" },
  "sale.order.line": { order_id: "m2o:sale.order", product_id: "m2o:product.product", product_uom_qty: "", price_unit: "", name: "", qty_delivered: "" },
  "sale.order.cancel": { order_id: "m2o:sale.order" },
};
const DELIVERY_FIELDS = { carrier_id: "", carrier_tracking_ref: "" };
const ALWAYS = ["id", "write_date", "create_date"];

// PostgreSQL keeps write_date and friends to the microsecond; Odoo reads them back as UTC with
// no zone suffix and whole seconds ("2025-01-02 03:04:05"), while domains compare the stored
// value. So `write_date = '<what was read>'` rarely matches and `>` it can match the same row.
let lastMicros = 0;
/** Stored form, strictly increasing: "YYYY-MM-DD HH:MM:SS.ffffff". */
export const odooNow = () => {
  lastMicros = Math.max(Date.now() * 1000, lastMicros + 1);
  const d = new Date(Math.floor(lastMicros / 1000));
  return `${d.toISOString().slice(0, 19).replace("T", " ")}.${String(lastMicros % 1_000_000).padStart(6, "0")}`;
};
const DATETIMES = new Set(["write_date", "create_date", "date_order", "date_done", "scheduled_date"]);

export class Database {
  constructor(name, { delivery = false } = {}) {
    this.name = name;
    this.delivery = delivery;
    this.tables = Object.fromEntries(Object.keys(MODELS).map((m) => [m, new Map()]));
    this.seq = {};
    this.forceWizard = 0;
    const stock = this.insert("stock.location", { name: "Stock", complete_name: "WH/Stock", usage: "internal", location_id: false });
    this.customers = this.insert("stock.location", { name: "Customers", complete_name: "Partners/Customers", usage: "customer", location_id: false });
    this.addWarehouse("WH", "Main Warehouse", stock);
    this.insert("res.users", { name: "Integration Bot", login: "bot" });
    for (const [code, name] of [["GB", "United Kingdom"], ["US", "United States"], ["BE", "Belgium"]]) this.insert("res.country", { code, name });
  }

  fields(model) {
    return model === "stock.picking" && this.delivery ? { ...MODELS[model], ...DELIVERY_FIELDS } : MODELS[model];
  }

  insert(model, vals) {
    const id = (this.seq[model] = (this.seq[model] ?? 0) + 1);
    const now = odooNow();
    this.tables[model].set(id, { ...vals, id, create_date: now, write_date: now });
    return id;
  }

  get(model, id) {
    return this.tables[model].get(id);
  }

  touch(model, id, vals) {
    Object.assign(this.get(model, id), vals, { write_date: odooNow() });
  }

  addWarehouse(code, name, stockId) {
    const lot = stockId ?? this.insert("stock.location", { name: "Stock", complete_name: `${code}/Stock`, usage: "internal", location_id: false });
    const wh = this.insert("stock.warehouse", { name, code, lot_stock_id: lot });
    this.touch("stock.location", lot, { warehouse_id: wh });
    const out = this.insert("stock.picking.type", { name: "Delivery Orders", code: "outgoing", warehouse_id: wh, sequence_code: "OUT" });
    this.touch("stock.warehouse", wh, { out_type_id: out });
    return wh;
  }

  /** A child location (a shelf) under a warehouse's stock location. */
  sublocation(wh, name) {
    const w = this.get("stock.warehouse", wh);
    const parent = this.get("stock.location", w.lot_stock_id);
    const found = [...this.tables["stock.location"].values()].find((l) => l.location_id === parent.id && l.name === name);
    return found?.id ?? this.insert("stock.location", { name, complete_name: `${parent.complete_name}/${name}`, usage: "internal", location_id: parent.id, warehouse_id: wh });
  }

  #childOf(ids) {
    const out = new Set(ids);
    let grew = true;
    while (grew) {
      grew = false;
      for (const l of this.tables["stock.location"].values()) if (l.location_id && out.has(l.location_id) && !out.has(l.id)) (out.add(l.id), (grew = true));
    }
    return out;
  }

  #computed(model, r) {
    if (model === "stock.quant") {
      const loc = this.get("stock.location", r.location_id);
      return { ...r, warehouse_id: loc?.warehouse_id ?? false, available_quantity: r.quantity - r.reserved_quantity };
    }
    if (model === "stock.picking") return { ...r, picking_type_code: this.get("stock.picking.type", r.picking_type_id)?.code ?? false };
    if (model === "sale.order") return { ...r, display_name: r.name, type_name: ["draft", "sent", "cancel"].includes(r.state) ? "Quotation" : "Sales Order" };
    if (model === "product.product" || model === "res.partner") return { ...r, display_name: r.default_code ? `[${r.default_code}] ${r.name}` : r.name };
    return r;
  }

  #rows(model, domain) {
    const pred = compileDomain(domain, { childOf: (_field, ids) => this.#childOf(ids) });
    return [...this.tables[model].values()].map((r) => this.#computed(model, r)).filter((r) => r.active !== false && pred(r));
  }

  #format(model, r, fields) {
    const spec = this.fields(model);
    const names = fields?.length ? fields : [...ALWAYS, ...Object.keys(spec)];
    const out = { id: r.id };
    for (const f of names) {
      if (!(f in spec) && !ALWAYS.includes(f)) throw new OdooError("builtins.ValueError", `Invalid field '${f}' on model '${model}'`);
      const kind = spec[f] ?? "";
      const v = r[f];
      if (kind.startsWith("m2o:")) {
        const target = v ? this.#computed(kind.slice(4), this.get(kind.slice(4), v) ?? {}) : null;
        out[f] = target ? [v, target.display_name ?? target.complete_name ?? target.name] : false;
      } else if (kind.startsWith("o2m:")) out[f] = v ?? [];
      else if (DATETIMES.has(f) && typeof v === "string") out[f] = v.slice(0, 19);
      else out[f] = v ?? false;
    }
    return out;
  }

  search(model, { domain = [], offset = 0, limit = null, order = null }) {
    const rows = sortBy(this.#rows(model, domain), order).slice(offset ?? 0);
    return (limit ? rows.slice(0, limit) : rows).map((r) => r.id);
  }

  search_read(model, { domain = [], fields = null, offset = 0, limit = null, order = null }) {
    return this.search(model, { domain, offset, limit, order }).map((id) => this.#format(model, this.#computed(model, this.get(model, id)), fields));
  }

  search_count(model, { domain = [] }) {
    return this.#rows(model, domain).length;
  }

  read(model, ids, { fields = null }) {
    return ids.map((id) => {
      const r = this.get(model, id);
      if (!r) throw new OdooError("odoo.exceptions.MissingError", `Record does not exist or has been deleted.\n(Record: ${model}(${id},), User: 2)`, 404);
      return this.#format(model, this.#computed(model, r), fields);
    });
  }

  write(model, ids, { vals }) {
    for (const id of ids) this.touch(model, id, vals);
    return true;
  }

  create(model, { vals_list }) {
    const list = Array.isArray(vals_list) ? vals_list : [vals_list];
    return list.map((vals) => this.#create(model, vals));
  }

  #create(model, vals) {
    const spec = this.fields(model);
    for (const k of Object.keys(vals)) if (!(k in spec)) throw new OdooError("builtins.ValueError", `Invalid field '${k}' on model '${model}'`);
    if (model === "sale.order") return this.#createOrder(vals);
    if (model === "res.partner" && !vals.name) throw new OdooError("odoo.exceptions.ValidationError", "The operation cannot be completed: - Create/update: a mandatory field is not set.\n- Model: Contact (res.partner)\n- Field: Name (name)", 422);
    if (model === "sale.order.cancel" && !this.get("sale.order", vals.order_id)) throw new OdooError("odoo.exceptions.MissingError", "Record does not exist or has been deleted.", 404);
    return this.insert(model, { active: true, ...vals });
  }

  #createOrder(vals) {
    if (!vals.partner_id || !this.get("res.partner", vals.partner_id)) throw new OdooError("odoo.exceptions.ValidationError", "The operation cannot be completed: - Create/update: a mandatory field is not set.\n- Model: Sales Order (sale.order)\n- Field: Customer (partner_id)", 422);
    const n = (this.seq.soName = (this.seq.soName ?? 0) + 1);
    const id = this.insert("sale.order", { name: `S${String(n).padStart(5, "0")}`, state: "draft", locked: false, date_order: vals.date_order ?? odooNow(), warehouse_id: vals.warehouse_id ?? 1, client_order_ref: vals.client_order_ref ?? false, origin: vals.origin ?? false, partner_id: vals.partner_id, note: vals.note ?? false, order_line: [], picking_ids: [] });
    const lines = [];
    for (const cmd of vals.order_line ?? []) {
      if (!Array.isArray(cmd) || cmd[0] !== 0) throw new OdooError("builtins.ValueError", `Unsupported x2many command ${JSON.stringify(cmd)}`);
      const l = cmd[2];
      const product = this.get("product.product", l.product_id);
      if (!product) throw new OdooError("odoo.exceptions.MissingError", `Record does not exist or has been deleted.\n(Record: product.product(${l.product_id},), User: 2)`, 404);
      lines.push(this.insert("sale.order.line", { order_id: id, product_id: l.product_id, product_uom_qty: l.product_uom_qty ?? 1, price_unit: l.price_unit ?? 10, name: l.name ?? product.name, qty_delivered: 0 }));
    }
    const amount = lines.reduce((s, lid) => s + this.get("sale.order.line", lid).product_uom_qty * this.get("sale.order.line", lid).price_unit, 0);
    this.touch("sale.order", id, { order_line: lines, amount_total: amount });
    return id;
  }

  /** Business methods callable over RPC. `ids` are the records; `ctx` the call's context. */
  call(model, method, ids, params, ctx) {
    if (method.startsWith("_")) throw new OdooError("odoo.exceptions.AccessError", `Private methods (such as ${model}.${method}) cannot be called remotely.`, 403);
    if (method === "context_get" && model === "res.users") return { lang: "en_US", tz: "UTC", uid: 2 };
    if (model === "sale.order" && method === "action_confirm") return this.#confirm(ids);
    if (model === "sale.order" && method === "action_cancel") return this.#cancel(ids, ctx);
    if (model === "sale.order.cancel" && method === "action_cancel") return this.#cancel(ids.map((w) => this.get("sale.order.cancel", w).order_id), { ...ctx, disable_cancel_warning: true });
    throw new OdooError("werkzeug.exceptions.NotFound", `404 Not Found: The method '${method}' does not exist on the model '${model}'`, 404);
  }

  #confirm(ids) {
    for (const id of ids) if (!["draft", "sent"].includes(this.get("sale.order", id)?.state)) throw userError("Some orders are not in a state requiring confirmation.");
    for (const id of ids) {
      const o = this.get("sale.order", id);
      const picking = this.insert("stock.picking", { name: `WH/OUT/${String(this.tables["stock.picking"].size + 1).padStart(5, "0")}`, picking_type_id: this.get("stock.warehouse", o.warehouse_id).out_type_id, location_id: this.get("stock.warehouse", o.warehouse_id).lot_stock_id, location_dest_id: this.customers, origin: o.name, sale_id: id, partner_id: o.partner_id, state: "assigned", date_done: false, move_ids: [] });
      this.touch("sale.order", id, { state: "sale", picking_ids: [...o.picking_ids, picking] });
    }
    return true;
  }

  #cancel(ids, ctx) {
    const orders = ids.map((id) => this.get("sale.order", id));
    if (orders.some((o) => o.locked)) throw userError("You cannot cancel a locked order. Please unlock it first.");
    const warn = (this.forceWizard > 0 || !ctx?.disable_cancel_warning) && orders.some((o) => o.state !== "draft");
    if (warn) {
      if (this.forceWizard > 0) this.forceWizard--;
      if (ids.length !== 1) throw new OdooError("builtins.ValueError", `Expected singleton: sale.order(${ids.join(", ")})`);
      const o = orders[0];
      return { name: `Cancel ${this.#computed("sale.order", o).type_name}`, view_mode: "form", res_model: "sale.order.cancel", view_id: 1234, type: "ir.actions.act_window", context: { default_order_id: o.id, mark_so_as_canceled: true }, target: "new" };
    }
    for (const o of orders) {
      for (const p of o.picking_ids) if (this.get("stock.picking", p).state !== "done") this.touch("stock.picking", p, { state: "cancel" });
      this.touch("sale.order", o.id, { state: "cancel" });
    }
    return true;
  }

  /** Sets on-hand and reserved of a product at a location (absolute), as inventory adjustments do. */
  setQuant(productId, locationId, quantity, reserved = 0) {
    const q = [...this.tables["stock.quant"].values()].find((x) => x.product_id === productId && x.location_id === locationId);
    if (q) this.touch("stock.quant", q.id, { quantity, reserved_quantity: reserved });
    else this.insert("stock.quant", { product_id: productId, location_id: locationId, quantity, reserved_quantity: reserved });
  }

  /** Validates the order's delivery: moves done, quants decreased, picking `done`. */
  deliver(saleId, { tracking } = {}) {
    const o = this.get("sale.order", saleId);
    const pickingId = o.picking_ids.find((p) => this.get("stock.picking", p).state !== "done" && this.get("stock.picking", p).state !== "cancel");
    if (!pickingId) throw new Error("no open delivery for this order");
    const p = this.get("stock.picking", pickingId);
    const moves = o.order_line.map((lid) => {
      const l = this.get("sale.order.line", lid);
      const q = [...this.tables["stock.quant"].values()].find((x) => x.product_id === l.product_id && x.location_id === p.location_id);
      if (q) this.touch("stock.quant", q.id, { quantity: q.quantity - l.product_uom_qty });
      this.touch("sale.order.line", lid, { qty_delivered: l.product_uom_qty });
      return this.insert("stock.move", { picking_id: pickingId, product_id: l.product_id, product_uom_qty: l.product_uom_qty, quantity: l.product_uom_qty, location_id: p.location_id, state: "done" });
    });
    this.touch("stock.picking", pickingId, { state: "done", date_done: odooNow(), move_ids: moves, ...(this.delivery ? { carrier_tracking_ref: tracking ?? false, carrier_id: false } : {}) });
    this.touch("sale.order", saleId, {});
    return this.get("stock.picking", pickingId);
  }
}
