/**
 * 855 Purchase Order Acknowledgment for a partner's 850, once the reservation outcome is known.
 *
 * ST, BAK*00*<type>*<PO number>*<PO date>****<our order id>*<ack date>, [N1 loops], per PO line
 * PO1*<partner's line id>*<ordered>*<unit>*[<price>*<basis>]*<ids…>, [PID*F], then one ACK per
 * status the line has: ACK*IA (accepted), ACK*IB (backordered), ACK*IR (rejected), each
 * ACK*<code>*<qty>*<unit>[*068*<date>]; CTT*<PO1 count>*<sum of PO102>.
 * - BAK02: AD "acknowledge with detail, no change" when every line is accepted in full, RD
 *   "reject with detail" when every line is rejected in full, else AC "acknowledge with detail
 *   and change" (code list 587; research/order-inventory.md §3.3).
 * - BAK03 must echo BEG03 exactly and PO101 the partner's line ids: retailers match on them.
 * - A line's accepted + backordered + rejected must equal its ordered quantity: a quantity
 *   change (IQ) is not something this writer says.
 * - ACK04 068 is "current schedule ship"; ACK05 the date.
 */
import { listOf, type Build } from "./build";
import { ymd, type Seg } from "./envelope";
import { generate } from "./generate";
import type { DateInput, ItemRef, OutboundResult, PartnerSettings, PartyInput, WriteContext } from "./types";

export interface PurchaseOrderAck {
  /** BEG03 of the 850 (BAK03), as received. */
  poNumber: string;
  /** BEG05 of the 850 (BAK04). */
  poDate: DateInput;
  /** BAK09; default the writer's clock. */
  ackDate?: DateInput;
  /** BAK08: our order id. */
  sellerOrderId?: string;
  parties?: readonly PartyInput[];
  lines: readonly AckLine[];
}

export interface AckLine {
  /** PO101 as the partner sent it. */
  lineId: string;
  item: ItemRef;
  ordered: number;
  /** Unit of measure (PO103), default "EA". */
  unit?: string;
  /** PO104 as a decimal string, echoed from the 850, and PO105 its basis (e.g. "PE"). */
  unitPrice?: string;
  priceBasis?: string;
  accepted: number;
  backordered?: number;
  rejected?: number;
  /** When the accepted quantity ships (ACK*IA …*068*date). */
  shipDate?: DateInput;
  /** When the backordered quantity is expected to ship (ACK*IB …*068*date). */
  backorderShipDate?: DateInput;
}

/**
 * Writes an 855 for one PO (or a batch, one set each).
 * @example
 * write855({ poNumber: "08292233294", poDate: "2010-11-27", lines: [{ lineId: "1", item: { sku: "AB3542" }, ordered: 120, accepted: 100, backordered: 20 }] }, partner, { last, now })
 */
export function write855(ack: PurchaseOrderAck | readonly PurchaseOrderAck[], partner: PartnerSettings, ctx: WriteContext): OutboundResult {
  return generate("855", ack, partner, ctx, body855);
}

function body855(a: PurchaseOrderAck, b: Build, now: Date): Seg[] {
  const po = b.id(a.poNumber, "poNumber", 22);
  const poDate = b.date(a.poDate, "poDate");
  const ackDate = a.ackDate === undefined ? now : b.date(a.ackDate, "ackDate");
  const sellerOrder = b.optId(a.sellerOrderId, "sellerOrderId", 30);
  const lines = listOf(a.lines);
  if (lines.length === 0) b.err("lines", "at least one PO line is required");

  const detail: Seg[] = [];
  let allAccepted = true;
  let allRejected = true;
  let hash = 0;
  const lineIds = new Set<string>();
  lines.forEach((l, i) => {
    const path = `lines[${i}]`;
    const lineId = b.id(l?.lineId, `${path}.lineId`, 20);
    if (lineId && lineIds.has(lineId)) b.err(`${path}.lineId`, `line id ${lineId} is used twice`);
    lineIds.add(lineId);
    const ordered = Number(b.count(l?.ordered, `${path}.ordered`, 1));
    const accepted = Number(b.count(l?.accepted ?? 0, `${path}.accepted`));
    const backordered = Number(b.count(l?.backordered ?? 0, `${path}.backordered`));
    const rejected = Number(b.count(l?.rejected ?? 0, `${path}.rejected`));
    if (ordered > 0 && accepted + backordered + rejected !== ordered) {
      b.err(path, `accepted ${accepted} + backordered ${backordered} + rejected ${rejected} must equal the ${ordered} ordered`);
    }
    allAccepted &&= accepted === ordered;
    allRejected &&= rejected === ordered;
    hash += ordered;
    const unit = b.id(l?.unit ?? "EA", `${path}.unit`, 2, 2);
    const price = l?.unitPrice === undefined ? undefined : b.decimal(l.unitPrice, `${path}.unitPrice`, 17);
    const basis = b.optId(l?.priceBasis, `${path}.priceBasis`, 2, 2);
    const pairs = b.productIds(l?.item, `${path}.item`);
    detail.push(["PO1", lineId, String(ordered), unit, price, price === undefined ? undefined : basis, ...pairs.flat()]);
    const description = b.text(l?.item?.description, 80);
    if (description) detail.push(["PID", "F", "", "", "", description]);
    const ship = l?.shipDate === undefined ? undefined : b.date(l.shipDate, `${path}.shipDate`);
    const later = l?.backorderShipDate === undefined ? undefined : b.date(l.backorderShipDate, `${path}.backorderShipDate`);
    const when = (d: Date | undefined) => (d ? ["068", ymd(d)] : []);
    if (accepted > 0) detail.push(["ACK", "IA", String(accepted), unit, ...when(ship)]);
    if (backordered > 0) detail.push(["ACK", "IB", String(backordered), unit, ...when(later)]);
    if (rejected > 0) detail.push(["ACK", "IR", String(rejected), unit]);
  });

  const type = allAccepted ? "AD" : allRejected ? "RD" : "AC";
  const out: Seg[] = [["BAK", "00", type, po, poDate && ymd(poDate), "", "", "", sellerOrder, ackDate && ymd(ackDate)]];
  listOf(a.parties).forEach((p, i) => out.push(...b.party(p, `parties[${i}]`)));
  out.push(...detail);
  out.push(["CTT", String(lines.length), String(hash).length <= 10 ? String(hash) : undefined]);
  return out;
}
