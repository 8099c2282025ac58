/**
 * PartnerDO — one per X12 trading partner (core/keys.ts `partnerObjectName`): an EDI dealer's
 * channel connection (`edi`), which gets 855s and 856s, or an x12 fulfiller (`fulfiller`), a
 * 3PL that gets 940s. It alone allocates the partner's control numbers, so they never repeat,
 * and it keeps every interchange it wrote: the outbox a partner may poll
 * (`GET /v1/edi/{connectionId}/documents`). 855s and 856s are delivered from here (POST to the
 * connection's `outboundUrl`, retried with backoff from the alarm); a 940 is sent by the order's
 * object as one of its owed effects, so the release and its acknowledgement deadline stay there.
 */
import { DurableObject } from "cloudflare:workers";
import { buildSscc, write855, write856, write940, type OutboundError, type PartnerSettings, type PurchaseOrderAck, type ShipNotice, type WarehouseShippingOrder } from "../../core/x12/outbound";
import { loadConnection } from "../../lib/connections";
import type { Env } from "../../lib/env";
import { TIMER_SCHEMA, Timers } from "../timers";
import { deliverDue, DOCUMENT_VIEW, type DocumentView } from "./partner-delivery";
import { PartnerStore } from "./partner-store";

export type Written = { ok: true; documentId: number; text: string; isa13: string; gs06: string; st02: string; replayed: boolean } | { ok: false; errors: OutboundError[] };

/** The partner settings of an EDI connection: `settings.partner`, else us as ZZ/SWITCHYARD and the partner as ZZ/<connection id>. */
export function connectionPartner(connectionId: string, settings: Record<string, unknown>): PartnerSettings {
  const p = settings.partner;
  if (p && typeof p === "object") return p as PartnerSettings;
  return { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: connectionId.slice(0, 15) } };
}

export class PartnerDO extends DurableObject<Env> {
  readonly #store: PartnerStore;
  readonly #timers: Timers;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    for (const ddl of TIMER_SCHEMA) ctx.storage.sql.exec(ddl);
    this.#store = new PartnerStore(ctx.storage.sql);
    this.#timers = new Timers(ctx.storage);
  }

  /**
   * The 940 of a release (status N) or of its cancellation (F), written once per `key`: a repeat
   * returns the same interchange. The order number (W0502) is assigned per release and reused by
   * its cancellation; the 3PL's 945 quotes it back (`resolveOrderNumber`).
   */
  write940(req: { key: string; orderId: string; releaseId: string; location: string; order: Omit<WarehouseShippingOrder, "orderNumber">; partner: PartnerSettings }): Written & { orderNumber?: string } {
    return this.ctx.storage.transactionSync(() => {
      const orderNumber = this.#store.assignOrderNumber(req.orderId, req.releaseId, req.location);
      const prior = this.#store.byKey(req.key);
      if (prior) return { ...view(prior), replayed: true, orderNumber };
      const r = write940({ ...req.order, orderNumber }, req.partner, { last: this.#store.lastControl(), now: new Date() });
      if (!r.ok) return { ok: false as const, errors: r.errors };
      return { ...this.#keep(req.key, "940", req.orderId, req.releaseId, r, "by_order"), orderNumber };
    });
  }

  /** Which order and release a 945's W0602 names, or null when this partner was never sent it. */
  resolveOrderNumber(number: string): { orderId: string; releaseId: string; location: string } | null {
    return this.#store.resolve(number);
  }

  /**
   * An 855 or 856 for the dealer behind `connectionId`, written once per `key` and queued for
   * delivery to the connection's `outboundUrl` (kept for polling either way). An 856 gets its
   * shipment id (BSN02) here and, when the partner needs SSCC-18, one carton label per shipment
   * from `settings.gs1CompanyPrefix` and this partner's serial counter.
   */
  async issue(req: { key: string; kind: "855"; orderId: string; connectionId: string; doc: PurchaseOrderAck } | { key: string; kind: "856"; orderId: string; connectionId: string; doc: Omit<ShipNotice, "shipmentId"> }): Promise<Written> {
    const conn = await loadConnection(this.env, req.connectionId);
    if (!conn) return { ok: false, errors: [{ path: "connectionId", message: `no connection ${req.connectionId}` }] };
    const partner = connectionPartner(conn.id, conn.settings);
    const deliver = typeof conn.settings.outboundUrl === "string" && conn.settings.outboundUrl !== "";
    const prefix = typeof conn.settings.gs1CompanyPrefix === "string" ? conn.settings.gs1CompanyPrefix : undefined;
    const out = this.ctx.storage.transactionSync((): Written => {
      this.#store.setMeta("connectionId", conn.id);
      const prior = this.#store.byKey(req.key);
      if (prior) return { ...view(prior), replayed: true };
      const ctx = { last: this.#store.lastControl(), now: new Date() };
      let r;
      if (req.kind === "855") r = write855(req.doc, partner, ctx);
      else {
        const shipmentId = `SH${String(this.#store.next("shipment")).padStart(8, "0")}`;
        let notice: ShipNotice = { ...req.doc, shipmentId };
        if (partner.sscc) {
          if (!prefix) return { ok: false, errors: [{ path: "settings.gs1CompanyPrefix", message: "the partner needs SSCC-18 labels: set the connection's gs1CompanyPrefix" }] };
          const sscc = buildSscc({ extension: 0, companyPrefix: prefix, serial: this.#store.next("sscc") });
          if (!sscc.ok) return { ok: false, errors: [{ path: "settings.gs1CompanyPrefix", message: sscc.reason }] };
          // One labelled carton per shipment: the WMS's own pack list does not reach us.
          notice = { ...notice, orders: notice.orders.map((o) => ({ ...o, packs: [{ sscc: sscc.sscc, items: [...(o.items ?? [])] }], items: [] })) };
        }
        r = write856(notice, partner, ctx);
      }
      if (!r.ok) return { ok: false, errors: r.errors };
      return this.#keep(req.key, req.kind, req.orderId, null, r, deliver ? "pending" : "stored");
    });
    if (out.ok && !out.replayed && deliver) {
      this.#timers.schedule("deliver", Date.now());
      await this.#timers.arm();
    }
    return out;
  }

  /** The outbox, oldest first from the cursor `after` (a document's id). */
  documents(q: { after?: number; limit?: number; kind?: string } = {}): { items: DocumentView[]; next: number | null } {
    const limit = Math.min(Math.max(q.limit ?? 50, 1), 100);
    const rows = this.#store.list(q.after ?? 0, limit, q.kind);
    return { items: rows.map(DOCUMENT_VIEW), next: rows.length === limit ? rows.at(-1)!.seq : null };
  }

  override async alarm(): Promise<void> {
    const now = Date.now();
    if (this.#timers.isDue("deliver", now)) {
      this.#timers.clear("deliver");
      const connectionId = this.#store.meta("connectionId");
      if (connectionId) await deliverDue(this.env, this.#store, connectionId, now);
      const next = this.#store.earliestDue();
      if (next !== null) this.#timers.schedule("deliver", next);
    }
    await this.#timers.arm();
  }

  #keep(key: string, kind: string, orderId: string, ref: string | null, r: { text: string; control: { isa: number; gs: number; st: number }; written: { isa13: string; gs06: string; st02: string[] } }, delivery: "pending" | "stored" | "by_order"): Written {
    // The numbers are stored with the interchange, in this transaction, before anyone sends it.
    this.#store.setControl(r.control);
    const doc = this.#store.insert({ key, kind, orderId, ref, text: r.text, isa13: r.written.isa13, gs06: r.written.gs06, st02: r.written.st02.join(","), createdAt: new Date().toISOString(), delivery, nextAt: delivery === "pending" ? Date.now() : null });
    return { ...view(doc), replayed: false };
  }
}

function view(d: { seq: number; text: string; isa13: string; gs06: string; st02: string }) {
  return { ok: true as const, documentId: d.seq, text: d.text, isa13: d.isa13, gs06: d.gs06, st02: d.st02 };
}
