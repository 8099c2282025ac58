/**
 * Reading back from one ERP connection: stock per location, order status changes and shipments,
 * each a stream followed from a durable cursor (kept by the connection's ErpPollerDO, passed in
 * as a `PollStore`). A cursor moves only after its page is applied, so a crash repeats a page
 * and never skips one; everything a page applies is idempotent:
 * - stock rows become inventory `snapshot` events (source `erp`, `asOf` the ERP's watermark, event
 *   ids deterministic per (connection, sku, location, asOf)) through each SKU's InventoryDO, so
 *   the watermark merge subtracts holds the ERP had not seen yet;
 * - an order's ERP state lands on its timeline (`erp_status`) once per state; an order cancelled
 *   in the ERP is cancelled here too (its holds are released);
 * - a shipment becomes a `shipped` fact on the order (event id `erp:<connection>:<shipmentId>`).
 * Orders are reached by the reference the connector wrote into the ERP (our order id).
 */
import type { ErpConnectionConfig, ErpOrderStatus, ErpPage, ErpProduct, ErpResult, ErpShipment, ErpStockRow } from "../connectors/erp/types";
import { inventoryEventSchema, type InventoryEvent } from "../core/canonical";
import { sha256Hex } from "../core/crypto";
import { ORDER_ID } from "../core/keys";
import { recordException } from "../db/exceptions";
import { applyInventory } from "../lib/channel-events";
import type { Env } from "../lib/env";
import { CallMeter, erpConnector } from "../lib/erp-registry";
import { orderStubById } from "../lib/orders";
import { writeProducts } from "../lib/master";

export type PollStream = "stock" | "orders" | "shipments" | "products";
export const POLL_STREAMS: readonly PollStream[] = ["stock", "shipments", "orders"];

/** Durable state of one connection's poller (its Durable Object's storage). */
export interface PollStore {
  cursor(stream: PollStream): string | null;
  saveCursor(stream: PollStream, cursor: string): void;
  /** The order a short ERP reference stands for (lib/erp-reference.ts), when it is not an order id itself. */
  orderFor(reference: string): string | null;
  /** The last ERP state noted on an order's timeline (dedupes repeated reads of one state). */
  lastState(orderId: string): string | null;
  rememberState(orderId: string, state: string): void;
}

export interface PollReport {
  connection: string;
  at: string;
  outcome: "ok" | "retry" | "config";
  reason?: string;
  retryAfterSeconds?: number | null;
  /** A stream still had pages when the run stopped: poll again soon. */
  more: boolean;
  calls: number;
  stock: { pages: number; rows: number; accepted: number; duplicates: number; stale: number; invalid: number };
  orders: { pages: number; changes: number; noted: number; cancelled: number; notOurs: number };
  shipments: { pages: number; seen: number; accepted: number; duplicates: number; deferred: number; refused: number; unknownOrder: number };
  /** Products the ERP owns, into master data (connectors that can list them). */
  products?: { pages: number; seen: number; applied: number; stale: number };
}

const MAX_PAGES_PER_STREAM = 10;
const SOURCE = (connection: string) => `erp:${connection}`;
const SCOPE = { channels: "*" } as const;

/**
 * One poll of every stream, in order (stock, shipments, orders); stops at the first answer that
 * is not `ok` (the caller backs off on `retry`, alerts on `config`).
 *
 * @example const report = await pollErp(env, config, store);
 */
export async function pollErp(env: Env, config: ErpConnectionConfig, store: PollStore): Promise<PollReport> {
  const meter = new CallMeter();
  const erp = erpConnector(env, config, meter);
  const report: PollReport = {
    connection: config.id,
    at: new Date().toISOString(),
    outcome: "ok",
    more: false,
    calls: 0,
    stock: { pages: 0, rows: 0, accepted: 0, duplicates: 0, stale: 0, invalid: 0 },
    orders: { pages: 0, changes: 0, noted: 0, cancelled: 0, notOurs: 0 },
    shipments: { pages: 0, seen: 0, accepted: 0, duplicates: 0, deferred: 0, refused: 0, unknownOrder: 0 },
    ...(erp.productsChangedSince ? { products: { pages: 0, seen: 0, applied: 0, stale: 0 } } : {}),
  };
  const steps: Record<PollStream, () => Promise<ErpResult<{ cursor: string; more: boolean }>>> = {
    products: async () => {
      const r = await erp.productsChangedSince!(store.cursor("products"));
      if (r.kind === "ok") await applyProducts(env, config.id, r.value.items, report);
      return r;
    },
    stock: async () => {
      const r = await erp.stockByLocation({ cursor: store.cursor("stock") });
      if (r.kind === "ok") await applyStock(env, config.id, r.value, report);
      return r;
    },
    shipments: async () => {
      const r = await erp.shipmentsSince(store.cursor("shipments"));
      if (r.kind === "ok") await applyShipments(env, config.id, r.value, store, report);
      return r;
    },
    orders: async () => {
      const r = await erp.ordersChangedSince(store.cursor("orders"));
      if (r.kind === "ok") await applyOrders(env, config.id, r.value, store, report);
      return r;
    },
  };
  for (const stream of erp.productsChangedSince ? [...POLL_STREAMS, "products" as const] : POLL_STREAMS) {
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES_PER_STREAM) {
        report.more = true;
        break;
      }
      const r = await steps[stream]();
      if (r.kind !== "ok") {
        report.outcome = r.kind === "config" ? "config" : "retry";
        report.reason = `${stream}: ${r.reason}`;
        if (r.kind === "retry") report.retryAfterSeconds = r.retryAfterSeconds;
        report.calls = meter.calls;
        return report;
      }
      report[stream]!.pages++;
      store.saveCursor(stream, r.value.cursor);
      if (!r.value.more) break;
    }
  }
  report.calls = meter.calls;
  return report;
}

/** The ERP's products as master data it owns (`owner: erp:<connection>`), by the ERP's version. */
async function applyProducts(env: Env, connection: string, items: ErpProduct[], report: PollReport): Promise<void> {
  const p = report.products!;
  p.seen += items.length;
  if (!items.length) return;
  const results = await writeProducts(env, items.map((i) => ({ sku: i.sku, body: { status: i.status, version: i.version, owner: `erp:${connection}`, ...(i.name ? { name: i.name } : {}), ...(i.units ? { units: i.units } : {}) } })));
  for (const r of results) {
    if (r.outcome === "created" || r.outcome === "updated") p.applied++;
    else p.stale++;
  }
}

async function applyStock(env: Env, connection: string, page: ErpPage<ErpStockRow> & { asOf: string }, report: PollReport): Promise<void> {
  const events: InventoryEvent[] = [];
  for (const row of page.items) {
    const ev = await snapshotEvent(connection, row, page.asOf);
    if (ev) events.push(ev);
    else report.stock.invalid++;
  }
  report.stock.rows += page.items.length;
  if (!events.length) return;
  const r = await applyInventory(env, events);
  report.stock.accepted += r.accepted;
  report.stock.duplicates += r.duplicates;
  report.stock.stale += r.stale;
}

/** A stock row as the snapshot event the ERP would have sent; null when it does not fit the model. */
export async function snapshotEvent(connection: string, row: ErpStockRow, asOf: string): Promise<InventoryEvent | null> {
  let eventId = `erp:${connection}:${row.sku}:${row.location}:${asOf}`;
  if (eventId.length > 200) eventId = `erp:${connection}:${await sha256Hex(eventId)}`.slice(0, 200);
  // Figures are whole, non-negative units: an ERP location can run negative (over-shipped), which is zero here.
  const units = (n: number) => Math.max(0, Math.round(Number.isFinite(n) ? n : 0));
  const parsed = inventoryEventSchema.safeParse({
    eventId,
    source: "erp",
    type: "snapshot",
    sku: row.sku,
    location: row.location,
    asOf,
    quantities: { onHand: units(row.onHand), committed: units(row.committed) },
  });
  return parsed.success ? parsed.data : null;
}

/** Our order id behind an ERP reference: the reference itself, or the digest the poller remembers. */
function orderIdOf(reference: string | null, store: PollStore): string | null {
  if (!reference) return null;
  if (ORDER_ID.test(reference)) return reference;
  const mapped = store.orderFor(reference);
  return mapped && ORDER_ID.test(mapped) ? mapped : null;
}

async function applyShipments(env: Env, connection: string, page: ErpPage<ErpShipment>, store: PollStore, report: PollReport): Promise<void> {
  for (const s of page.items) {
    report.shipments.seen++;
    const orderId = orderIdOf(s.reference, store);
    const stub = orderId ? orderStubById(env, orderId) : null;
    if (!stub || !orderId) {
      report.shipments.unknownOrder++;
      continue;
    }
    const eventId = `erp:${connection}:${s.shipmentId}`.slice(0, 200);
    const r = await stub.recordShipment(
      { eventId, orderId, source: "erp", type: "shipped", location: s.location, lines: s.lines, ...(s.carrier ? { carrier: s.carrier } : {}), ...(s.tracking ? { tracking: s.tracking } : {}) },
      SCOPE,
    );
    switch (r.outcome) {
      case "accepted":
        report.shipments.accepted++;
        break;
      case "deferred":
        report.shipments.deferred++;
        break;
      case "duplicate":
        report.shipments.duplicates++;
        break;
      case "unknown_order":
      case "foreign_channel":
        report.shipments.unknownOrder++;
        break;
      case "refused":
        report.shipments.refused++;
        // The ERP shipped an order Switchyard holds as cancelled (or closed): a person must look.
        await recordException(env.DB, {
          id: eventId,
          kind: "erp.shipment_refused",
          orderId,
          connectionId: connection,
          reason: `the ERP shipped ${s.shipmentId} for an order that is ${r.status} here`,
          detail: { erpOrderId: s.erpOrderId, shipmentId: s.shipmentId, location: s.location, lines: s.lines },
          body: null,
          createdAt: new Date().toISOString(),
        });
        break;
    }
  }
}

async function applyOrders(env: Env, connection: string, page: ErpPage<ErpOrderStatus>, store: PollStore, report: PollReport): Promise<void> {
  for (const o of page.items) {
    report.orders.changes++;
    const orderId = orderIdOf(o.reference, store);
    const stub = orderId ? orderStubById(env, orderId) : null;
    if (!stub || !orderId) {
      report.orders.notOurs++;
      continue;
    }
    const seen = `${o.state}|${o.erpState}`;
    if (store.lastState(orderId) === seen) continue;
    const view = await stub.noteChannelEvent("erp_status", SOURCE(connection), { connection, erpOrderId: o.erpOrderId, state: o.state, erpState: o.erpState, updatedAt: o.updatedAt }, SCOPE);
    if (!view) {
      report.orders.notOurs++;
      continue;
    }
    report.orders.noted++;
    if (o.state === "cancelled" && view.status !== "cancelled") {
      // Cancelled in the ERP: nothing will ship, so the holds go too (the ERP cancel this owes is a no-op there).
      const c = await stub.cancelOrder(SOURCE(connection), `cancelled in the ERP (${o.erpState})`);
      if (c.outcome === "cancelled") report.orders.cancelled++;
    }
    store.rememberState(orderId, seen);
  }
}

/**
 * When to poll next: `pollSeconds` after a good run (at once when pages were left), backing off
 * while the ERP throttles (doubling per failure up to an hour, never sooner than its
 * Retry-After) and slower still while it refuses our configuration (at least 5 minutes).
 *
 * @example nextPollDelayMs({ outcome: "retry", retryAfterSeconds: 120, more: false }, 60, 1) // 120000
 */
export function nextPollDelayMs(report: Pick<PollReport, "outcome" | "retryAfterSeconds" | "more">, pollSeconds: number, failures: number): number {
  if (report.outcome === "ok") return report.more ? 0 : pollSeconds * 1000;
  const backoff = Math.min(3600, pollSeconds * 2 ** Math.max(0, failures - 1));
  if (report.outcome === "retry") return Math.max(backoff, report.retryAfterSeconds ?? 0) * 1000;
  return Math.max(backoff, 300) * 1000;
}
