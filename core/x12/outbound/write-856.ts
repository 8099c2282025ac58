/**
 * 856 Ship Notice/Manifest (ASN), sent at or before the truck leaves.
 *
 * ST, BSN*00*<shipment id>*<date>*<time>*<structure>, then HL loops depth first:
 * - HL*n**S*1 shipment: [TD1*<packaging>*<count>****G*<weight>*<unit>], TD5*B*2*<SCAC>*<mode>*<carrier name>,
 *   [REF*BM bill of lading], [REF*CN carrier reference (PRO / tracking)], DTM*011 shipped, N1*ST, N1*SF loops;
 * - HL*n*<S>*O*1 order: PRF*<PO number>***<PO date>;
 * - HL*n*<O>*P*1 pack, only for partners that need SSCC-18: MAN*GM*00<SSCC>;
 * - HL*n*<O or P>*I*0 item: LIN*<partner's PO1 line id>*<ids…>, SN1**<shipped>*<unit>[**<ordered>*<unit>], [PID*F].
 * CTT*<number of HL segments>*<sum of SN102>.
 * - BSN05 0001 is "Shipment, Order, Packaging, Item", 0004 "Shipment, Order, Item" (element 1005, 4010).
 * - HL02 points at the parent's HL01; HL04 is 1 when children follow, 0 on items.
 * - CTT01 is "the accumulation of the number of HL segments", CTT02 the sum of SN102 (856 notes
 *   in retailers' 4010 guides, e.g. Belk's).
 * - MAN01 GM is "SSCC-18 and Application Identifier": MAN02 is the 20-digit GS1-128 string, AI
 *   "00" then the 18-digit SSCC (Best Buy's 856 guide: "twenty-digit code"; Walmart samples
 *   read MAN*GM*00…). The check digit is verified here. Partners that need SSCC get every item
 *   inside a pack.
 * - Without SSCC, the items of packs are merged per line into the order (S/O/I).
 */
import { listOf, type Build } from "./build";
import { hm, ymd, type Seg } from "./envelope";
import { generate } from "./generate";
import { isValidSscc } from "./sscc";
import type { DateInput, ItemRef, OutboundResult, PartnerSettings, PartyInput, WriteContext } from "./types";

export interface ShipNotice {
  /** BSN02: our shipment id, 2-30 characters. */
  shipmentId: string;
  /** DTM*011. */
  shippedAt: DateInput;
  /** BSN03/BSN04, when the notice was made; default the writer's clock. */
  createdAt?: DateInput;
  carrier: {
    /** TD503, the Standard Carrier Alpha Code (2-4 letters). */
    scac?: string;
    /** TD505 routing: the carrier's name when there is no SCAC, or in addition. */
    name?: string;
    /** TD504 transportation method, e.g. "M" motor, "U" private parcel, "A" air. */
    mode?: string;
    /** REF*CN: carrier's reference (PRO or tracking number). */
    trackingNumber?: string;
    /** REF*BM: bill of lading number. */
    billOfLading?: string;
  };
  /** TD1: packaging code (default "CTN25"), lading quantity (default the number of packs), gross weight. */
  packaging?: { code?: string; count?: number; weight?: number | string; weightUnit?: "LB" | "KG" };
  shipTo: PartyInput;
  shipFrom: PartyInput;
  orders: readonly ShipOrder[];
}

export interface ShipOrder {
  /** PRF01: the partner's PO number (BEG03). */
  poNumber: string;
  /** PRF04. */
  poDate?: DateInput;
  /** Cartons or pallets; required (each with an SSCC) when the partner needs SSCC-18. */
  packs?: readonly ShipPack[];
  /** Items not in a labelled pack (partners without SSCC). */
  items?: readonly ShipItem[];
}

export interface ShipPack {
  /** The 18-digit SSCC on the label (build it with `buildSscc`). */
  sscc?: string;
  items: readonly ShipItem[];
}

export interface ShipItem {
  /** LIN01: the partner's PO1 line id. */
  lineId?: string;
  item: ItemRef;
  shipped: number;
  unit?: string;
  /** SN105: the quantity ordered on the line. */
  ordered?: number;
}

/**
 * Writes an 856 for one shipment (or a batch, one set each).
 * @example
 * write856({ shipmentId: "SHP-1", shippedAt: new Date(), carrier: { scac: "UPSN", trackingNumber: "1Z…" }, shipTo, shipFrom,
 *   orders: [{ poNumber: "PO-9", packs: [{ sscc: buildSscc({ extension: 0, companyPrefix: "0614141", serial: 1 }).sscc, items: [...] }] }] }, partner, { last, now })
 */
export function write856(notice: ShipNotice | readonly ShipNotice[], partner: PartnerSettings, ctx: WriteContext): OutboundResult {
  return generate("856", notice, partner, ctx, body856);
}

function body856(n: ShipNotice, b: Build, now: Date): Seg[] {
  const withPacks = b.partner.sscc;
  const shipmentId = b.id(n.shipmentId, "shipmentId", 30, 2);
  const created = n.createdAt === undefined ? now : b.date(n.createdAt, "createdAt");
  const shipped = b.date(n.shippedAt, "shippedAt");
  const out: Seg[] = [["BSN", "00", shipmentId, created && ymd(created), created && hm(created), withPacks ? "0001" : "0004"]];

  let hl = 0;
  const level = (parent: number | undefined, code: string, hasChildren: boolean) => {
    hl += 1;
    out.push(["HL", String(hl), parent === undefined ? "" : String(parent), code, hasChildren ? "1" : "0"]);
    return hl;
  };
  let units = 0;
  const item = (it: ShipItem | undefined, parent: number, path: string) => {
    level(parent, "I", false);
    const pairs = b.productIds(it?.item, `${path}.item`);
    const unit = b.id(it?.unit ?? "EA", `${path}.unit`, 2, 2);
    const shippedQty = b.count(it?.shipped, `${path}.shipped`, 1);
    units += Number(shippedQty);
    out.push(["LIN", b.optId(it?.lineId, `${path}.lineId`, 20), ...pairs.flat()]);
    const ordered = it?.ordered === undefined ? [] : ["", b.count(it.ordered, `${path}.ordered`), unit];
    out.push(["SN1", "", shippedQty, unit, ...ordered]);
    const description = b.text(it?.item?.description, 80);
    if (description) out.push(["PID", "F", "", "", "", description]);
  };

  const orders = listOf(n.orders);
  if (orders.length === 0) b.err("orders", "at least one order is required");
  const packCount = orders.reduce((s, o) => s + (o?.packs?.length ?? 0), 0);

  const shipment = level(undefined, "S", orders.length > 0);
  out.push(...shipmentSegments(n, b, packCount, shipped));

  const ssccs = new Set<string>();
  orders.forEach((o, oi) => {
    const path = `orders[${oi}]`;
    const packs = listOf(o?.packs);
    const loose = listOf(o?.items);
    const order = level(shipment, "O", packs.length + loose.length > 0);
    const poDate = o?.poDate === undefined ? undefined : b.date(o.poDate, `${path}.poDate`);
    out.push(["PRF", b.id(o?.poNumber, `${path}.poNumber`, 22), "", "", poDate && ymd(poDate)]);
    if (withPacks) {
      if (loose.length) b.err(`${path}.items`, "this partner needs SSCC-18: put every item in a pack with an SSCC");
      if (packs.length === 0) b.err(`${path}.packs`, "this partner needs SSCC-18: at least one pack is required");
      packs.forEach((p, pi) => {
        const pp = `${path}.packs[${pi}]`;
        const items = listOf(p?.items);
        const pack = level(order, "P", items.length > 0);
        const sscc = b.id(p?.sscc, `${pp}.sscc`, 18, 18);
        if (sscc && !isValidSscc(sscc)) b.err(`${pp}.sscc`, `${sscc} is not an SSCC-18 (18 digits ending in the GS1 check digit)`);
        if (sscc && ssccs.has(sscc)) b.err(`${pp}.sscc`, `SSCC ${sscc} is on two packs`);
        ssccs.add(sscc);
        out.push(["MAN", "GM", `00${sscc}`]);
        if (items.length === 0) b.err(`${pp}.items`, "a pack needs at least one item");
        items.forEach((it, ii) => item(it, pack, `${pp}.items[${ii}]`));
      });
    } else {
      const merged = mergeLines([...loose.map((it, i) => ({ it, path: `${path}.items[${i}]` })), ...packs.flatMap((p, pi) => listOf(p?.items).map((it, ii) => ({ it, path: `${path}.packs[${pi}].items[${ii}]` })))]);
      if (merged.length === 0) b.err(path, "an order needs at least one item");
      merged.forEach(({ it, path: ip }) => item(it, order, ip));
    }
  });
  out.push(["CTT", String(hl), String(units).length <= 10 ? String(units) : undefined]);
  return out;
}

function shipmentSegments(n: ShipNotice, b: Build, packCount: number, shipped: Date | undefined): Seg[] {
  const out: Seg[] = [];
  const pk = n.packaging;
  if (pk || packCount > 0) {
    // TD101 needs TD102: with no count (and no packs to count) only the weight is written.
    const n = pk?.count ?? (packCount || undefined);
    if (pk?.code !== undefined && n === undefined) b.err("packaging.count", "is required with a packaging code");
    const code = n === undefined ? undefined : b.id(pk?.code ?? "CTN25", "packaging.code", 5, 3);
    const count = n === undefined ? undefined : b.count(n, "packaging.count", 1);
    const weight = pk?.weight === undefined ? [] : ["G", b.decimal(pk.weight, "packaging.weight"), b.code(pk.weightUnit ?? "LB", "packaging.weightUnit", ["LB", "KG"])];
    out.push(["TD1", code, count, "", "", "", ...weight]);
  }
  const c = n.carrier;
  if (!c || typeof c !== "object") b.err("carrier", "is required");
  const scac = b.optId(c?.scac, "carrier.scac", 4, 2);
  const name = b.text(c?.name, 35);
  const mode = b.optId(c?.mode, "carrier.mode", 2, 1);
  if (c && !scac && !name) b.err("carrier", "needs a SCAC or a name (TD503 or TD505)");
  out.push(["TD5", "B", scac ? "2" : "", scac, mode, name]);
  const bol = b.optId(c?.billOfLading, "carrier.billOfLading", 30);
  const tracking = b.optId(c?.trackingNumber, "carrier.trackingNumber", 30);
  if (bol) out.push(["REF", "BM", bol]);
  if (tracking) out.push(["REF", "CN", tracking]);
  if (shipped) out.push(["DTM", "011", ymd(shipped), hm(shipped)]);
  out.push(...b.party(n.shipTo, "shipTo"), ...b.party(n.shipFrom, "shipFrom"));
  return out;
}

/** Same line and item shipped from several packs: one item level with the summed quantity. */
function mergeLines(list: Array<{ it: ShipItem; path: string }>): Array<{ it: ShipItem; path: string }> {
  const byKey = new Map<string, { it: ShipItem; path: string }>();
  const out: Array<{ it: ShipItem; path: string }> = [];
  for (const e of list) {
    const key = `${e.it?.lineId ?? ""}|${e.it?.item?.sku ?? ""}|${e.it?.unit ?? "EA"}`;
    const hit = byKey.get(key);
    if (hit && typeof hit.it.shipped === "number" && typeof e.it.shipped === "number") {
      hit.it = { ...hit.it, shipped: hit.it.shipped + e.it.shipped };
    } else {
      const copy = { it: e.it, path: e.path };
      byKey.set(key, copy);
      out.push(copy);
    }
  }
  return out;
}
