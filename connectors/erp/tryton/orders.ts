/**
 * Cancel, read back and list changed sales.
 *
 * Cancel: Tryton cancels a sale only in draft or quotation (a confirmed one is first put back
 * to draft, which Tryton allows). A processing sale has a shipment and usually an invoice, and
 * `cancel` on it silently changes nothing. Tryton's own way out (cancel the shipment, process,
 * then the shipment-exception wizard) ends with the sale *done*, not cancelled, and leaves the
 * invoice to be dealt with; it is the warehouse's and accounting's call, not an integration's.
 * So the connector answers `rejected / not_cancellable` with Tryton's state, and a person
 * decides in Tryton.
 */
import type { ErpOrderStatus, ErpPage, ErpResult } from "../types";
import { button, type Row } from "./orm";
import type { TrytonRpc } from "./rpc";
import { decodeCursor, encodeCursor, feedPage, START, validFeedCursor, type FeedCursor } from "./feed";
import { erpStateOf, readSale, saleById, salesByReference, SALE_FIELDS, statusOf } from "./sales";

const PAGE = 100;
const CURSOR = "tryton-sales-1";

async function findSale(rpc: TrytonRpc, ref: { erpOrderId?: string; orderId: string }): Promise<ErpResult<Row | null>> {
  if (ref.erpOrderId) {
    const byId = await saleById(rpc, ref.erpOrderId);
    if (byId.kind !== "ok" || byId.value) return byId;
  }
  const byRef = await salesByReference(rpc, ref.orderId);
  if (byRef.kind !== "ok") return byRef;
  return { kind: "ok", value: byRef.value[0] ?? null };
}

/** @example await getOrder(rpc, { orderId: "ord_1" }) // { kind: "ok", value: { erpOrderId: "12", state: "processing", … } } */
export async function getOrder(rpc: TrytonRpc, ref: { erpOrderId?: string; orderId: string }): Promise<ErpResult<ErpOrderStatus | null>> {
  const r = await findSale(rpc, ref);
  if (r.kind !== "ok") return r;
  return { kind: "ok", value: r.value ? statusOf(r.value) : null };
}

/** @example await cancelOrder(rpc, { erpOrderId: "12", orderId: "ord_1" }) // ok cancelled, or rejected not_cancellable */
export async function cancelOrder(rpc: TrytonRpc, ref: { erpOrderId: string; orderId: string }): Promise<ErpResult<{ state: ErpOrderStatus["state"] }>> {
  // The ERP id must be the sale carrying our reference; otherwise find ours by reference.
  const byId = await saleById(rpc, ref.erpOrderId);
  if (byId.kind !== "ok") return byId;
  let sale = byId.value && byId.value.reference === ref.orderId ? byId.value : null;
  if (!sale) {
    const byRef = await salesByReference(rpc, ref.orderId);
    if (byRef.kind !== "ok") return byRef;
    sale = byRef.value[0] ?? null;
  }
  if (!sale) return { kind: "rejected", code: "other", reason: `Tryton has no sale ${ref.erpOrderId} with reference "${ref.orderId}"` };

  const steps: Record<string, string[]> = { draft: ["cancel"], quotation: ["cancel"], confirmed: ["draft", "cancel"] };
  for (const method of steps[String(sale.state)] ?? []) {
    const r = await button(rpc, "sale.sale", method, [sale.id]);
    if (r.kind === "config") return r;
    if (r.kind === "rejected") return { ...r, code: "not_cancellable" };
    // A retry-class failure may still have happened: the read below decides.
  }
  const now = await readSale(rpc, sale.id);
  if (now.kind !== "ok") return now;
  const status = statusOf(now.value);
  if (status.state === "cancelled") return { kind: "ok", value: { state: "cancelled" } };
  if (["draft", "open", "confirmed"].includes(status.state)) {
    return { kind: "retry", reason: `Tryton sale ${sale.id} is still ${erpStateOf(now.value)} after cancel`, retryAfterSeconds: null };
  }
  return {
    kind: "rejected",
    code: "not_cancellable",
    reason: `Tryton sale ${sale.id} is ${erpStateOf(now.value)}: Tryton cancels only draft, quotation or confirmed sales; cancel its shipment and invoice in Tryton`,
  };
}

/** Sales changed after `cursor` (null: all of them), oldest change first, 100 per page. */
export async function ordersChangedSince(rpc: TrytonRpc, cursor: string | null): Promise<ErpResult<ErpPage<ErpOrderStatus>>> {
  const from = cursor === null ? START : decodeCursor<FeedCursor>(CURSOR, cursor);
  if (!validFeedCursor(from)) return { kind: "config", reason: "ordersChangedSince was given a cursor this Tryton connector did not issue" };
  const page = await feedPage(rpc, "sale.sale", [], SALE_FIELDS, from, PAGE);
  if (page.kind !== "ok") return page;
  return { kind: "ok", value: { items: page.value.rows.map(statusOf), cursor: encodeCursor(CURSOR, page.value.cursor), more: page.value.more } };
}
