/**
 * Reconciliation, the acting part (the comparing is core/reconcile.ts): run by the scheduler
 * every RECONCILE_INTERVAL_SECONDS and by `POST /v1/ops/reconcile`. It compares
 * - orders Switchyard holds as booked with the ERP, one `getOrder` each through the order's ERP
 *   connection (candidates from D1, each confirmed with its own object before anything is done);
 * - each SKU's stock per location with the ERP's `stockByLocation` (committed, on hand) and with
 *   what a WMS or 3PL last reported;
 * - what each channel was last told (the availability projection) with what its policy gives now;
 * - orders whose hand-off has not moved (queued again, as before).
 * It heals what is safe to heal (books again an order the ERP does not have, re-projects and
 * re-publishes a figure, queues a stuck hand-off again) and raises the rest as an exception
 * (`reconciliation.<type>`) and a `reconciliation.discrepancy` outbound event, both keyed by the
 * discrepancy's id, so a discrepancy found on every run is raised once.
 * Safe to run twice at once: heals are idempotent asks to the objects that own the state.
 */
import type { ErpConnectionConfig } from "../connectors/erp/types";
import { sha256Hex } from "../core/crypto";
import { publisherObjectName } from "../core/keys";
import { compareCommitted, compareOnHand, comparePublished, missingInErp, stuckOrder, type Discrepancy, type DiscrepancyType, type OrderRecord } from "../core/reconcile";
import { recordException } from "../db/exceptions";
import { confirmedWithoutErpId, stuckOrders } from "../db/orders";
import { appendEvents } from "../db/outbound-events";
import { confirmedOrdersSince, projectionsFor, recentSkus } from "../db/reconcile";
import { erpConnectionFor, envErpConnection, loadDefaultErpConnection, loadErpConnection } from "../lib/erp-connections";
import { erpReference } from "../lib/erp-reference";
import { erpConnector } from "../lib/erp-registry";
import type { Env } from "../lib/env";
import { log } from "../lib/log";
import { countMetric, flushMetrics } from "../lib/metrics";
import { orderStubById } from "../lib/orders";
import { forgetPolicy, loadPolicy } from "../lib/policies";
import { publishTargets } from "../lib/publishing";

export interface ReconcileOptions {
  trigger: "scheduled" | "api";
  /** Orders confirmed (last changed) since this time; default 24 hours back. */
  since?: string;
  /** Only these channels' orders. */
  channels?: string[];
  /** Only these SKUs' stock and figures; default the most recently seen SKUs. */
  skus?: string[];
  /** The ERP connection stock is compared with; default the default ERP connection. */
  erpConnection?: string;
  /** False: find and report, change nothing. */
  heal?: boolean;
  /** Stop looking (what is left is listed in `unchecked`) after this long; default 25 s scheduled, 60 s asked. */
  budgetMs?: number;
}

export interface Found extends Discrepancy {
  healed: boolean;
  healError?: string;
}

export interface ReconcileReport {
  requeued: string[];
  confirmedWithoutErpId: string[];
  discrepancies: Found[];
  checked: { orders: number; skus: number; locations: number; figures: number };
  unchecked: string[];
  byType: Partial<Record<DiscrepancyType, number>>;
  at: string;
}

const ORDER_LIMIT = 200;
const SKU_LIMIT = 100;

export async function reconcile(env: Env, opts: ReconcileOptions): Promise<ReconcileReport> {
  const now = Date.now();
  const heal = opts.heal !== false;
  const found: Found[] = [];
  const unchecked: string[] = [];
  const checked = { orders: 0, skus: 0, locations: 0, figures: 0 };
  // A slow ERP must not hold the scheduler (or a caller) for 200 timeouts.
  const deadline = now + (opts.budgetMs ?? (opts.trigger === "scheduled" ? 25_000 : 60_000));
  const spent = () => Date.now() > deadline;

  // Stuck hand-offs: each order's own object decides (a confirmed or cancelled one ignores it).
  const sweepSeconds = Number(env.OUTBOX_SWEEP_AFTER_SECONDS || "120");
  const before = new Date(now - sweepSeconds * 1000).toISOString();
  const requeued: string[] = [];
  for (const o of await stuckOrders(env.DB, before)) {
    if (opts.channels && !opts.channels.includes(o.channel)) continue;
    const d = stuckOrder({ orderId: o.id, channel: o.channel, externalId: o.externalId, status: "", dispatchState: o.dispatchState, erpOrderId: null, erpConnection: null, updatedAt: o.updatedAt }, sweepSeconds);
    let healed = false;
    if (heal) {
      const view = await orderStubById(env, o.id)
        ?.requeue(`reconcile: no progress since ${before}`)
        .catch(() => null);
      healed = !!view;
      if (view) requeued.push(o.id);
    }
    found.push({ ...d, healed });
  }

  // Orders the ERP should have.
  const since = opts.since ?? new Date(now - 24 * 3600_000).toISOString();
  const connectors = new Map<string, ErpConnectionConfig | null>();
  const candidates = await confirmedOrdersSince(env.DB, since, opts.channels ?? null, ORDER_LIMIT);
  for (const [i, row] of candidates.entries()) {
    if (spent()) {
      unchecked.push(`orders: time budget spent, ${candidates.length - i} order(s) not checked`);
      break;
    }
    const stub = orderStubById(env, row.id);
    const p = stub ? await stub.erpPayload().catch(() => null) : null;
    if (!stub || !p) continue;
    const target = await erpConnectionFor(env, p.order.channel, p.erpConnection);
    if (!target.ok) {
      unchecked.push(`order ${row.id}: ${target.reason}`);
      continue;
    }
    const conn = target.config;
    connectors.set(conn.id, conn);
    const answer = await erpConnector(env, conn).getOrder({ ...(p.erpOrderId ? { erpOrderId: p.erpOrderId } : {}), orderId: await erpReference(conn.kind, row.id) });
    if (answer.kind !== "ok") {
      unchecked.push(`order ${row.id}: the ERP did not answer (${answer.kind}: ${answer.reason.slice(0, 200)})`);
      continue;
    }
    checked.orders++;
    const record: OrderRecord = { orderId: row.id, channel: p.order.channel, externalId: p.order.externalId, status: p.status, dispatchState: p.dispatchState, erpOrderId: p.erpOrderId ?? null, erpConnection: conn.id, updatedAt: row.updatedAt };
    const d = missingInErp(record, { found: answer.value !== null, at: Date.now() });
    if (!d) continue;
    let healed = false;
    let healError: string | undefined;
    if (heal) {
      const view = await stub.redispatch(`reconcile: the ERP ${conn.id} has no order ${p.erpOrderId ?? row.id}`).catch((e: unknown) => {
        healError = String(e);
        return null;
      });
      healed = !!view;
    }
    found.push({ ...d, healed, ...(healError ? { healError } : {}) });
  }

  // Stock and published figures, SKU by SKU.
  const skus = opts.skus ?? (await recentSkus(env.DB, SKU_LIMIT));
  const stockConn = opts.erpConnection ? await loadErpConnection(env, opts.erpConnection, { fresh: true }) : ((await loadDefaultErpConnection(env)) ?? envErpConnection(env));
  if (opts.erpConnection && !stockConn) unchecked.push(`stock: no ERP connection ${opts.erpConnection}`);
  const erpStock = new Map<string, { location: string; onHand: number; committed: number }[]>();
  let erpAsOf = new Date(now).toISOString();
  if (stockConn && skus.length) {
    for (let i = 0; i < skus.length; i += 50) {
      const r = await erpConnector(env, stockConn).stockByLocation({ skus: skus.slice(i, i + 50) });
      if (r.kind !== "ok") {
        unchecked.push(`stock: the ERP ${stockConn.id} did not answer (${r.kind}: ${r.reason.slice(0, 200)})`);
        break;
      }
      erpAsOf = r.value.asOf;
      for (const row of r.value.items) erpStock.set(row.sku, [...(erpStock.get(row.sku) ?? []), { location: row.location, onHand: row.onHand, committed: row.committed }]);
    }
  }
  const projections = await projectionsFor(env.DB, skus);
  const targets = await publishTargets(env);
  for (const [i, sku] of skus.entries()) {
    if (spent()) {
      unchecked.push(`stock: time budget spent, ${skus.length - i} SKU(s) not checked`);
      break;
    }
    const inv = env.INVENTORY.getByName(sku);
    const view = await inv.reconcileView();
    if (!view.sku) continue;
    checked.skus++;
    const stock = { sku, positions: view.positions, holds: view.holds, reports: view.reports };
    const rows = erpStock.get(sku) ?? [];
    checked.locations += rows.length;
    if (stockConn) for (const d of [...compareCommitted(stock, rows, erpAsOf, stockConn.id), ...compareOnHand(stock, rows, erpAsOf, stockConn.id)]) found.push({ ...d, healed: false });

    // A run owed is a figure about to be written: comparing now would report the moment, not a fault.
    const channels = view.projectionDue ? [] : [...new Set(projections.filter((p) => p.sku === sku).map((p) => p.channel))];
    for (const channel of channels) {
      // Read fresh: a policy changed a moment ago is exactly what a lost re-projection leaves behind.
      forgetPolicy(channel);
      const policy = await loadPolicy(env, channel);
      const computed = await inv.availability(channel, policy);
      const fig = { channel, available: computed.available, at: computed.asOf };
      const told = projections.find((p) => p.sku === sku && p.channel === channel)!;
      const ds: Discrepancy[] = [];
      checked.figures++;
      const d = comparePublished(sku, fig, { channel, available: told.available, at: told.writtenAt, where: "projection" });
      if (d) ds.push(d);
      // And what each publishing connection of the channel last had acknowledged, where it gets the
      // channel's figure (a connection that splits the channel over its locations gets shares).
      for (const t of (targets.get(channel) ?? []).filter((x) => !x.groups)) {
        const rows = await env.PUBLISHERS.getByName(publisherObjectName(t.connectionId))
          .acknowledged(sku)
          .catch(() => []);
        for (const row of rows) {
          if (row.state !== "idle" || row.acknowledged === null) continue;
          checked.figures++;
          const c = comparePublished(sku, fig, { channel, available: row.acknowledged, at: row.at, where: t.connectionId });
          if (c) ds.push(c);
        }
      }
      if (!ds.length) continue;
      let healed = false;
      let healError: string | undefined;
      if (heal) {
        // The SKU's object writes the figure again (KV, D1) and re-publishes it to the channel's connections.
        const r = await inv.reproject({ channel, policy, targets: targets.get(channel) ?? [], rewrite: true }).catch((e: unknown) => {
          healError = String(e);
          return null;
        });
        healed = !!r && !r.skipped;
      }
      for (const x of ds) found.push({ ...x, healed, ...(healError ? { healError } : {}) });
    }
  }

  await raise(env, found.filter((d) => !d.healed), now);
  countMetric(env, undefined, "switchyard_reconciliation_runs_total", { trigger: opts.trigger });
  for (const d of found) countMetric(env, undefined, "switchyard_reconciliation_discrepancies_total", { type: d.type, healed: String(d.healed) });
  await flushMetrics(env);

  const byType: Partial<Record<DiscrepancyType, number>> = {};
  for (const d of found) byType[d.type] = (byType[d.type] ?? 0) + 1;
  if (found.length) log.warn("reconciliation found discrepancies", { trigger: opts.trigger, byType, healed: found.filter((d) => d.healed).length });
  const confirmed = await confirmedWithoutErpId(env.DB);
  return { requeued, confirmedWithoutErpId: confirmed.map((r) => r.id), discrepancies: found, checked, unchecked, byType, at: new Date(now).toISOString() };
}

/** What could not be healed: an exception for a person and an outbound event, once per discrepancy. */
async function raise(env: Env, list: Found[], now: number): Promise<void> {
  if (!list.length) return;
  const at = new Date(now).toISOString();
  for (const d of list) {
    await recordException(env.DB, {
      id: `reconcile:${d.id}`.slice(0, 500),
      kind: `reconciliation.${d.type}`,
      orderId: d.subject.orderId ?? null,
      connectionId: d.subject.erpConnection ?? null,
      reason: d.explanation.slice(0, 500),
      detail: { type: d.type, subject: d.subject, expected: d.expected, actual: d.actual, evidence: d.evidence, ...(d.healError ? { healError: d.healError } : {}) },
      body: null,
      createdAt: at,
    });
  }
  const events = await Promise.all(
    list.map(async (d) => ({
      id: `rec_${(await sha256Hex(d.id)).slice(0, 32)}`,
      type: "reconciliation.discrepancy",
      occurredAt: at,
      orchestrationId: null,
      data: { discrepancyId: d.id, type: d.type, subject: d.subject, expected: d.expected, actual: d.actual, explanation: d.explanation, evidence: d.evidence },
      createdAt: at,
      stream: null,
      seq: null,
    })),
  );
  await appendEvents(env.DB, events);
}
