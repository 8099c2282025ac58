/**
 * Consumer of the dispatch queue: hands each order (and each cancel) to the ERP connection it
 * belongs to (lib/erp-connections.ts) through that kind's connector (lib/erp-registry.ts). Every
 * message is acked or retried on its own and nothing is thrown (one poison message must not
 * replay a batch). The messages of one batch are booked concurrently; the holds of every order
 * the ERP accepted in it are then marked seen by the ERP in one InventoryDO call per SKU (not one
 * per SKU per order), and each order records its acceptance with the mark done. If a SKU's call
 * fails, the orders on it mark their own holds, as an owed effect they retry. The connector's
 * verdict decides:
 * - `ok`: the order is accepted with the ERP's id (connectors never book twice: they look the
 *   order up by its reference before creating, and again after a lost answer);
 * - `rejected`: an exception on the order with the ERP's reason, typed `unknown_customer` /
 *   `unknown_item` when it is master data (retry it with `POST /v1/orders/{id}/retry-erp` once fixed);
 * - `retry`: full-jitter backoff, never sooner than the ERP's `Retry-After`;
 * - `config`: alerted (an `erp.config` exception and an error log line) and retried slowly;
 *   after ERP_MAX_ATTEMPTS the platform dead-letters it (dead-letters.ts) like any other failure.
 */
import type { ErpConnectionConfig } from "../../connectors/erp/types";
import { erpPollerName } from "../../core/keys";
import { nextDelaySeconds } from "../../core/retry";
import { alertCancelRefused, alertErpConfig, clearErpConfigAlert } from "../../lib/erp-alerts";
import { erpConnectionFor } from "../../lib/erp-connections";
import { toErpOrder } from "../../lib/erp-order";
import { erpReference } from "../../lib/erp-reference";
import { CallMeter, erpConnector } from "../../lib/erp-registry";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";
import { countMetric, observe } from "../../lib/metrics";
import type { DispatchMessage } from "../../lib/messages";
import { orderStubById } from "../../lib/orders";
import { markOrdersSeenByErp } from "../../lib/reservations";

type ErpMessage = Message<Exclude<DispatchMessage, { kind: "channel.hydrate" | "publish.figures" }>>;
type OrderStub = NonNullable<ReturnType<typeof orderStubById>>;
type Payload = NonNullable<Awaited<ReturnType<OrderStub["erpPayload"]>>>;

/** Master-data rejections become the order's own exception reason; any other is `erp_rejected`. */
const TYPED_REJECTIONS = new Set(["unknown_customer", "unknown_item"]);
const CONFIG_PREFIX = "config: ";

/**
 * A booking the ERP accepted, not yet reported to the order: the batch marks the holds of all of
 * them first (one call per SKU, not one per SKU per order), then each order records it.
 */
interface Accepted {
  msg: ErpMessage;
  stub: OrderStub;
  p: Payload;
  report: Extract<Parameters<OrderStub["recordErp"]>[0], { type: "accepted" }>;
  at: number;
  connection: string;
  log: Record<string, unknown>;
}

/** Every ERP message of one queue batch: each acked or retried on its own, nothing thrown. */
export async function handleDispatchBatch(msgs: ErpMessage[], env: Env): Promise<void> {
  const accepted = (await Promise.all(msgs.map((m) => handleDispatch(m, env)))).filter((a): a is Accepted => a !== null);
  if (!accepted.length) return;
  // Every one of them was unconfirmed when it was booked (a confirmed order is acked unbooked);
  // a mark made twice is a no-op in the SKU's object.
  // Never throws: a SKU whose call failed leaves its orders' counts null.
  const counts = await markOrdersSeenByErp(
    env,
    accepted.map((a) => ({ orderId: a.msg.body.orderId, skus: a.p.order.lines.map((l) => l.sku), at: a.at })),
  );
  await Promise.all(accepted.map((a, i) => recordAccepted(env, a, counts[i] ?? null)));
}

async function recordAccepted(env: Env, a: Accepted, marked: number | null): Promise<void> {
  const m = a.msg.body;
  const baseSeconds = Number(env.RETRY_BASE_SECONDS ?? "2");
  try {
    // The order marks its holds seen by the ERP itself (an owed effect it retries) unless the batch did.
    await a.stub.recordErp({ ...a.report, ...(marked !== null ? { holdsSeen: { at: a.at, marked } } : {}) });
    if (a.p.lastError?.startsWith(CONFIG_PREFIX)) await clearErpConfigAlert(env, a.connection, m.orderId);
    log.info("erp accepted", a.log);
    a.msg.ack();
  } catch (e) {
    // The ERP has it; the retry finds it there by its reference and reports again.
    log.error("dispatch failed", { orderId: m.orderId, orchestrationId: m.orchestrationId, error: String(e) });
    a.msg.retry({ delaySeconds: nextDelaySeconds(a.msg.attempts, null, { baseSeconds }) });
  }
}

/** One message: settled here (acked or retried), or an ERP acceptance the batch reports. */
async function handleDispatch(msg: ErpMessage, env: Env): Promise<Accepted | null> {
  const m = msg.body;
  const baseSeconds = Number(env.RETRY_BASE_SECONDS ?? "2");
  try {
    // The order id names the order's object: nothing here reads D1 for the order.
    const stub = orderStubById(env, m.orderId);
    const p = stub ? await stub.erpPayload() : null;
    if (!stub || !p) {
      log.error("dispatch message for an order that does not exist; dropped", { orderId: m.orderId, orchestrationId: m.orchestrationId });
      msg.ack();
      return null;
    }
    if (m.kind === "erp.cancel") {
      await cancel(msg, env, stub, p, baseSeconds);
      return null;
    }
    // Redelivered or superseded messages: the order already reached the ERP, or was cancelled.
    if (p.dispatchState === "confirmed" || p.dispatchState === "rejected" || p.status === "cancelled" || p.dispatchState === "skipped") {
      msg.ack();
      return null;
    }
    return await book(msg, env, stub, p, baseSeconds);
  } catch (e) {
    // Our own platform failed (D1, a DO): retry the message, never throw out of the consumer.
    log.error("dispatch failed", { orderId: m.orderId, orchestrationId: m.orchestrationId, error: String(e) });
    msg.retry({ delaySeconds: nextDelaySeconds(msg.attempts, null, { baseSeconds }) });
    return null;
  }
}

async function book(msg: ErpMessage, env: Env, stub: OrderStub, p: Payload, baseSeconds: number): Promise<Accepted | null> {
  const m = msg.body;
  const target = await erpConnectionFor(env, p.order.channel);
  if (!target.ok) {
    await misconfigured(msg, env, stub, p, "(none)", target.reason, null, baseSeconds);
    return null;
  }
  const conn = target.config;
  // Where each line is held came with the payload: one call to the order's object, not two.
  const order = toErpOrder(p, new Map(p.held.map((h) => [h.lineNo, h.location])));
  const reference = await referenceFor(env, conn, m.orderId);
  order.orderId = reference;
  const meter = new CallMeter();
  const r = await erpConnector(env, conn, meter).createOrder(order);
  // Buffered; the queue handler flushes once per batch.
  countMetric(env, undefined, "switchyard_erp_attempts_total", { erp_connection: conn.id, result: r.kind === "ok" ? "success" : r.kind === "config" ? "auth_config" : r.kind });
  observe(env, undefined, "switchyard_erp_call_seconds", { erp_connection: conn.id }, meter.elapsedMs / 1000);
  const fields = { orderId: m.orderId, orchestrationId: m.orchestrationId, connection: conn.id, attempt: msg.attempts, httpStatus: meter.lastStatus, latencyMs: meter.elapsedMs };
  switch (r.kind) {
    case "ok": {
      const { erpOrderId, created } = r.value;
      const report = { type: "accepted" as const, attempt: msg.attempts, erpOrderId, httpStatus: meter.lastStatus ?? 0, latencyMs: meter.elapsedMs, version: p.version, connection: conn.id, ...(reference !== m.orderId ? { reference } : {}) };
      return { msg, stub, p, report, at: Date.now(), connection: conn.id, log: { ...fields, erpOrderId, created } };
    }
    case "rejected": {
      const code = TYPED_REJECTIONS.has(r.code) ? r.code : undefined;
      await stub.recordErp({ type: "rejected", attempt: msg.attempts, httpStatus: r.httpStatus ?? meter.lastStatus ?? 0, reason: r.reason, version: p.version, ...(code ? { code } : {}) });
      log.warn("erp rejected", { ...fields, reason: r.reason, code: r.code });
      msg.ack();
      return null;
    }
    case "retry": {
      const delay = nextDelaySeconds(msg.attempts, r.retryAfterSeconds, { baseSeconds });
      await stub.recordErp({ type: "attempt", attempt: msg.attempts, httpStatus: r.httpStatus ?? null, latencyMs: meter.elapsedMs, error: r.reason, retryInSeconds: delay, version: p.version });
      log.warn("erp attempt failed; retrying", { ...fields, retryInSeconds: delay, error: r.reason });
      msg.retry({ delaySeconds: delay });
      return null;
    }
    case "config":
      await misconfigured(msg, env, stub, p, conn.id, r.reason, r.httpStatus ?? null, baseSeconds, meter.elapsedMs);
      return null;
  }
}

/** The ERP refuses our credentials or configuration: alert a person and retry slowly; the DLQ ends it. */
async function misconfigured(msg: ErpMessage, env: Env, stub: OrderStub, p: Payload, connection: string, reason: string, httpStatus: number | null, baseSeconds: number, latencyMs = 0): Promise<void> {
  const m = msg.body;
  await alertErpConfig(env, { connection, subject: m.orderId, orderId: m.orderId, reason, attempt: msg.attempts, orchestrationId: m.orchestrationId });
  const delay = configDelaySeconds(msg.attempts, baseSeconds);
  if (m.kind === "erp.order") {
    await stub.recordErp({ type: "attempt", attempt: msg.attempts, httpStatus, latencyMs, error: `${CONFIG_PREFIX}${reason}`, retryInSeconds: delay, version: p.version });
  }
  return msg.retry({ delaySeconds: delay });
}

async function cancel(msg: ErpMessage, env: Env, stub: OrderStub, p: Payload, baseSeconds: number): Promise<void> {
  const m = msg.body;
  if (!p.erpOrderId) return msg.ack(); // never booked: nothing to cancel in the ERP
  // The connection that booked it (orders booked before connections were recorded: as routed now).
  const target = await erpConnectionFor(env, p.order.channel, p.erpConnection);
  if (!target.ok) return misconfigured(msg, env, stub, p, p.erpConnection ?? "(none)", target.reason, null, baseSeconds);
  const conn = target.config;
  const meter = new CallMeter();
  const r = await erpConnector(env, conn, meter).cancelOrder({ erpOrderId: p.erpOrderId, orderId: await erpReference(conn.kind, m.orderId), orchestrationId: m.orchestrationId });
  switch (r.kind) {
    case "ok":
      await stub.recordErp({ type: "cancel_sent", httpStatus: meter.lastStatus ?? 0, detail: `${conn.id}: the ERP's order ${p.erpOrderId} is ${r.value.state}` });
      return msg.ack();
    case "rejected":
      // Final: the ERP keeps the order (shipped, locked, processing). On the timeline, and in front of a person.
      await stub.recordErp({ type: "cancel_sent", httpStatus: r.httpStatus ?? meter.lastStatus ?? 0, detail: `${r.code}: ${r.reason}`, refused: true });
      await alertCancelRefused(env, { connection: conn.id, orderId: m.orderId, erpOrderId: p.erpOrderId, reason: r.reason, orchestrationId: m.orchestrationId });
      return msg.ack();
    case "retry":
      log.warn("erp cancel failed; retrying", { orderId: m.orderId, orchestrationId: m.orchestrationId, connection: conn.id, error: r.reason });
      return msg.retry({ delaySeconds: nextDelaySeconds(msg.attempts, r.retryAfterSeconds, { baseSeconds }) });
    case "config":
      return misconfigured(msg, env, stub, p, conn.id, r.reason, r.httpStatus ?? null, baseSeconds);
  }
}

/** The reference the ERP gets for the order; a digest is first remembered by the connection's poller. */
async function referenceFor(env: Env, conn: ErpConnectionConfig, orderId: string): Promise<string> {
  const ref = await erpReference(conn.kind, orderId);
  if (ref !== orderId) await env.ERP_POLLERS.getByName(erpPollerName(conn.id)).rememberReference(ref, orderId);
  return ref;
}

/**
 * Slow, bounded retries while a configuration is wrong: 30× the base backoff, doubling, at most an
 * hour, never less than half the ceiling (a person has to fix something; hammering will not help).
 */
export function configDelaySeconds(attempt: number, baseSeconds: number, random = Math.random): number {
  const ceiling = Math.min(3600, baseSeconds * 30 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
