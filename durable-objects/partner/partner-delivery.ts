/**
 * Delivering a partner's queued interchanges (855, 856) from its object's alarm: POST to the
 * connection's `outboundUrl` (checked against the outbound URL policy at the moment of calling),
 * full-jitter backoff honouring Retry-After, at most PARTNER_MAX_ATTEMPTS, then `failed` (still
 * in the outbox for polling). Each outcome is told to the order it belongs to, on its timeline.
 */
import { sendInterchange } from "../../connectors/fulfillers";
import { nextDelaySeconds } from "../../core/retry";
import { loadConnection } from "../../lib/connections";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";
import { orderStubById } from "../../lib/orders";
import { callableUrl } from "../../lib/outbound";
import type { DocumentRow, PartnerStore } from "./partner-store";

export const PARTNER_MAX_ATTEMPTS = 10;

export interface DocumentView {
  id: number;
  kind: string;
  orderId: string | null;
  isa13: string;
  gs06: string;
  st02: string;
  createdAt: string;
  delivery: { state: string; attempts: number; lastStatus: number | null; lastError: string | null; deliveredAt: string | null };
  text: string;
}

export const DOCUMENT_VIEW = (d: DocumentRow): DocumentView => ({
  id: d.seq,
  kind: d.kind,
  orderId: d.orderId,
  isa13: d.isa13,
  gs06: d.gs06,
  st02: d.st02,
  createdAt: d.createdAt,
  delivery: { state: d.delivery, attempts: d.attempts, lastStatus: d.lastStatus, lastError: d.lastError, deliveredAt: d.deliveredAt },
  text: d.text,
});

export async function deliverDue(env: Env, store: PartnerStore, connectionId: string, now: number): Promise<void> {
  const conn = await loadConnection(env, connectionId);
  const url = typeof conn?.settings.outboundUrl === "string" ? callableUrl(env, conn.settings.outboundUrl) : null;
  const token = typeof conn?.settings.outboundToken === "string" ? conn.settings.outboundToken : undefined;
  const base = { baseSeconds: Number(env.RETRY_BASE_SECONDS ?? "2") };
  for (const doc of store.due(now)) {
    if (!url) {
      // The URL was removed or is refused by the policy: keep the document for polling, stop sending.
      store.recordAttempt(doc.seq, { delivery: "stored", status: null, error: "no callable outboundUrl", nextAt: null, deliveredAt: null });
      continue;
    }
    const r = await sendInterchange(url, token, doc.text, { fetch });
    const attempts = doc.attempts + 1;
    if (r.outcome === "delivered") {
      store.recordAttempt(doc.seq, { delivery: "delivered", status: r.status, error: null, nextAt: null, deliveredAt: new Date().toISOString() });
      await tell(env, doc, connectionId, "delivered", { httpStatus: r.status, attempts });
    } else if (r.outcome === "refused" || attempts >= PARTNER_MAX_ATTEMPTS) {
      store.recordAttempt(doc.seq, { delivery: "failed", status: r.status, error: r.reason, nextAt: null, deliveredAt: null });
      await tell(env, doc, connectionId, "delivery_failed", { httpStatus: r.status, attempts, reason: r.reason });
    } else {
      const delay = Math.max(1, nextDelaySeconds(attempts, r.outcome === "retry" ? r.retryAfter : null, base));
      store.recordAttempt(doc.seq, { delivery: "pending", status: r.status, error: r.reason, nextAt: Date.now() + delay * 1000, deliveredAt: null });
    }
  }
}

/** The order's timeline hears how its document went; a failure here only costs that line. */
async function tell(env: Env, doc: DocumentRow, connectionId: string, what: string, detail: Record<string, unknown>): Promise<void> {
  const stub = doc.orderId ? orderStubById(env, doc.orderId) : null;
  if (!stub) return;
  try {
    await stub.noteChannelEvent(`edi_${doc.kind}_${what}`, `edi:${connectionId}`, { documentId: doc.seq, isa13: doc.isa13, st02: doc.st02, ...detail }, { channels: "*" });
  } catch (e) {
    log.warn("could not note an EDI delivery on its order", { orderId: doc.orderId, error: String(e) });
  }
}
