/**
 * 846 Inventory Inquiry/Advice to a dealer or marketplace: the channel's published figure per
 * SKU, never raw on hand (DESIGN.md: each channel sees its own figure from its policy).
 *
 * ST, BIA*00*<type>*<reference>*<date>*<time>, [N1 loop], then per SKU
 * LIN*<n>*<partner qualifier>*<id>[*…], [PID*F], DTM*007*<date>*<time>*UT, QTY*33*<available>*<unit>,
 * and CTT*<LIN count>*<sum of QTY02>.
 * - QTY01 33 is "quantity available for sale" (stock quantity); 17 would be on hand.
 * - BIA04/BIA05 is the time the figures were computed: receivers watermark on it and ignore a
 *   file older than the last one (research/channel-publishing.md §5, Modern Dropship's 846 spec).
 * - DTM*007 (effective) carries the same as-of per item, with DTM04 "UT" because X12 dates have
 *   no zone and ours are UTC; an item may carry its own as-of.
 * - CTT01 counts LIN segments, CTT02 is the hash total of QTY02 (846 summary notes, 4010).
 * Segment order follows the 4010 table: DTM (LIN loop position 100-ish) before the QTY loop (320).
 */
import { listOf, type Build } from "./build";
import { hms, ymd, type Seg } from "./envelope";
import { generate } from "./generate";
import type { DateInput, ItemRef, OutboundResult, PartnerSettings, PartyInput, WriteContext } from "./types";

export interface InventoryAdvice {
  /** BIA03: our id for this report (a snapshot id), 1-30 characters. */
  reference: string;
  /** When the figures were computed. */
  asOf: DateInput;
  /** Optional N1 loop, e.g. `{ code: "SU", name: "Switchyard Distribution" }` or the warehouse (WH). */
  party?: PartyInput;
  items: readonly InventoryAdviceItem[];
}

export interface InventoryAdviceItem {
  item: ItemRef;
  /** The figure published to this channel (after its policy): what it may sell. */
  available: number;
  /** Unit of measure (element 355), default "EA". */
  unit?: string;
  /** As-of of this item's figure when it differs from the report's. */
  asOf?: DateInput;
}

/**
 * Writes an 846 with one LIN loop per SKU.
 * @example
 * const r = write846({ reference: "snap-42", asOf: new Date(), items: [{ item: { sku: "SKU-1" }, available: 12 }] }, partner, { last, now: new Date() });
 * if (r.ok) { await store(r.control); send(r.text); }
 */
export function write846(advice: InventoryAdvice | readonly InventoryAdvice[], partner: PartnerSettings, ctx: WriteContext): OutboundResult {
  return generate("846", advice, partner, ctx, body846);
}

function body846(a: InventoryAdvice, b: Build): Seg[] {
  const reference = b.id(a.reference, "reference", 30);
  const asOf = b.date(a.asOf, "asOf");
  const out: Seg[] = [["BIA", "00", b.partner.inventoryReportType, reference, asOf && ymd(asOf), asOf && hms(asOf)]];
  if (a.party) out.push(...b.party(a.party, "party"));
  const items = listOf(a.items);
  if (items.length === 0) {
    b.err("items", "at least one item is required");
    return out;
  }
  const seen = new Set<string>();
  let total = 0;
  items.forEach((it, i) => {
    const path = `items[${i}]`;
    const pairs = b.productIds(it?.item, `${path}.item`);
    const key = pairs[0]?.join(":");
    if (key && seen.has(key)) b.err(`${path}.item`, `item ${pairs[0]![1]} is listed twice`);
    if (key) seen.add(key);
    const available = b.count(it?.available, `${path}.available`);
    total += Number(available);
    const unit = b.id(it?.unit ?? "EA", `${path}.unit`, 2, 2);
    const at = it?.asOf === undefined ? asOf : b.date(it.asOf, `${path}.asOf`);
    out.push(["LIN", String(i + 1), ...pairs.flat()]);
    const description = b.text(it?.item?.description, 80);
    if (description) out.push(["PID", "F", "", "", "", description]);
    if (at) out.push(["DTM", "007", ymd(at), hms(at), "UT"]);
    out.push(["QTY", "33", available, unit]);
  });
  // CTT02 is R 1/10: a hash total that does not fit is left out rather than cut.
  out.push(["CTT", String(items.length), String(total).length <= 10 ? String(total) : undefined]);
  return out;
}
