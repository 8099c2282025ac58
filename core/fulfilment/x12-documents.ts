/**
 * The business documents behind our outbound X12, built from an order: the 940 a 3PL is sent
 * on release, the 855 acknowledging a dealer's 850 and the 856 telling it of a shipment. Pure;
 * the writers in core/x12/outbound check every element and the partner's object adds the
 * envelope, the control numbers and (940, 856) the order number, shipment id and SSCC.
 */
import type { Address, CanonicalOrder } from "../canonical";
import type { AckLine, PartyInput, PurchaseOrderAck, ShipNotice, WarehouseShippingOrder } from "../x12/outbound";
import type { FulfillerSettings, Release } from "./types";

/** An X12 identifier of at most `max` characters with nothing a delimiter could be, else undefined (the element is left out). */
const safeId = (v: string | undefined, max: number) => (v && v.length <= max && /^[A-Za-z0-9 _.,/#()+&:;@=-]+$/.test(v) ? v : undefined);

/** N1/N3/N4 from a canonical address; N4 elements that X12 would refuse (a region that is not a 2-letter code) are left out. */
export function partyOf(code: string, a: Address): PartyInput {
  const region = a.region && /^[A-Za-z]{2}$/.test(a.region) ? a.region.toUpperCase() : undefined;
  const postalCode = safeId(a.postalCode, 15) && a.postalCode.length >= 3 ? a.postalCode : undefined;
  const country = /^[A-Za-z]{2,3}$/.test(a.country) ? a.country.toUpperCase() : undefined;
  return { code, name: a.name, address: { lines: [a.line1, ...(a.line2 ? [a.line2] : [])], city: a.city, ...(region ? { region } : {}), ...(postalCode ? { postalCode } : {}), ...(country ? { country } : {}) } };
}

const warehouse = (location: string, name?: string | null): PartyInput => ({ code: "SF", name: name ?? location, ...(safeId(location, 80) && location.length >= 2 ? { idQualifier: "ZZ", id: location } : {}) });

/**
 * The 940 for a release (status N) or its cancellation (status F); the order number is the
 * partner object's to assign.
 * @example shippingOrder(order, release, settings, "N") // { poNumber: "PO-1", shipTo: { code: "ST", … }, lines: [{ item: { sku }, quantity }] }
 */
export function shippingOrder(order: CanonicalOrder, release: Release, settings: FulfillerSettings, status: "N" | "F", fulfillerName?: string | null): Omit<WarehouseShippingOrder, "orderNumber"> {
  const poNumber = safeId(order.externalId, 22);
  const names = new Map(order.lines.map((l, i) => [i + 1, l.name]));
  return {
    status,
    ...(poNumber ? { poNumber } : {}),
    shipTo: order.shipTo ? partyOf("ST", order.shipTo) : { code: "ST", name: order.customer.name ?? order.customer.id },
    shipFrom: warehouse(release.location, fulfillerName),
    carrier: { ...(settings.carrier ?? {}) },
    notes: [`Switchyard release ${release.id} of ${order.channel} order ${order.externalId}`],
    lines: release.lines.map((l) => ({ item: { sku: l.sku, ...(names.get(l.lineNo) ? { description: names.get(l.lineNo)! } : {}) }, quantity: l.quantity })),
  };
}

/** One order line as the 855 needs it: what was ordered and what the reservation made of it. */
export interface AckInput {
  lineNo: number;
  sku: string;
  quantity: number;
  reserved: number;
  backordered: number;
}

/**
 * The 855 once reservation settles: accepted = held, backordered = accepted without stock,
 * rejected = the rest (IA / IB / IR). PO1 line ids are the 850's own (PO101); quantities only, no price.
 * @example purchaseOrderAck(order, [{ lineNo: 1, sku: "A", quantity: 5, reserved: 3, backordered: 2 }], "2026-01-01T00:00:00Z")
 */
export function purchaseOrderAck(order: CanonicalOrder, lines: readonly AckInput[], receivedAt: string): PurchaseOrderAck {
  const byNo = new Map(order.lines.map((l, i) => [i + 1, l]));
  return {
    poNumber: order.externalId,
    poDate: order.placedAt ?? receivedAt,
    lines: lines.map((l): AckLine => {
      const src = byNo.get(l.lineNo);
      return {
        lineId: src?.externalLineId ?? String(l.lineNo),
        item: { sku: l.sku, ...(src?.name ? { description: src.name } : {}) },
        ordered: l.quantity,
        // No price: the canonical line does not keep the 850's PO105 basis, and a guessed one would change the PO.
        accepted: l.reserved,
        backordered: l.backordered,
        rejected: Math.max(0, l.quantity - l.reserved - l.backordered),
      };
    }),
  };
}

/**
 * The 856 for one shipment fact; the shipment id (BSN02) and SSCC are the partner object's.
 * A carrier given as 2-4 capital letters is its SCAC, anything else its name.
 */
export function shipNotice(
  order: CanonicalOrder,
  shipment: { location: string; carrier?: string; tracking?: string; lines: { sku: string; quantity: number }[]; shippedAt: string },
  orderedBySku: ReadonlyMap<string, { lineNo: number; quantity: number }>,
  receivedAt: string,
): Omit<ShipNotice, "shipmentId"> {
  const byNo = new Map(order.lines.map((l, i) => [i + 1, l]));
  const scac = shipment.carrier && /^[A-Z]{2,4}$/.test(shipment.carrier) ? shipment.carrier : undefined;
  return {
    shippedAt: shipment.shippedAt,
    carrier: {
      ...(scac ? { scac } : { name: shipment.carrier ?? "unknown carrier" }),
      ...(safeId(shipment.tracking, 30) ? { trackingNumber: shipment.tracking } : {}),
    },
    shipTo: order.shipTo ? partyOf("ST", order.shipTo) : { code: "ST", name: order.customer.name ?? order.customer.id },
    shipFrom: warehouse(shipment.location),
    orders: [
      {
        poNumber: order.externalId,
        poDate: order.placedAt ?? receivedAt,
        items: shipment.lines
          .filter((l) => l.quantity > 0)
          .map((l) => {
            const ordered = orderedBySku.get(l.sku);
            const src = ordered ? byNo.get(ordered.lineNo) : undefined;
            return { lineId: src?.externalLineId ?? (ordered ? String(ordered.lineNo) : undefined), item: { sku: l.sku }, shipped: l.quantity, ...(ordered ? { ordered: ordered.quantity } : {}) };
          }),
      },
    ],
  };
}
