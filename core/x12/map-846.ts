/**
 * 846 inventory inquiry/advice → one inventory `snapshot` per LIN item, `asOf` from BIA04/BIA05.
 *
 * QTY01 (X12 element 673) qualifiers read:
 * | 17 quantity on hand | quantities.onHand |
 * | 33 quantity available for sale (stock quantity) | quantities.onHand when no 17 is sent: the 3PL
 *   reports what it can ship, so it is taken as on hand with nothing committed |
 * | 27 committed quantity | quantities.committed |
 * | 20 unusable quantity | quantities.damaged |
 * Other qualifiers are ignored; an item with neither 17 nor 33 gives no event (a snapshot without
 * an on-hand figure would zero the position). Per-location SDQ breakdowns are not read yet: the
 * location is the header N1*WH / N1*SF, else the connection's default location, else the sender.
 */
import type { ChannelEvent, InventoryQuantities } from "../canonical";
import { elementText as v, elementError, finish, inventory, locationOf, parseCount, partyLoops, pickSku, productPairs, readDate, segmentError } from "./elements";
import { ElementCode, SegmentCode, type MapContext, type Mapped, type Segment, type SetError } from "./types";

export function map846(segments: readonly Segment[], ctx: MapContext): Mapped {
  const errors: SetError[] = [];
  const at = segments.findIndex((s) => s.id === "BIA");
  const bia = segments[at];
  if (!bia) return { events: [], errors: [segmentError("BIA", 2, SegmentCode.mandatoryMissing, "BIA is mandatory in an 846")] };
  const asOf = readDate(bia, at, 4, errors, v(bia, 5));
  const reference = v(bia, 3) || v(segments[0], 2);
  const firstItem = segments.findIndex((s) => s.id === "LIN");
  const location = locationOf(partyLoops(firstItem < 0 ? segments : segments.slice(0, firstItem)), ctx, "WH", "SF");

  const events: ChannelEvent[] = [];
  let lin: { sku?: string; seen: Record<string, number> } | undefined;
  const flush = () => {
    if (!lin?.sku || !asOf) return;
    const q = lin.seen;
    const onHand = q["17"] ?? q["33"];
    if (onHand === undefined) return;
    const quantities: InventoryQuantities = {
      onHand,
      ...(q["27"] !== undefined ? { committed: q["27"] } : {}),
      ...(q["20"] !== undefined ? { damaged: q["20"] } : {}),
    };
    events.push(inventory({ eventId: `edi:${ctx.channel}:846:${reference}:${lin.sku}:${location}`, source: ctx.source, type: "snapshot", sku: lin.sku, location, asOf, quantities }));
  };

  segments.forEach((seg, i) => {
    if (seg.id === "LIN") {
      flush();
      const sku = pickSku(productPairs(seg, 2), ctx.skuQualifiers);
      if (!sku) errors.push(elementError(seg, i + 1, 3, "234", ElementCode.mandatoryMissing, "LIN carries no product id", { loop: "LIN" }));
      else if (sku.length > 120) errors.push(elementError(seg, i + 1, 3, "234", ElementCode.tooLong, "LIN product id is longer than 120", { loop: "LIN" }));
      lin = { ...(sku && sku.length <= 120 ? { sku } : {}), seen: {} };
    } else if (seg.id === "QTY" && lin) {
      const qty = parseCount(v(seg, 2));
      if (!qty.ok) {
        errors.push(elementError(seg, i + 1, 2, "380", qty.code, `QTY02 quantity "${v(seg, 2)}" is not a whole number`, { loop: "LIN" }));
      } else if (lin.seen[v(seg, 1)] === undefined) lin.seen[v(seg, 1)] = qty.value;
    }
  });
  flush();
  if (firstItem < 0) errors.push(segmentError("LIN", segments.length, SegmentCode.mandatoryMissing, "an 846 advice needs at least one LIN item", "LIN"));
  return finish(events, errors);
}
