/**
 * 940 Warehouse Shipping Order to a 3PL, on release; it answers with a 997, then a 945.
 *
 * ST, W05*<status>*<our order number>*<PO number>, N1 loops (ship to, ship from, others),
 * [G62*10 requested ship date], [NTE*WHI notes], W66*<payment>*<mode>***<routing>*****<SCAC>,
 * per line LX*<n>, W01*<qty>*<unit>*[<UPC case code>]*<qualifier>*<id>[*<qualifier>*<id>], [G69],
 * W76*<total quantity>[*<weight>*<unit>].
 * - W0501 N original, R change, F cancel (element 473); W0502 is the depositor order number
 *   (AN 1/22) the 3PL sends back in W0602 of its 945, where the ingest reads it as our order id.
 * - W66 needs W6601 (PP prepaid, CC collect, TP third party) and W6602 (transportation method);
 *   W6610 is the SCAC.
 * - W01 carries at most two product id pairs (W0104/05, W0106/07); W0103 is the 12-digit U.P.C.
 *   case code. One of W0103 or W0104 is required (R0304); W0104 is always written.
 * - W7601 is the hash total of W0101 (4010 W76 notes).
 */
import { listOf, type Build } from "./build";
import { ymd, type Seg } from "./envelope";
import { generate } from "./generate";
import type { DateInput, ItemRef, OutboundResult, PartnerSettings, PartyInput, WriteContext } from "./types";

export interface WarehouseShippingOrder {
  /** W0502: our order number as the 3PL will quote it back, 1-22 characters. */
  orderNumber: string;
  /** W0503: the customer's PO number. */
  poNumber?: string;
  /** W0501: N original (default), R change, F cancel. */
  status?: "N" | "R" | "F";
  shipTo: PartyInput;
  /** N1*SF: the warehouse or the depositor shipping it. */
  shipFrom?: PartyInput;
  /** Further N1 loops (BT bill to, DE depositor, …). */
  parties?: readonly PartyInput[];
  /** G62*10: requested ship (pick-up) date. */
  requestedShipDate?: DateInput;
  /** NTE*WHI warehouse instructions, 80 characters each. */
  notes?: readonly string[];
  carrier: {
    /** W6601, default "PP". */
    payment?: "PP" | "CC" | "TP";
    /** W6602 transportation method, default "M" (motor). */
    mode?: string;
    /** W6610. */
    scac?: string;
    /** W6605 free-form routing or carrier name. */
    routing?: string;
  };
  lines: readonly ShippingOrderLine[];
  /** W7602/W7603: total weight. */
  weight?: { value: number | string; unit: "LB" | "KG" };
}

export interface ShippingOrderLine {
  item: ItemRef;
  quantity: number;
  unit?: string;
  /** W0103: the 12-digit U.P.C. case code. */
  upcCaseCode?: string;
}

/**
 * Writes a 940 for one order (or a batch of orders, one set each).
 * @example
 * write940({ orderNumber: "SO-1001", shipTo, carrier: { scac: "UPSN", mode: "U" }, lines: [{ item: { sku: "SKU-1" }, quantity: 3 }] }, partner, { last, now })
 */
export function write940(order: WarehouseShippingOrder | readonly WarehouseShippingOrder[], partner: PartnerSettings, ctx: WriteContext): OutboundResult {
  return generate("940", order, partner, ctx, body940);
}

function body940(o: WarehouseShippingOrder, b: Build): Seg[] {
  const status = b.code(o.status ?? "N", "status", ["N", "R", "F"] as const);
  const out: Seg[] = [["W05", status, b.id(o.orderNumber, "orderNumber", 22), b.optId(o.poNumber, "poNumber", 22)]];
  out.push(...b.party(o.shipTo, "shipTo"));
  if (o.shipFrom) out.push(...b.party(o.shipFrom, "shipFrom"));
  listOf(o.parties).forEach((p, i) => out.push(...b.party(p, `parties[${i}]`)));
  if (o.requestedShipDate !== undefined) {
    const d = b.date(o.requestedShipDate, "requestedShipDate");
    if (d) out.push(["G62", "10", ymd(d)]);
  }
  for (const note of listOf(o.notes)) {
    const t = b.text(note, 80);
    if (t) out.push(["NTE", "WHI", t]);
  }
  const c = o.carrier;
  if (!c || typeof c !== "object") b.err("carrier", "is required");
  const payment = b.code(c?.payment ?? "PP", "carrier.payment", ["PP", "CC", "TP"] as const);
  const mode = b.id(c?.mode ?? "M", "carrier.mode", 2, 1);
  const scac = b.optId(c?.scac, "carrier.scac", 4, 2);
  out.push(["W66", payment, mode, "", "", b.text(c?.routing, 35), "", "", "", "", scac]);

  const lines = listOf(o.lines);
  if (lines.length === 0) b.err("lines", "at least one line is required");
  let total = 0;
  lines.forEach((l, i) => {
    const path = `lines[${i}]`;
    const qty = b.count(l?.quantity, `${path}.quantity`, 1);
    total += Number(qty);
    const unit = b.id(l?.unit ?? "EA", `${path}.unit`, 2, 2);
    const upc = b.optId(l?.upcCaseCode, `${path}.upcCaseCode`, 12, 12);
    if (upc?.length === 12 && !/^\d{12}$/.test(upc)) b.err(`${path}.upcCaseCode`, "must be 12 digits");
    const pairs = b.productIds(l?.item, `${path}.item`).slice(0, 2);
    out.push(["LX", String(i + 1)]);
    out.push(["W01", qty, unit, upc, ...pairs.flat()]);
    const description = b.text(l?.item?.description, 45);
    if (description) out.push(["G69", description]);
  });
  const weight = o.weight === undefined ? [] : [b.decimal(o.weight.value, "weight.value"), b.code(o.weight.unit, "weight.unit", ["LB", "KG"] as const)];
  out.push(["W76", String(total), ...weight]);
  return out;
}
