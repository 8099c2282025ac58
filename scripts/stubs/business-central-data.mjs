// One Business Central company in memory: customers, items, locations, item ledger entries,
// sales orders with lines, posted sales shipments. Entities take their shape (every property,
// in order) from Microsoft's documented examples in test/fixtures/erp/business-central/.
import { createHash, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

const fixture = (name) => JSON.parse(readFileSync(new URL(`../../test/fixtures/erp/business-central/${name}`, import.meta.url), "utf8"));
const { documentLines: _notInV2Schema, ...ORDER_CREATED } = fixture("docs_v2.0_salesOrder_create_response.json");
const ORDER = { ...fixture("docs_v2.0_salesOrder_get_response.json"), ...ORDER_CREATED };
const LINE = fixture("docs_v2.0_salesOrderLine_create_response.json");
const ITEM = fixture("docs_v2.0_item_get_response.json");
const { "@odata.etag": _e, ...LEDGER } = fixture("docs_v2.0_itemLedgerEntry_get_response.json");
const NIL = "00000000-0000-0000-0000-000000000000";

/** The template's properties with neutral values, so every entity has the documented shape. */
function blank(template) {
  const out = {};
  for (const [k, v] of Object.entries(template)) out[k] = typeof v === "number" ? 0 : typeof v === "boolean" ? false : /^[0-9a-f]{8}-/.test(String(v)) ? NIL : "";
  return out;
}

export class Company {
  constructor(id, name) {
    this.id = id;
    this.name = name;
    this.customers = [];
    this.items = [];
    this.locations = [];
    this.ledger = [];
    this.reserved = new Map(); // `${item}|${location}` -> units, for the per-location extension
    this.orders = new Map(); // id -> order (with lines and version)
    this.shipments = [];
    this.nextOrderNo = 101001;
    this.nextShipmentNo = 102001;
    this.last = 0;
    this.staleEtagStatus = 409;
  }

  /** Strictly increasing modification times, as BC's SQL timestamps are. */
  stamp() {
    this.last = Math.max(Date.now(), this.last + 1);
    return new Date(this.last).toISOString();
  }

  etag(o) {
    const h = createHash("sha256").update(`${o.id}:${o.version}`).digest("base64").slice(0, 43);
    return `W/"${Buffer.from(`'${o.version};${h}=1;00;'`).toString("base64")}"`;
  }

  seed({ customers = [], items = [], locations = [] }) {
    for (const c of customers) this.customers.push({ id: randomUUID(), number: String(c.number).toUpperCase(), displayName: c.displayName ?? c.number, email: c.email ?? "", blocked: c.blocked ?? " ", lastModifiedDateTime: this.stamp() });
    for (const i of items) this.items.push({ ...blank(ITEM), id: randomUUID(), number: String(i.number).toUpperCase(), displayName: i.displayName ?? i.number, type: "Inventory", unitPrice: i.unitPrice ?? 10, baseUnitOfMeasureCode: "PCS", lastModifiedDateTime: this.stamp() });
    for (const l of locations) this.locations.push({ id: randomUUID(), code: String(l.code).toUpperCase(), displayName: l.displayName ?? l.code, contact: "", addressLine1: "", addressLine2: "", city: "", state: "", country: "", postalCode: "", phoneNumber: "", email: "", website: "", lastModifiedDateTime: this.stamp() });
  }

  item(pred) {
    const i = this.items.find(pred);
    return i && { ...i, inventory: this.ledger.filter((e) => e.itemNumber === i.number).reduce((s, e) => s + e.quantity, 0) };
  }

  locationCode(id) {
    return this.locations.find((l) => l.id === id)?.code ?? "";
  }

  /** Posts an item ledger entry that brings the item at a location to `quantity` (absolute). */
  setStock({ itemNumber, locationCode, quantity, reserved = 0 }) {
    const number = String(itemNumber).toUpperCase();
    const code = String(locationCode).toUpperCase();
    const now = this.ledger.filter((e) => e.itemNumber === number && e.locationCode === code).reduce((s, e) => s + e.quantity, 0);
    this.reserved.set(`${number}|${code}`, reserved);
    if (quantity !== now) this.#post(number, code, quantity - now, quantity > now ? "Positive_x0020_Adjmt_x002E_" : "Negative_x0020_Adjmt_x002E_", "STUB-ADJ");
  }

  #post(itemNumber, locationCode, quantity, entryType, documentNumber) {
    const entryNumber = this.ledger.length + 1;
    this.ledger.push({ ...blank(LEDGER), id: randomUUID(), entryNumber, itemNumber, postingDate: this.stamp().slice(0, 10), entryType, documentNumber, quantity, lastModifiedDateTime: this.stamp(), locationCode });
  }

  /** Rows of the per-location stock extension (a custom API query over Item Ledger Entry). */
  stockByLocation() {
    const sums = new Map();
    for (const e of this.ledger) sums.set(`${e.itemNumber}|${e.locationCode}`, (sums.get(`${e.itemNumber}|${e.locationCode}`) ?? 0) + e.quantity);
    return [...sums].map(([k, inventory]) => {
      const [itemNumber, locationCode] = k.split("|");
      return { itemNumber, locationCode, inventory, reservedQuantity: this.reserved.get(k) ?? 0 };
    });
  }

  /** A deep insert: the header and its lines in one transaction. Throws `{ status, code, message }` like BC's validation. */
  createOrder(body) {
    const fail = (code, message, status = 400) => {
      throw { status, code, message };
    };
    if (!body.customerNumber && !body.customerId) fail("Application_DialogException", 'A "customerNumber" or a "customerId" must be provided.');
    const customer = this.customers.find((c) => c.id === body.customerId || c.number === String(body.customerNumber ?? "").toUpperCase());
    if (!customer) fail("Application_DialogException", `The customer with number ${body.customerNumber ?? body.customerId} cannot be found.`);
    const ext = String(body.externalDocumentNumber ?? "");
    if (ext.length > 35) fail("Application_StringExceededLength", `The length of the string is ${ext.length}, but it must be less than or equal to 35 characters. Value: ${ext}`);
    const lines = (body.salesOrderLines ?? []).map((l, i) => {
      const item = this.item((x) => x.id === l.itemId || x.number === String(l.lineObjectNumber ?? "").toUpperCase());
      if (!item) fail("Application_DialogException", `The Item does not exist. Identification fields and values: No.='${l.lineObjectNumber ?? l.itemId}'`);
      if (l.locationId && l.locationId !== NIL && !this.locations.some((x) => x.id === l.locationId)) fail("Application_DialogException", `The Location does not exist. Identification fields and values: Id='${l.locationId}'`);
      const quantity = Number(l.quantity ?? 0);
      const unitPrice = l.unitPrice ?? item.unitPrice;
      return { ...blank(LINE), id: randomUUID(), sequence: (i + 1) * 10000, itemId: item.id, lineType: "Item", lineObjectNumber: item.number, description: l.description ?? item.displayName, unitOfMeasureCode: "PCS", quantity, unitPrice, amountExcludingTax: quantity * unitPrice, netAmount: quantity * unitPrice, amountIncludingTax: quantity * unitPrice, shipmentDate: new Date().toISOString().slice(0, 10), invoiceQuantity: quantity, shipQuantity: quantity, itemVariantId: NIL, locationId: l.locationId ?? NIL };
    });
    const id = randomUUID();
    const header = { ...blank(ORDER), ...pick(body, Object.keys(ORDER)), id, number: String(this.nextOrderNo++), externalDocumentNumber: ext.toUpperCase(), orderDate: body.orderDate ?? new Date().toISOString().slice(0, 10), postingDate: new Date().toISOString().slice(0, 10), customerId: customer.id, customerNumber: customer.number, customerName: customer.displayName, status: "Draft", requestedDeliveryDate: "0001-01-01", partialShipping: true };
    const order = { ...header, lines, version: 1 };
    for (const l of lines) l.documentId = id;
    this.#total(order);
    this.orders.set(id, order);
    return order;
  }

  #total(o) {
    o.totalAmountExcludingTax = o.lines.reduce((s, l) => s + l.amountExcludingTax, 0);
    o.totalAmountIncludingTax = o.totalAmountExcludingTax;
    o.fullyShipped = o.lines.length > 0 && o.lines.every((l) => l.shippedQuantity >= l.quantity);
    o.lastModifiedDateTime = this.stamp();
  }

  /** Someone else edits the order in BC: its etag changes. */
  touch(o) {
    o.version++;
    o.lastModifiedDateTime = this.stamp();
  }

  /** The order as the API shows it. */
  orderEntity(o, expandLines) {
    const { lines, version: _v, ...fields } = o;
    const e = { "@odata.etag": this.etag(o), ...fields };
    if (expandLines) e.salesOrderLines = lines.map((l) => ({ "@odata.etag": this.etag({ id: l.id, version: o.version }), ...l }));
    return e;
  }

  /** BC refuses to delete an order with shipped, uninvoiced lines (Sales Line OnDelete TestField). */
  deleteOrder(o) {
    const shipped = o.lines.find((l) => l.shippedQuantity > 0);
    if (shipped) {
      throw { status: 400, code: "Application_FieldValidationException", message: `Qty. Shipped Not Invoiced must be equal to '0'  in Sales Line: Document Type=Order, Document No.=${o.number}, Line No.=${shipped.sequence}. Current value is '${shipped.shippedQuantity}'.` };
    }
    this.orders.delete(o.id);
  }

  /** Posts a sales shipment of everything not yet shipped, from each line's location (or `locationCode`). */
  ship(o, locationCode = "") {
    const id = randomUUID();
    const number = String(this.nextShipmentNo++);
    const lines = [];
    for (const l of o.lines) {
      const qty = l.quantity - l.shippedQuantity;
      if (qty <= 0) continue;
      l.shippedQuantity += qty;
      const code = this.locationCode(l.locationId) || String(locationCode).toUpperCase();
      this.#post(l.lineObjectNumber, code, -qty, "Sale", number);
      lines.push({ id: randomUUID(), documentId: id, documentNo: number, sequence: l.sequence, lineType: "Item", lineObjectNumber: l.lineObjectNumber, description: l.description, unitOfMeasureCode: l.unitOfMeasureCode, unitPrice: l.unitPrice, quantity: qty, discountPercent: 0, taxPercent: 0, shipmentDate: new Date().toISOString().slice(0, 10) });
    }
    this.#total(o);
    o.version++;
    const shipment = { id, number, externalDocumentNumber: o.externalDocumentNumber, invoiceDate: "0001-01-01", postingDate: new Date().toISOString().slice(0, 10), dueDate: "0001-01-01", customerPurchaseOrderReference: "", customerNumber: o.customerNumber, customerName: o.customerName, billToName: o.customerName, billToCustomerNumber: o.customerNumber, shipToName: o.shipToName ?? "", shipToContact: "", sellToAddressLine1: "", sellToAddressLine2: "", sellToCity: "", sellToCountry: "", sellToState: "", sellToPostCode: "", billToAddressLine1: "", billToAddressLine2: "", billToCity: "", billToCountry: "", billToState: "", billToPostCode: "", shipToAddressLine1: o.shipToAddressLine1 ?? "", shipToAddressLine2: "", shipToCity: o.shipToCity ?? "", shipToCountry: o.shipToCountry ?? "", shipToState: "", shipToPostCode: o.shipToPostCode ?? "", currencyCode: o.currencyCode ?? "", orderNumber: o.number, paymentTermsCode: "", shipmentMethodCode: "", salesperson: "", pricesIncludeTax: false, lastModifiedDateTime: this.stamp(), phoneNumber: "", email: "", lines };
    this.shipments.push(shipment);
    return shipment;
  }

  shipmentEntity(s, expandLines) {
    const { lines, ...fields } = s;
    return expandLines ? { "@odata.etag": this.etag({ id: s.id, version: 1 }), ...fields, salesShipmentLines: lines } : { "@odata.etag": this.etag({ id: s.id, version: 1 }), ...fields };
  }
}

function pick(obj, keys) {
  return Object.fromEntries(keys.filter((k) => obj[k] !== undefined).map((k) => [k, obj[k]]));
}
