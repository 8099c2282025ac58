/**
 * EDI out for orders that came as an 850 on an X12 connection: an 855 once the reservation
 * settles (IA accepted / IB backordered / IR rejected per line, with quantities), and an 856 for
 * each shipment (carrier, tracking, SSCC-18 when the partner needs it). The partner's object
 * (durable-objects/partner) writes them with its own control numbers, keeps them for polling
 * and delivers them to the connection's `outboundUrl`; this module owes them and records what
 * was issued on the order's timeline.
 */
import type { ShipmentEvent } from "../../core/canonical";
import type { EdiDocument } from "../../core/fulfilment/types";
import { purchaseOrderAck, shipNotice } from "../../core/fulfilment/x12-documents";
import type { Env } from "../../lib/env";
import { partnerStub } from "../../lib/fulfilment";
import type { OrderStore } from "./order-store";
import type { OrderState } from "./order-types";

type Apply = (fresh: OrderState) => void;

export class OrderEdi {
  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
    private readonly store: OrderStore,
  ) {}

  /** Reservation settled (order-effects.ts reserve): an 850's order owes its 855, once per version. */
  onReserved(s: OrderState): void {
    if (!this.#connection(s)) return;
    this.#owe(s, { key: `855:v${s.version}`, kind: "855", state: "pending" });
  }

  /** A shipment was applied: the dealer is owed an 856 for it. */
  onShipped(s: OrderState, ev: ShipmentEvent): void {
    if (!this.#connection(s)) return;
    this.#owe(s, { key: `856:${ev.eventId}`, kind: "856", state: "pending", shipment: { eventId: ev.eventId, location: ev.location, lines: ev.lines, ...(ev.carrier ? { carrier: ev.carrier } : {}), ...(ev.tracking ? { tracking: ev.tracking } : {}) } });
  }

  async run(s: OrderState): Promise<Apply> {
    const todo = s.edi?.documents.filter((d) => d.state === "pending") ?? [];
    if (!s.edi || !todo.length) return () => {};
    const { connectionId } = s.edi;
    const partner = partnerStub(this.env, "edi", connectionId);
    const receivedAt = s.createdAt;
    const results = await Promise.all(
      todo.map((d) => {
        if (d.kind === "855") return partner.issue({ key: `${s.orderId}:${d.key}`, kind: "855", orderId: s.orderId, connectionId, doc: purchaseOrderAck(s.order, s.lines, receivedAt) });
        const ordered = new Map(s.lines.map((l) => [l.sku, { lineNo: l.lineNo, quantity: l.quantity }]));
        const sh = d.shipment!;
        return partner.issue({ key: `${s.orderId}:${d.key}`, kind: "856", orderId: s.orderId, connectionId, doc: shipNotice(s.order, { ...sh, shippedAt: new Date().toISOString() }, ordered, receivedAt) });
      }),
    );
    return (f) => {
      todo.forEach((d, i) => {
        const doc = f.edi?.documents.find((x) => x.key === d.key);
        const r = results[i]!;
        if (!doc || doc.state !== "pending") return;
        doc.state = r.ok ? "issued" : "refused";
        if (r.ok) this.store.append(f, `edi_${d.kind}_issued`, `edi:${connectionId}`, { documentId: r.documentId, isa13: r.isa13, gs06: r.gs06, st02: r.st02, ...(d.shipment ? { shipment: d.shipment.eventId } : {}) });
        else this.store.append(f, `edi_${d.kind}_refused`, `edi:${connectionId}`, { errors: r.errors.slice(0, 10) });
      });
    };
  }

  #owe(s: OrderState, d: EdiDocument): void {
    const edi = s.edi!;
    if (edi.documents.some((x) => x.key === d.key)) return;
    edi.documents.push(d);
    if (!s.pending.includes("edi_out")) s.pending.push("edi_out");
  }

  /** The X12 connection the order's 850 came on (its latest revision's), remembered on the order. */
  #connection(s: OrderState): string | null {
    if (s.edi) return s.edi.connectionId;
    if (s.source !== "edi") return null;
    const [row] = this.sql
      .exec<{ detail: string }>("SELECT detail FROM timeline WHERE type IN ('received', 'updated') AND source LIKE 'edi:%' ORDER BY seq DESC LIMIT 1")
      .toArray();
    const id = row ? (JSON.parse(row.detail) as { connectionId?: unknown }).connectionId : undefined;
    if (typeof id !== "string") return null;
    s.edi = { connectionId: id, documents: [] };
    return id;
  }
}
