/**
 * 850 purchase order → one canonical order (or a cancellation when BEG01 is 01/03).
 *
 * version: the interchange timestamp (ISA09/ISA10, else GS04/GS05, else BEG05). BEG05 is the PO
 * date and stays the same on every revision of the PO (BEG01 05 replace), so a version built from
 * it could go backwards when a replacement is sent on a later day at an earlier time of day.
 */
import { canonicalOrderSchema, type CanonicalOrder, type ChannelEvent, type OrderLine } from "../canonical";
import { isEachUnit } from "../master/check";
import {
  addressOf,
  dateTime,
  decimalString,
  elementText as v,
  elementError,
  iso,
  parseCount,
  parseDate,
  party,
  partyLoops,
  pickSku,
  productPairs,
  segmentError,
} from "./elements";
import { ElementCode, SegmentCode, type MapContext, type Mapped, type Segment, type SetError } from "./types";

const PURPOSE: Record<string, string> = { "00": "original", "05": "replace", "06": "confirmation", "07": "duplicate" };
const CANCEL_PURPOSES = new Set(["01", "03"]);
/** Segments that belong to a PO1 loop (line descriptions, pack, price detail, line notes). */
const PO1_MEMBERS = new Set(["PID", "PO4", "CTP", "MEA", "PO3", "SAC", "MSG", "REF", "DTM", "SCH", "TD5", "N9", "MTX", "SDQ", "AMT", "PKG", "N1", "N2", "N3", "N4"]);

export function map850(segments: readonly Segment[], ctx: MapContext): Mapped {
  const errors: SetError[] = [];
  const begAt = segments.findIndex((s) => s.id === "BEG");
  const beg = segments[begAt];
  if (!beg) return { events: [], errors: [segmentError("BEG", 2, SegmentCode.mandatoryMissing, "BEG is mandatory in an 850")] };

  const externalId = v(beg, 3);
  if (!externalId) errors.push(elementError(beg, begAt + 1, 3, "324", ElementCode.mandatoryMissing, "BEG03 purchase order number is missing"));
  const begDate = parseDate(v(beg, 5));
  if (begDate === null) {
    const code = v(beg, 5) ? ElementCode.invalidDate : ElementCode.mandatoryMissing;
    errors.push(elementError(beg, begAt + 1, 5, "373", code, `BEG05 purchase order date "${v(beg, 5)}" is not a date`));
  }
  const version = ctx.sentAt ?? begDate;
  if (errors.length || version === null) return { events: [], errors };

  if (CANCEL_PURPOSES.has(v(beg, 1))) {
    const event: ChannelEvent = { kind: "cancellation", channel: ctx.channel, externalId, version, reason: `850 BEG01 ${v(beg, 1)}` };
    return { events: [event], errors };
  }

  const firstLine = segments.findIndex((s) => s.id === "PO1");
  const header = firstLine < 0 ? segments : segments.slice(0, firstLine);
  const loops = partyLoops(header);
  const buyer = party(loops, "BY");
  const shipTo = addressOf(party(loops, "ST"));
  const billTo = addressOf(party(loops, "BT"));

  const lines = readLines(segments, ctx, errors);
  const currency = readCurrency(header, errors) ?? "USD";
  checkTotals(segments, lines, ctx, errors);

  const po4 = header.find((s) => s.id === "DTM" && v(s, 1) === "004");
  const placedMs = (po4 && dateTime(v(po4, 2), v(po4, 3))) ?? begDate;
  const totalSeg = segments.find((s) => s.id === "AMT" && v(s, 1) === "TT") ?? segments.find((s) => s.id === "AMT" && v(s, 1) === "1");
  const total = totalSeg ? decimalString(v(totalSeg, 2)) : null;
  const notes = readNotes(header);

  if (errors.some((e) => e.reject)) return { events: [], errors };
  const order: CanonicalOrder = {
    channel: ctx.channel,
    externalId,
    version,
    customer: { id: buyer?.id || buyer?.name || ctx.senderId || ctx.channel, ...(buyer?.name ? { name: buyer.name } : {}) },
    ...(shipTo ? { shipTo } : {}),
    ...(billTo ? { billTo } : {}),
    currency,
    lines: lines.map((l) => l.line),
    ...(placedMs !== null ? { placedAt: iso(placedMs) } : {}),
    ...(PURPOSE[v(beg, 1)] ? { channelStatus: PURPOSE[v(beg, 1)] } : {}),
    ...(notes ? { notes } : {}),
    ...(total ? { total } : {}),
  };
  const checked = canonicalOrderSchema.safeParse(order);
  if (!checked.success) {
    const why = checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    return { events: [], errors: [...errors, { setCode: "5", reject: true, message: `the order does not fit the canonical model: ${why}` }] };
  }
  return { events: [{ kind: "order", order: checked.data }], errors };
}

interface ReadLine {
  line: OrderLine;
  quantity: number;
}

function readLines(segments: readonly Segment[], ctx: MapContext, errors: SetError[]): ReadLine[] {
  const out: ReadLine[] = [];
  segments.forEach((seg, i) => {
    if (seg.id !== "PO1") return;
    const position = i + 1;
    const loop = { loop: "PO1" };
    const qty = parseCount(v(seg, 2));
    if (!qty.ok) {
      errors.push(elementError(seg, position, 2, "330", qty.code, `PO102 quantity "${v(seg, 2)}" is not a whole number`, loop));
    } else if (qty.value <= 0 || qty.value > 1_000_000) {
      errors.push(elementError(seg, position, 2, "330", ElementCode.invalidCharacter, `PO102 quantity ${qty.value} is out of range`, loop));
    }
    const rawPrice = v(seg, 4);
    const unitPrice = rawPrice ? decimalString(rawPrice) : null;
    if (rawPrice && unitPrice === null) {
      errors.push(elementError(seg, position, 4, "212", ElementCode.invalidCharacter, `PO104 unit price "${rawPrice}" is not a decimal`, loop));
    }
    const sku = pickSku(productPairs(seg, 6), ctx.skuQualifiers);
    if (!sku) errors.push(elementError(seg, position, 7, "234", ElementCode.conditionalMissing, "PO1 carries no product id", loop));
    else if (sku.length > 120) errors.push(elementError(seg, position, 7, "234", ElementCode.tooLong, "PO1 product id is longer than 120", loop));

    let name: string | undefined;
    for (let j = i + 1; j < segments.length && PO1_MEMBERS.has(segments[j]!.id); j++) {
      const pid = segments[j]!;
      if (pid.id === "PID" && v(pid, 1) === "F" && v(pid, 5) && !name) name = v(pid, 5);
    }
    if (!qty.ok || !sku) return;
    // PO103: the unit the quantity is in. Each (EA, UN) stays implicit; a case or pallet goes on
    // as the line's unit, which the master-data checks convert to eaches (core/master/check.ts).
    const uom = v(seg, 3).trim().toUpperCase();
    out.push({
      quantity: qty.value,
      line: {
        sku,
        quantity: qty.value,
        ...(uom && !isEachUnit(uom) ? { unit: uom } : {}),
        ...(unitPrice !== null ? { unitPrice } : {}),
        ...(v(seg, 1) ? { externalLineId: v(seg, 1) } : {}),
        ...(name ? { name } : {}),
      },
    });
  });
  if (!out.length && !errors.some((e) => e.segment?.id === "PO1")) {
    errors.push(segmentError("PO1", segments.length, SegmentCode.mandatoryMissing, "an 850 needs at least one PO1 line", "PO1"));
  }
  return out;
}

function readCurrency(header: readonly Segment[], errors: SetError[]): string | undefined {
  const at = header.findIndex((s) => s.id === "CUR");
  const cur = header[at];
  if (!cur || !v(cur, 2)) return undefined;
  if (/^[A-Z]{3}$/.test(v(cur, 2))) return v(cur, 2);
  errors.push(elementError(cur, at + 1, 2, "100", ElementCode.invalidCode, `CUR02 "${v(cur, 2)}" is not an ISO 4217 code`));
  return undefined;
}

/**
 * CTT01 must equal the number of PO1 segments: a mismatch means lines were lost, so it rejects.
 * CTT02 (hash total of PO102) is computed inconsistently by partners, so a mismatch is only
 * noted unless `strict`.
 */
function checkTotals(segments: readonly Segment[], lines: ReadLine[], ctx: MapContext, errors: SetError[]): void {
  const at = segments.findIndex((s) => s.id === "CTT");
  const ctt = segments[at];
  if (!ctt) return;
  const po1s = segments.filter((s) => s.id === "PO1").length;
  const declared = parseCount(v(ctt, 1));
  if (!declared.ok || declared.value !== po1s) {
    errors.push(elementError(ctt, at + 1, 1, "354", ElementCode.invalidCharacter, `CTT01 says ${v(ctt, 1) || "nothing"} lines, the PO has ${po1s}`));
  }
  const hash = v(ctt, 2);
  if (hash && lines.length === po1s) {
    const sum = lines.reduce((n, l) => n + l.quantity, 0) % 1e10;
    if (!/^\d+(\.\d*)?$/.test(hash) || Number(hash) !== sum) {
      errors.push(elementError(ctt, at + 1, 2, "347", ElementCode.invalidCharacter, `CTT02 hash total ${hash} differs from the quantities' sum ${sum}`, { reject: ctx.strict }));
    }
  }
}

/** Header free text (MSG, NTE, MTX) then header references (REF) as "REF qualifier: value". */
function readNotes(header: readonly Segment[]): string | undefined {
  const texts: string[] = [];
  const refs: string[] = [];
  let inParty = false;
  for (const s of header) {
    if (s.id === "N1") inParty = true;
    if (s.id === "MSG") texts.push(v(s, 1));
    if (s.id === "NTE" || s.id === "MTX") texts.push(v(s, 2));
    if (s.id === "REF" && !inParty) refs.push(`REF ${v(s, 1)}: ${v(s, 2) || v(s, 3)}`);
  }
  const out = [...texts.filter(Boolean), ...refs].join("\n");
  return out ? out.slice(0, 2000) : undefined;
}
