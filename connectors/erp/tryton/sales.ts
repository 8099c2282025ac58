/**
 * Reading Tryton sales (`sale.sale`) and their workflow. States (trytond sale 6.0): draft →
 * quotation → confirmed → processing → done, and cancelled from draft or quotation only.
 * Workflow buttons answer `null` and silently skip a record whose transition is not allowed,
 * so the state is always read back rather than inferred from the call.
 */
import type { ErpOrderStatus, ErpResult } from "../types";
import { isoMillis } from "./codec";
import { read, searchRead, type Row } from "./orm";
import type { TrytonRpc } from "./rpc";

export const SALE_FIELDS = ["number", "reference", "state", "shipment_state", "invoice_state", "write_date", "create_date"];

const STATES: Record<string, ErpOrderStatus["state"]> = {
  draft: "draft",
  quotation: "open",
  confirmed: "confirmed",
  processing: "processing",
  done: "done",
  cancelled: "cancelled",
};

/** Tryton's words for a sale, e.g. `processing (shipment waiting, invoice waiting), sale 12`. */
export function erpStateOf(row: Row): string {
  const parts = [row.shipment_state && row.shipment_state !== "none" ? `shipment ${row.shipment_state}` : null, row.invoice_state && row.invoice_state !== "none" ? `invoice ${row.invoice_state}` : null].filter(Boolean);
  return `${row.state}${parts.length ? ` (${parts.join(", ")})` : ""}${row.number ? `, sale ${row.number}` : ""}`;
}

/**
 * A sale row as Switchyard sees it; a processing sale whose shipments are all sent is `shipped`.
 * @example statusOf({ id: 3, state: "quotation", reference: "o1", write_date: "2026-01-01T00:00:00.000000Z" }).state // "open"
 */
export function statusOf(row: Row): ErpOrderStatus {
  const state = row.state === "processing" && row.shipment_state === "sent" ? "shipped" : (STATES[String(row.state)] ?? "processing");
  const stamp = String(row.write_date ?? row.create_date ?? "");
  return {
    erpOrderId: String(row.id),
    reference: typeof row.reference === "string" && row.reference ? row.reference : null,
    state,
    erpState: erpStateOf(row),
    updatedAt: stamp ? isoMillis(stamp) : new Date(0).toISOString(),
  };
}

/** Sales carrying `reference`, oldest first (Tryton does not make `reference` unique). */
export function salesByReference(rpc: TrytonRpc, reference: string): Promise<ErpResult<Row[]>> {
  return searchRead(rpc, "sale.sale", [["reference", "=", reference]], SALE_FIELDS, { order: [["id", "ASC"]] });
}

/** One sale by id, or null when Tryton has none (ids that are not numbers are not Tryton's). */
export async function saleById(rpc: TrytonRpc, erpOrderId: string): Promise<ErpResult<Row | null>> {
  const id = Number(erpOrderId);
  if (!Number.isSafeInteger(id) || id <= 0) return { kind: "ok", value: null };
  // search first: reading a missing id is an error in Tryton, searching for it is not.
  const r = await searchRead(rpc, "sale.sale", [["id", "=", id]], SALE_FIELDS, { limit: 1 });
  if (r.kind !== "ok") return r;
  return { kind: "ok", value: r.value[0] ?? null };
}

export async function readSale(rpc: TrytonRpc, id: number): Promise<ErpResult<Row>> {
  const r = await read(rpc, "sale.sale", [id], SALE_FIELDS);
  if (r.kind !== "ok") return r;
  const row = r.value[0];
  return row ? { kind: "ok", value: row } : { kind: "retry", reason: `Tryton sale ${id} is not readable`, retryAfterSeconds: null };
}
