/**
 * Warehouse / 3PL advices → shipment and inventory events.
 *
 * | set | header | lines | event |
 * | 945 shipping advice | W06 | W12 (W1203 units shipped) | one shipment `shipped` |
 * | 944 stock transfer receipt | W17 | W07 (W0701 received) | inventory `receipt`, delta.onHand + |
 * | 947 inventory adjustment | W15 | W19 (W1902 signed) | inventory `adjustment`, delta.onHand ± |
 *
 * Event ids are built from business keys (order / receipt / adjustment numbers, line, SKU), not
 * from control numbers, so a partner re-sending the same advice in a new interchange dedupes.
 */
import type { ChannelEvent } from "../canonical";
import {
  elementText as v,
  elementError,
  finish,
  inventory,
  locationOf,
  parseCount,
  partyLoops,
  pickSku,
  productPairs,
  readDate,
  segmentError,
} from "./elements";
import { ElementCode, SegmentCode, type MapContext, type Mapped, type Segment, type SetError } from "./types";

/** Reference qualifiers (element 128) read as the tracking number, best first. */
const TRACKING_QUALIFIERS = ["2I", "CN", "BM"];

/** Finds the mandatory beginning segment or reports it missing at position 2. */
function beginning(segments: readonly Segment[], id: string, set: string): { seg?: Segment; at: number; errors: SetError[] } {
  const at = segments.findIndex((s) => s.id === id);
  const seg = segments[at];
  return seg ? { seg, at, errors: [] } : { at, errors: [segmentError(id, 2, SegmentCode.mandatoryMissing, `${id} is mandatory in a ${set}`)] };
}

/** Reads one detail line: its SKU from qualifier/id pairs (or a UPC case code) and a quantity. */
function readItem(
  seg: Segment,
  position: number,
  spec: { qty: number; qtyRef: string; pairs: [number, number]; upc: number; min: number },
  ctx: MapContext,
  errors: SetError[],
): { sku: string; quantity: number } | undefined {
  const name = `${seg.id}${String(spec.qty).padStart(2, "0")}`;
  const qty = parseCount(v(seg, spec.qty));
  if (!qty.ok) errors.push(elementError(seg, position, spec.qty, spec.qtyRef, qty.code, `${name} quantity "${v(seg, spec.qty)}" is not a whole number`));
  else if (qty.value < spec.min) errors.push(elementError(seg, position, spec.qty, spec.qtyRef, ElementCode.invalidCharacter, `${name} quantity ${qty.value} is out of range`));
  const sku = pickSku(productPairs(seg, spec.pairs[0], spec.pairs[1]), ctx.skuQualifiers) || v(seg, spec.upc);
  if (!sku) errors.push(elementError(seg, position, spec.pairs[0] + 1, "234", ElementCode.conditionalMissing, `${seg.id} carries no product id`));
  else if (sku.length > 120) errors.push(elementError(seg, position, spec.pairs[0] + 1, "234", ElementCode.tooLong, `${seg.id} product id is longer than 120`));
  return qty.ok && qty.value >= spec.min && sku && sku.length <= 120 ? { sku, quantity: qty.value } : undefined;
}

/** 945: W0602 is the depositor order number (the id we gave the warehouse), W0606 the customer PO. */
export function map945(segments: readonly Segment[], ctx: MapContext): Mapped {
  const { seg: w06, at, errors } = beginning(segments, "W06", "945");
  if (!w06) return { events: [], errors };
  const orderNumber = v(w06, 2);
  if (!orderNumber) errors.push(elementError(w06, at + 1, 2, "285", ElementCode.mandatoryMissing, "W0602 depositor order number is missing"));
  const firstDetail = segments.findIndex((s) => s.id === "LX" || s.id === "W12");
  const header = firstDetail < 0 ? segments : segments.slice(0, firstDetail);

  const lines: Array<{ sku: string; quantity: number }> = [];
  segments.forEach((seg, i) => {
    if (seg.id !== "W12") return;
    const item = readItem(seg, i + 1, { qty: 3, qtyRef: "382", pairs: [7, 8], upc: 6, min: 0 }, ctx, errors);
    if (item) lines.push(item);
  });
  if (!lines.length && !errors.some((e) => e.segment?.id === "W12")) {
    errors.push(segmentError("W12", segments.length, SegmentCode.mandatoryMissing, "a 945 needs at least one W12 line"));
  }

  const w27 = header.find((s) => s.id === "W27");
  const carrier = v(w27, 2) || v(w27, 3);
  const refs = header.filter((s) => s.id === "N9" || s.id === "REF");
  const tracking = TRACKING_QUALIFIERS.map((q) => v(refs.find((r) => v(r, 1) === q), 2)).find(Boolean);
  const shipmentId = v(w06, 4);
  const po = v(w06, 6);
  const event: ChannelEvent = {
    kind: "shipment",
    event: {
      eventId: `edi:${ctx.channel}:945:${orderNumber}:${shipmentId || v(segments[0], 2)}`,
      source: ctx.source,
      type: "shipped",
      location: locationOf(partyLoops(header), ctx, "SF", "WH"),
      lines,
      ...(carrier ? { carrier } : {}),
      ...(tracking ? { tracking } : {}),
      orderRef: { orderId: orderNumber, ...(po ? { externalId: po } : {}) },
    },
  };
  return finish([event], errors);
}

/** 944: each W07 is stock received into the warehouse named by N1*WH (or N1*ST). */
export function map944(segments: readonly Segment[], ctx: MapContext): Mapped {
  const { seg: w17, at, errors } = beginning(segments, "W17", "944");
  if (!w17) return { events: [], errors };
  const asOf = readDate(w17, at, 2, errors);
  const receipt = v(w17, 3) || v(w17, 4) || v(segments[0], 2);
  const location = locationOf(partyLoops(segments), ctx, "WH", "ST");
  const events: ChannelEvent[] = [];
  let n = 0;
  segments.forEach((seg, i) => {
    if (seg.id !== "W07") return;
    n++;
    const item = readItem(seg, i + 1, { qty: 1, qtyRef: "413", pairs: [4, 7], upc: 3, min: 0 }, ctx, errors);
    if (!item || !asOf) return;
    events.push(inventory({ eventId: `edi:${ctx.channel}:944:${receipt}:${n}:${item.sku}`, source: ctx.source, type: "receipt", sku: item.sku, location, asOf, delta: { onHand: item.quantity }, reason: `944 receipt ${receipt}` }));
  });
  if (!n) errors.push(segmentError("W07", segments.length, SegmentCode.mandatoryMissing, "a 944 needs at least one W07 line"));
  return finish(events, errors);
}

/** W1901 adjustment reasons (element 181) spelled out in the event's reason; others keep the code. */
const ADJUSTMENT_REASONS: Record<string, string> = {
  "05": "product put on hold",
  "07": "product dumped or destroyed",
  "55": "product taken off hold",
  "56": "book adjustment increase",
  AA: "physical count",
  AU: "damaged in facility",
  AV: "damaged in transit",
  AH: "other",
};

/** 947: each W19 is a signed change to on-hand stock; the sign is taken as sent. */
export function map947(segments: readonly Segment[], ctx: MapContext): Mapped {
  const { seg: w15, at, errors } = beginning(segments, "W15", "947");
  if (!w15) return { events: [], errors };
  const asOf = readDate(w15, at, 1, errors);
  const adjustment = v(w15, 2) || v(w15, 3) || v(segments[0], 2);
  const location = locationOf(partyLoops(segments), ctx, "WH", "SF");
  const events: ChannelEvent[] = [];
  let n = 0;
  segments.forEach((seg, i) => {
    if (seg.id !== "W19") return;
    n++;
    const item = readItem(seg, i + 1, { qty: 2, qtyRef: "477", pairs: [5, 8], upc: 4, min: -Number.MAX_SAFE_INTEGER }, ctx, errors);
    if (!item || !asOf) return;
    const code = v(seg, 1);
    const reason = `${code} ${ADJUSTMENT_REASONS[code] ?? ""}`.trim();
    events.push(inventory({ eventId: `edi:${ctx.channel}:947:${adjustment}:${n}:${item.sku}`, source: ctx.source, type: "adjustment", sku: item.sku, location, asOf, delta: { onHand: item.quantity }, ...(reason ? { reason } : {}) }));
  });
  if (!n) errors.push(segmentError("W19", segments.length, SegmentCode.mandatoryMissing, "a 947 needs at least one W19 line"));
  return finish(events, errors);
}
