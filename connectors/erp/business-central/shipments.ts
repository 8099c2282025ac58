/**
 * Posted sales shipments since a cursor (`salesShipments` + `salesShipmentLines`), matched to our
 * order through `orderNumber` (the BC order number, our erpOrderId) and `externalDocumentNumber`
 * (copied from the order on posting). API v2.0 shipment lines carry no location, so it is taken
 * from the order's lines while the order is still open, else the totals location.
 */
import type { ErpPage, ErpResult, ErpShipment } from "../types";
import { asObject, str } from "../shared/http";
import { config, failed, ok } from "../shared/result";
import { anyOf, type BcClient, type Row } from "./client";
import { chunks, type MasterData } from "./master-data";
import { referenceFromBc } from "./orders";
import { changedSince } from "./paging";

export class Shipments {
  constructor(
    private readonly bc: BcClient,
    private readonly md: MasterData,
    private readonly pageSize: number,
  ) {}

  /** Switchyard location per BC order number, from the first item line that names a location. */
  async #locations(orderNumbers: string[]): Promise<ErpResult<Map<string, string>>> {
    const out = new Map<string, string>();
    for (const part of chunks(orderNumbers)) {
      const r = await this.bc.list(`salesOrders?$filter=${encodeURIComponent(anyOf("number", part))}&$select=number&$expand=salesOrderLines`, "GET salesOrders");
      if (failed(r)) return r;
      for (const o of r.value.rows) {
        const lines = Array.isArray(o.salesOrderLines) ? o.salesOrderLines.map(asObject) : [];
        const id = lines.map((l) => str(l?.locationId)).find((x) => x && !/^0{8}-/.test(x));
        if (!id) continue;
        const code = await this.md.locationCode(id);
        if (failed(code)) return code;
        const location = code.value === null ? null : this.md.locationMap.toSwitchyard(code.value);
        if (location) out.set(str(o.number) as string, location);
      }
    }
    return ok(out);
  }

  async since(cursor: string | null): Promise<ErpResult<ErpPage<ErpShipment>>> {
    const page = await changedSince(this.bc, "salesShipments", "$expand=salesShipmentLines", cursor, this.pageSize, "GET salesShipments");
    if (failed(page)) return page;
    const numbers = [...new Set(page.value.rows.map((s) => str(s.orderNumber)).filter((n): n is string => !!n))];
    const byOrder = await this.#locations(numbers);
    if (failed(byOrder)) return byOrder;
    const fallback = this.md.totalsLocation();
    const items: ErpShipment[] = [];
    for (const s of page.value.rows) {
      const location = byOrder.value.get(str(s.orderNumber) ?? "") ?? fallback;
      if (!location) return config(`BC shipment ${str(s.number)} has no location in API v2.0 and its order is gone: set settings.totalsLocation`);
      items.push(toShipment(s, location));
    }
    return ok({ items, cursor: page.value.cursor, more: page.value.more });
  }
}

function toShipment(s: Row, location: string): ErpShipment {
  const lines = (Array.isArray(s.salesShipmentLines) ? s.salesShipmentLines : [])
    .map(asObject)
    .filter((l): l is Row => !!l && str(l.lineType) === "Item" && Number(l.quantity ?? 0) > 0)
    .map((l) => ({ sku: str(l.lineObjectNumber) ?? "", quantity: Number(l.quantity) }));
  return {
    shipmentId: str(s.id) ?? str(s.number) ?? "",
    erpOrderId: str(s.orderNumber) ?? "",
    reference: referenceFromBc(str(s.externalDocumentNumber)),
    location,
    lines,
    ...(str(s.shipmentMethodCode) ? { carrier: str(s.shipmentMethodCode) } : {}),
    // Posting time as BC stamped it; postingDate alone has no time of day.
    shippedAt: str(s.lastModifiedDateTime) ?? `${str(s.postingDate)}T00:00:00Z`,
  };
}
