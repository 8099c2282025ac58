/**
 * The order as an ERP connector books it (`ErpOrder`): the canonical order, its Switchyard
 * identity, and per line the location its units are held at, so the connector can book the line
 * at that warehouse. Pure.
 */
import type { ErpOrder } from "../connectors/erp/types";
import type { CanonicalOrder } from "../core/canonical";

type TimelineEntry = { type: string; detail: Record<string, unknown> };
type Held = { lineNo?: unknown; allocations?: unknown; heldAt?: unknown };

/**
 * Where each line's units are held now, from the order's timeline: the latest `reservation` or
 * `reallocation` entry that names the line, its first location (allocations are in the channel's
 * priority order; an ERP order line ships from one place).
 *
 * @example heldLocations([{ type: "reservation", detail: { lines: [{ lineNo: 1, allocations: [{ location: "DC2", quantity: 2 }] }] } }]) // Map { 1 => "DC2" }
 */
export function heldLocations(timeline: readonly TimelineEntry[]): Map<number, string> {
  const out = new Map<number, string>();
  for (const t of timeline) {
    if (t.type !== "reservation" && t.type !== "reallocation") continue;
    const lines = Array.isArray(t.detail.lines) ? (t.detail.lines as Held[]) : [];
    for (const l of lines) {
      const at = (Array.isArray(l.allocations) ? l.allocations : Array.isArray(l.heldAt) ? l.heldAt : []) as { location?: unknown; quantity?: unknown }[];
      const first = at.find((a) => typeof a.location === "string" && Number(a.quantity) > 0);
      if (typeof l.lineNo === "number" && first) out.set(l.lineNo, first.location as string);
    }
  }
  return out;
}

/**
 * @example toErpOrder({ order, version: 3 }, new Map([[1, "DC1"]]))
 */
export function toErpOrder(p: { order: CanonicalOrder & { orderId: string; orchestrationId: string }; version: number }, held: Map<number, string> = new Map()): ErpOrder {
  const o = p.order;
  return {
    orderId: o.orderId,
    orchestrationId: o.orchestrationId,
    version: p.version,
    channel: o.channel,
    externalId: o.externalId,
    customer: o.customer,
    ...(o.shipTo ? { shipTo: o.shipTo } : {}),
    ...(o.billTo ? { billTo: o.billTo } : {}),
    currency: o.currency,
    lines: o.lines.map((l, i) => ({
      lineNo: i + 1,
      sku: l.sku,
      quantity: l.quantity,
      ...(l.unitPrice ? { unitPrice: l.unitPrice } : {}),
      ...(l.name ? { name: l.name } : {}),
      ...(held.has(i + 1) ? { location: held.get(i + 1)! } : {}),
    })),
    ...(o.placedAt ? { placedAt: o.placedAt } : {}),
    ...(o.notes ? { notes: o.notes } : {}),
  };
}
