/** Order access shared by every inbound path and by dispatch. */
import type { Env } from "./env";

/** The TransactionDO that owns one logical order: (channel, externalId) is its business identity. */
export function orderStub(env: Env, channel: string, externalId: string) {
  return env.TRANSACTIONS.getByName(`order:${channel}:${externalId}`);
}

type OrderRow = {
  id: string; orchestration_id: string; channel: string; external_id: string; version: number; status: string; source: string;
  erp_order_id: string | null; exception_reason: string | null; exception_detail: string | null; dispatch_state: string;
  created_at: string; updated_at: string; payload: string;
};

export async function findOrderRow(env: Env, orderId: string): Promise<OrderRow | null> {
  return env.DB.prepare("SELECT * FROM orders WHERE id = ?").bind(orderId).first<OrderRow>();
}

export async function findOrderIdByExternal(env: Env, channel: string, externalId: string): Promise<string | null> {
  const r = await env.DB.prepare("SELECT id FROM orders WHERE channel = ? AND external_id = ?").bind(channel, externalId).first<{ id: string }>();
  return r?.id ?? null;
}

/** The order as partners read it: status, lines, ERP id and the whole timeline. */
export async function orderDetail(env: Env, orderId: string) {
  const [order, lines, timeline] = await env.DB.batch([
    env.DB.prepare("SELECT * FROM orders WHERE id = ?").bind(orderId),
    env.DB.prepare("SELECT line_no, sku, quantity, unit_price, reserved, backordered, shipped FROM order_lines WHERE order_id = ? ORDER BY line_no").bind(orderId),
    env.DB.prepare("SELECT at, type, source, detail FROM timeline WHERE order_id = ? ORDER BY seq").bind(orderId),
  ]);
  const o = order!.results[0] as OrderRow | undefined;
  if (!o) return null;
  return {
    orderId: o.id,
    orchestrationId: o.orchestration_id,
    channel: o.channel,
    externalId: o.external_id,
    version: o.version,
    status: o.status,
    source: o.source,
    ...(o.erp_order_id ? { erpOrderId: o.erp_order_id } : {}),
    ...(o.exception_reason ? { exception: { reason: o.exception_reason, detail: o.exception_detail } } : {}),
    dispatchState: o.dispatch_state,
    lines: (lines!.results as { line_no: number; sku: string; quantity: number; unit_price: string | null; reserved: number; backordered: number; shipped: number }[]).map((l) => ({
      lineNo: l.line_no,
      sku: l.sku,
      quantity: l.quantity,
      ...(l.unit_price ? { unitPrice: l.unit_price } : {}),
      reserved: l.reserved,
      backordered: l.backordered,
      shipped: l.shipped,
    })),
    timeline: (timeline!.results as { at: string; type: string; source: string; detail: string }[]).map((t) => ({
      at: t.at,
      type: t.type,
      source: t.source,
      detail: JSON.parse(t.detail) as Record<string, unknown>,
    })),
    createdAt: o.created_at,
    updatedAt: o.updated_at,
  };
}
