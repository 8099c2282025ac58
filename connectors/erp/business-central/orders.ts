/**
 * Sales orders in BC: idempotent booking by `externalDocumentNumber`, one deep insert of header
 * and lines, cancel by DELETE with `If-Match`, and the read side. BC has no cancelled status and
 * no idempotency key; see ./README.md for what that means.
 */
import type { ErpOrder, ErpOrderStatus, ErpResult } from "../types";
import { asObject, str } from "../shared/http";
import { failed, ok, rejected, retry } from "../shared/result";
import { bcError, bcFailure, odataString, type BcClient, type Row } from "./client";
import type { MasterData } from "./master-data";

/** `externalDocumentNumber` is Code[35] in the Sales Header table. */
const MAX_REFERENCE = 35;
const ORDER_FIELDS = "$select=id,number,externalDocumentNumber,status,fullyShipped,lastModifiedDateTime";

/**
 * Our reference as BC gave it back. BC upper-cases Code fields, so `ord_01J…` is stored as
 * `ORD_01J…`; Switchyard ids are a lower-case prefix and upper-case base32, so the prefix's
 * case is restored. Any other value comes back as BC holds it. @example referenceFromBc("ORD_01JABC") // "ord_01JABC"
 */
export function referenceFromBc(stored: string | undefined, asked?: string): string | null {
  if (!stored) return null;
  if (asked && asked.toUpperCase() === stored.toUpperCase()) return asked;
  const m = /^([A-Z]+)_([0-9A-Z]{26})$/.exec(stored);
  return m ? `${(m[1] as string).toLowerCase()}_${m[2]}` : stored;
}

/**
 * A BC salesOrder as the contract's status. In API v2.0, `Draft` is an open (unreleased) order,
 * `In Review` awaits approval and `Open` is released. @example toOrderStatus(fixture).erpOrderId // "101005"
 */
export function toOrderStatus(row: Row, asked?: string): ErpOrderStatus {
  const status = str(row.status) ?? "Draft";
  const shipped = row.fullyShipped === true;
  return {
    erpOrderId: str(row.number) ?? "",
    reference: referenceFromBc(str(row.externalDocumentNumber), asked),
    state: shipped ? "shipped" : status === "Open" ? "confirmed" : "open",
    erpState: shipped ? `${status} (fully shipped)` : status,
    updatedAt: str(row.lastModifiedDateTime) ?? new Date(0).toISOString(),
  };
}

export class Orders {
  constructor(
    private readonly bc: BcClient,
    private readonly md: MasterData,
    private readonly settings: { localCurrency?: string },
  ) {}

  /** Open orders under our reference (BC allows duplicates; the lowest number is the one). */
  async #find(field: "externalDocumentNumber" | "number", value: string): Promise<ErpResult<Row | null>> {
    const filter = encodeURIComponent(`${field} eq ${odataString(value.toUpperCase())}`);
    const r = await this.bc.list(`salesOrders?$filter=${filter}&${ORDER_FIELDS}`, "GET salesOrders");
    if (failed(r)) return r;
    const rows = [...r.value.rows].sort((a, b) => (str(a.number) ?? "").localeCompare(str(b.number) ?? "", "en", { numeric: true }));
    return ok(rows[0] ?? null);
  }

  async create(order: ErpOrder): Promise<ErpResult<{ erpOrderId: string; created: boolean; state: ErpOrderStatus["state"] }>> {
    if (order.orderId.length > MAX_REFERENCE) return rejected(`orderId ${order.orderId} is longer than BC's 35-character externalDocumentNumber`, "invalid_order");
    const existing = await this.#find("externalDocumentNumber", order.orderId);
    if (failed(existing)) return existing;
    if (existing.value) return ok({ ...this.#booked(existing.value, order.orderId), created: false });

    const customer = await this.md.customer(order);
    if (failed(customer)) return customer;
    const itemIds = await this.md.itemIds(order.lines.map((l) => l.sku));
    if (failed(itemIds)) return itemIds;
    const lines = [];
    for (const l of order.lines) {
      const locationId = await this.md.locationId(l.location);
      if (failed(locationId)) return locationId;
      lines.push({
        lineType: "Item",
        itemId: itemIds.value.get(l.sku.toUpperCase()),
        quantity: l.quantity,
        ...(l.unitPrice !== undefined ? { unitPrice: Number(l.unitPrice) } : {}),
        ...(l.name ? { description: l.name.slice(0, 100) } : {}),
        ...(locationId.value ? { locationId: locationId.value } : {}),
      });
    }
    const s = order.shipTo;
    const body = {
      externalDocumentNumber: order.orderId,
      customerNumber: customer.value,
      orderDate: (order.placedAt ?? new Date().toISOString()).slice(0, 10),
      // BC's local currency is the empty code; naming it explicitly is refused.
      ...(order.currency && order.currency !== this.settings.localCurrency ? { currencyCode: order.currency } : {}),
      ...(order.customer.email ? { email: order.customer.email } : {}),
      ...(s ? { shipToName: s.name, shipToAddressLine1: s.line1, shipToAddressLine2: s.line2 ?? "", shipToCity: s.city, shipToState: s.region ?? "", shipToPostCode: s.postalCode, shipToCountry: s.country } : {}),
      // Deep insert: header and lines in one request, so BC commits all of it or nothing.
      salesOrderLines: lines,
    };
    const r = await this.bc.request("POST", "salesOrders?$expand=salesOrderLines", { body });
    if (failed(r)) return r;
    const a = r.value;
    if (a.ok && a.status === 201) return ok({ ...this.#booked(asObject(a.json) ?? {}, order.orderId), created: true });
    // No answer: BC may have committed the insert. Look again before anything retries it.
    if (!a.ok) {
      const again = await this.#find("externalDocumentNumber", order.orderId);
      if (again.kind === "ok" && again.value) return ok({ ...this.#booked(again.value, order.orderId), created: false });
      return retry(`POST salesOrders: ${a.reason}; no order under ${order.orderId} yet`);
    }
    return bcFailure(a, "POST salesOrders", "invalid_order");
  }

  #booked(row: Row, orderId: string) {
    const s = toOrderStatus(row, orderId);
    return { erpOrderId: s.erpOrderId, state: s.state };
  }

  /**
   * API v2.0 has no cancel action: the order is deleted, with its etag. A stale etag (someone
   * edited it meanwhile: 409 Request_EntityChanged, or 412) re-reads and tries once more. BC
   * refuses to delete an order with posted shipments: that is `not_cancellable`, BC's words.
   */
  async cancel(ref: { erpOrderId: string; orderId: string }): Promise<ErpResult<{ state: ErpOrderStatus["state"] }>> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const found = await this.#find("number", ref.erpOrderId);
      if (failed(found)) return found;
      if (!found.value) return this.#gone(ref);
      const etag = str(found.value["@odata.etag"]) ?? "*";
      const r = await this.bc.request("DELETE", `salesOrders(${str(found.value.id)})`, { headers: { "if-match": etag } });
      if (failed(r)) return r;
      const a = r.value;
      if (a.ok && (a.status === 204 || a.status === 404)) {
        const after = await this.#find("number", ref.erpOrderId);
        if (failed(after)) return after;
        return after.value ? retry(`BC still lists order ${ref.erpOrderId} after deleting it`) : ok({ state: "cancelled" as const });
      }
      if (a.ok && (a.status === 409 || a.status === 412) && attempt === 0) continue;
      if (a.ok && (a.status === 409 || a.status === 412)) return retry(`DELETE salesOrders: order ${ref.erpOrderId} changed in BC twice while cancelling (${bcError(a)?.code ?? a.status})`, null, a.status);
      return bcFailure(a, `DELETE salesOrders (order ${ref.erpOrderId})`, "not_cancellable");
    }
    return retry(`order ${ref.erpOrderId} could not be cancelled`);
  }

  /** The order is not among BC's open orders: deleted (cancelled) or posted in full. */
  async #gone(ref: { erpOrderId: string; orderId: string }): Promise<ErpResult<{ state: ErpOrderStatus["state"] }>> {
    const shipped = await this.bc.list(`salesShipments?$filter=${encodeURIComponent(`orderNumber eq ${odataString(ref.erpOrderId)}`)}&$select=id,number`, "GET salesShipments");
    if (failed(shipped)) return shipped;
    if (shipped.value.rows.length) return rejected(`BC order ${ref.erpOrderId} was shipped and posted (shipment ${str(shipped.value.rows[0]?.number)}); it can no longer be cancelled`, "not_cancellable");
    return ok({ state: "cancelled" as const });
  }

  async get(ref: { erpOrderId?: string; orderId: string }): Promise<ErpResult<ErpOrderStatus | null>> {
    const r = ref.erpOrderId ? await this.#find("number", ref.erpOrderId) : await this.#find("externalDocumentNumber", ref.orderId);
    if (failed(r)) return r;
    if (r.value) return ok(toOrderStatus(r.value, ref.orderId));
    // Fully shipped and invoiced orders leave salesOrders; their shipments remain.
    const filter = ref.erpOrderId ? `orderNumber eq ${odataString(ref.erpOrderId)}` : `externalDocumentNumber eq ${odataString(ref.orderId.toUpperCase())}`;
    const s = await this.bc.list(`salesShipments?$filter=${encodeURIComponent(filter)}&$select=id,number,orderNumber,externalDocumentNumber,lastModifiedDateTime&$orderby=lastModifiedDateTime desc&$top=1`, "GET salesShipments");
    if (failed(s)) return s;
    const row = s.value.rows[0];
    if (!row) return ok(null);
    return ok({ erpOrderId: str(row.orderNumber) ?? "", reference: referenceFromBc(str(row.externalDocumentNumber), ref.orderId), state: "shipped", erpState: "Posted (no longer an open order)", updatedAt: str(row.lastModifiedDateTime) ?? new Date(0).toISOString() });
  }
}

export { ORDER_FIELDS };
