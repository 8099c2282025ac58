/**
 * Ops API (ops:read to read, ops:write to act, or the admin token): summary, Prometheus
 * metrics, exceptions, dead letters and their replay, reconcile, and the /ops dashboard page.
 */
import { Hono } from "hono";
import { z } from "zod";
import { deadLetterCounts, listDeadLetters } from "../../../db/dead-letters";
import { countOpenExceptions, openExceptions } from "../../../db/exceptions";
import { backlogByChannel } from "../../../db/backlog";
import { countOrdersBy, countStuckOrders, exceptionOrders } from "../../../db/orders";
import { gauge, parseSeriesKey, renderPrometheus, samplesAsJson, type Sample } from "../../../core/metrics";
import { judge } from "../../../core/silence";
import { readCounted } from "../../../lib/metrics";
import { silenceDefaults, silenceRules, silentNow } from "../../../lib/silence";
import { syncLagSince } from "../../../db/availability";
import { replayDeadLetter } from "../../../jobs/dead-letters";
import { audit } from "../../../lib/audit";
import { createRoute, json, problems, route } from "../../../lib/api";
import { param, parseOptionalJsonBody, requireScope, ProblemError, validate, type AppEnv } from "../../../lib/http";
import { reconcile } from "../../../jobs/reconcile";
import { DISCREPANCY_TYPES } from "../../../core/reconcile";
import { dashboardHtml } from "./ops-dashboard";
import { publishingGauges, publishingStatus, type PublishingStatus } from "../../../lib/publishing-status";

export const opsRoutes = new Hono<AppEnv>();

// The page is self-contained: no third-party origin, no framing by other sites.
const PAGE_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

const ops = { security: [{ bearer: [] }], tags: ["ops"] };
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), filter: z.string().max(200).optional() });
const deadLetterQuery = listQuery.extend({ state: z.enum(["open", "replayed", "all"]).default("all") });
const counts = z.record(z.string(), z.number());
const lagSchema = z.object({ projections: z.number(), avg: z.number().nullable(), max: z.number().nullable() });
const silentSchema = z.object({
  connectionId: z.string(),
  kind: z.string(),
  channel: z.string().nullable(),
  lastSeenAt: z.string(),
  expectedEverySeconds: z.number().nullable(),
  silentForSeconds: z.number(),
  thresholdSeconds: z.number(),
});
const summarySchema = z.object({
  orders: z.object({ total: z.number(), byStatus: counts }),
  dispatch: counts,
  deadLetters: z.object({ total: z.number(), open: z.number() }),
  exceptions: z.object({ open: z.number() }),
  availabilitySyncLagMs: lagSchema,
  availabilitySyncLagSeconds: lagSchema.describe("The same figures in seconds"),
  backlog: z.object({
    awaitingErp: z.number().describe("Orders whose ERP hand-off is not answered yet"),
    byChannel: counts,
    oldestUnconfirmedAt: z.string().nullable(),
    oldestUnconfirmedAgeSeconds: z.number().nullable(),
  }),
  stuckOrders: z.object({ thresholdSeconds: z.number(), total: z.number(), byState: counts }),
  silentConnections: z.array(silentSchema).describe("Connections quiet beyond their threshold now"),
  counters: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).describe("Every counter and histogram counted so far, per family: label values with `value` (counters) or `count`, `sum`, `buckets` (histograms)"),
  at: z.string(),
});
const exceptionItem = z.object({ id: z.string(), kind: z.string(), orderId: z.string().nullable(), reason: z.string(), at: z.string() }).loose();
const deadLetterItem = z.object({
  id: z.string(),
  queue: z.string(),
  kind: z.string(),
  orderId: z.string().nullable(),
  reason: z.string(),
  attempts: z.number(),
  createdAt: z.string(),
  replayedAt: z.string().nullable(),
  replayCount: z.number(),
});
const replayAnswer = z.object({ id: z.string(), kind: z.string(), orderId: z.string().nullable(), replayed: z.boolean(), dryRun: z.boolean().optional() });

route(
  opsRoutes,
  createRoute({
    method: "get",
    path: "/ops",
    summary: "The operations dashboard (HTML; paste an ops:read key or the admin token)", security: [],
    tags: ["ops"],
    responses: { 200: { description: "The page", content: { "text/html": { schema: z.string() } } } },
  }),
  async (c) => c.html(dashboardHtml, 200, PAGE_HEADERS),
);

const sec = (ms: number | null) => (ms === null ? null : ms / 1000);

async function figures(env: AppEnv["Bindings"]) {
  const now = Date.now();
  const sweepSeconds = Number(env.OUTBOX_SWEEP_AFTER_SECONDS || "120");
  const [orders, dispatch, dead, exc, lag, backlog, stuck, counted, rules] = await Promise.all([
    countOrdersBy(env.DB, "status"),
    countOrdersBy(env.DB, "dispatchState"),
    deadLetterCounts(env.DB),
    countOpenExceptions(env.DB),
    syncLagSince(env.DB, new Date(now - 3600_000).toISOString()),
    backlogByChannel(env.DB),
    countStuckOrders(env.DB, new Date(now - sweepSeconds * 1000).toISOString()),
    readCounted(env),
    silenceRules(env),
  ]);
  const oldest = backlog.map((b) => b.oldestAwaitingErpAt).filter((x): x is string => !!x).sort()[0] ?? null;
  const samples: Sample[] = counted.series.map((r) => ({ ...parseSeriesKey(r.key), value: r.value }));
  const summary = {
    orders: { total: Object.values(orders).reduce((a, b) => a + b, 0), byStatus: orders },
    dispatch,
    deadLetters: dead,
    exceptions: { open: exc + (orders.exception ?? 0) },
    availabilitySyncLagMs: lag,
    availabilitySyncLagSeconds: { projections: lag.projections, avg: sec(lag.avg), max: sec(lag.max) },
    backlog: {
      awaitingErp: backlog.reduce((a, b) => a + b.awaitingErp, 0),
      byChannel: Object.fromEntries(backlog.filter((b) => b.awaitingErp).map((b) => [b.channel, b.awaitingErp])),
      oldestUnconfirmedAt: oldest,
      oldestUnconfirmedAgeSeconds: oldest ? Math.max(0, Math.floor((now - Date.parse(oldest)) / 1000)) : null,
    },
    stuckOrders: { thresholdSeconds: sweepSeconds, total: Object.values(stuck).reduce((a, b) => a + b, 0), byState: stuck },
    silentConnections: silentNow(counted.cadence, rules, silenceDefaults(env), now),
    counters: samplesAsJson(samples),
    at: new Date(now).toISOString(),
  };
  return { summary, samples, backlog, cadence: counted.cadence, rules, now };
}

function prometheusText(f: Awaited<ReturnType<typeof figures>> & { publishing?: PublishingStatus | null }, env: AppEnv["Bindings"]): string {
  const s = f.summary;
  const gauges: Sample[] = [
    ...Object.entries(s.orders.byStatus).map(([k, v]) => gauge("switchyard_orders", { status: k }, v)),
    ...Object.entries(s.dispatch).map(([k, v]) => gauge("switchyard_dispatch", { state: k }, v)),
    gauge("switchyard_dead_letters_open", {}, s.deadLetters.open),
    gauge("switchyard_exceptions_open", {}, s.exceptions.open),
    gauge("switchyard_availability_sync_lag_seconds", { stat: "avg" }, s.availabilitySyncLagSeconds.avg ?? 0),
    gauge("switchyard_availability_sync_lag_seconds", { stat: "max" }, s.availabilitySyncLagSeconds.max ?? 0),
    ...f.backlog.map((b) => gauge("switchyard_queue_backlog", { channel: b.channel }, b.awaitingErp)),
    gauge("switchyard_oldest_unconfirmed_order_age_seconds", {}, s.backlog.oldestUnconfirmedAgeSeconds ?? 0),
    ...["pending", "enqueued"].map((state) => gauge("switchyard_orders_stuck", { state }, s.stuckOrders.byState[state] ?? 0)),
  ];
  const silent = new Set(s.silentConnections.map((c) => `${c.kind}\n${c.connectionId}`));
  for (const c of f.cadence) {
    const labels = { connection: c.id, kind: c.kind, channel: c.channel ?? "" };
    gauges.push(gauge("switchyard_connection_silent", labels, silent.has(`${c.kind}\n${c.id}`) ? 1 : 0));
    gauges.push(gauge("switchyard_connection_last_seen_timestamp_seconds", labels, Math.floor(c.lastSeen / 1000)));
    const v = judge(c, f.now, { ...silenceDefaults(env), ...(f.rules[c.key] ?? {}) });
    if (v.expectedEverySeconds !== null) gauges.push(gauge("switchyard_connection_expected_interval_seconds", labels, v.expectedEverySeconds));
  }
  if (f.publishing) gauges.push(...publishingGauges(f.publishing));
  return renderPrometheus([...f.samples, ...gauges]);
}

route(
  opsRoutes,
  createRoute({
    method: "get",
    path: "/v1/ops/summary",
    summary: "Orders, hand-off, dead letters, exceptions and sync lag (ops:read)",
    ...ops,
    responses: { 200: json(summarySchema, "The figures now"), ...problems("unauthorized", "forbidden") },
  }),
  requireScope("ops:read"),
  async (c) => c.json((await figures(c.env)).summary),
);

route(
  opsRoutes,
  createRoute({
    method: "get",
    path: "/metrics",
    summary: "Prometheus text (ops:read)",
    ...ops,
    responses: {
      200: { description: "Prometheus exposition format 0.0.4", content: { "text/plain": { schema: z.string() } } },
      ...problems("unauthorized", "forbidden"),
    },
  }),
  requireScope("ops:read"),
  async (c) => {
    const [f, publishing] = await Promise.all([figures(c.env), publishingStatus(c.env, 0).catch(() => null)]);
    const text = prometheusText({ ...f, publishing }, c.env);
    return c.text(text, 200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
  },
);

route(
  opsRoutes,
  createRoute({
    method: "get",
    path: "/v1/ops/exceptions",
    summary: "Open exceptions: quarantined deliveries, hydration failures, orders in exception (ops:read)",
    ...ops,
    request: { query: listQuery },
    responses: { 200: json(z.object({ items: z.array(exceptionItem) }), "Newest first"), ...problems("validation-failed", "unauthorized", "forbidden") },
  }),
  requireScope("ops:read"),
  async (c) => {
    const q = validate(listQuery, c.req.query());
    const [recorded, orders] = await Promise.all([openExceptions(c.env.DB, q.filter ?? "", q.limit), exceptionOrders(c.env.DB, q.filter ?? "", q.limit)]);
    const items = [
      ...recorded.map((r) => ({
        id: r.id,
        kind: r.kind,
        orderId: r.orderId,
        connectionId: r.connectionId,
        reason: r.reason,
        detail: r.detail,
        at: r.createdAt,
      })),
      ...orders.map((o) => ({
        id: o.id,
        kind: `order.${o.reason ?? "exception"}`,
        orderId: o.id,
        channel: o.channel,
        externalId: o.externalId,
        reason: o.detail ?? o.reason ?? "",
        at: o.updatedAt,
      })),
    ].sort((a, b) => (a.at < b.at ? 1 : -1));
    return c.json({ items });
  },
);

route(
  opsRoutes,
  createRoute({
    method: "get",
    path: "/v1/ops/dead-letters",
    summary: "Work that exhausted its retries (ops:read)",
    ...ops,
    request: { query: deadLetterQuery },
    responses: { 200: json(z.object({ items: z.array(deadLetterItem) }), "Newest first"), ...problems("validation-failed", "unauthorized", "forbidden") },
  }),
  requireScope("ops:read"),
  async (c) => {
    const q = validate(deadLetterQuery, c.req.query());
    return c.json({ items: await listDeadLetters(c.env.DB, { filter: q.filter ?? "", state: q.state, limit: q.limit }) });
  },
);

route(
  opsRoutes,
  createRoute({
    method: "post",
    path: "/v1/ops/dead-letters/{id}/replay",
    summary: "Queue a dead letter's work again (ops:write); ?dryRun=true only says what would happen",
    ...ops,
    request: { params: z.object({ id: z.string() }), query: z.object({ dryRun: z.enum(["true", "false"]).optional() }) },
    responses: {
      202: json(replayAnswer, "Queued again"),
      200: json(replayAnswer, "Dry run: nothing changed"),
      ...problems("unauthorized", "forbidden", "not-found"),
    },
  }),
  requireScope("ops:write"),
  async (c) => {
    const dryRun = c.req.query("dryRun") === "true";
    const r = await replayDeadLetter(c.env, param(c, "id"), { dryRun });
    if (!r) throw new ProblemError(404, "Not found", `No dead letter ${param(c, "id")}.`);
    if (!dryRun) await audit(c, { action: "dead_letter.replay", resource: "dead_letter", id: r.id, after: r });
    return c.json(r, dryRun ? 200 : 202);
  },
);

const reconcileBody = z.strictObject({
  since: z.iso.datetime({ offset: true }).optional().describe("Orders confirmed (last changed) since; default 24 hours back"),
  channels: z.array(z.string().min(1).max(200)).min(1).max(100).optional().describe("Only these channels' orders"),
  skus: z.array(z.string().min(1).max(200)).min(1).max(500).optional().describe("Only these SKUs' stock and figures; default the most recently seen"),
  erpConnection: z.string().min(1).max(200).optional().describe("The ERP connection stock is compared with; default the default one"),
  heal: z.boolean().optional().describe("false: report only, change nothing"),
});
const evidence = z.object({ kind: z.string(), id: z.string().nullable(), at: z.string().nullable(), detail: z.record(z.string(), z.unknown()).optional() });
const discrepancy = z.object({
  id: z.string(),
  type: z.enum(DISCREPANCY_TYPES),
  subject: z.object({ orderId: z.string().optional(), sku: z.string().optional(), location: z.string().optional(), channel: z.string().optional(), erpConnection: z.string().optional() }),
  expected: z.union([z.number(), z.string()]).nullable(),
  actual: z.union([z.number(), z.string()]).nullable(),
  explanation: z.string(),
  evidence: z.array(evidence),
  healable: z.boolean(),
  healed: z.boolean(),
  healError: z.string().optional(),
});
const reconcileAnswer = z.object({
  requeued: z.array(z.string()),
  confirmedWithoutErpId: z.array(z.string()),
  discrepancies: z.array(discrepancy),
  checked: z.object({ orders: z.number(), skus: z.number(), locations: z.number(), figures: z.number() }),
  unchecked: z.array(z.string()).describe("What could not be compared (an ERP that did not answer, an order without a usable ERP connection)"),
  byType: z.record(z.string(), z.number()),
  at: z.string(),
});

route(
  opsRoutes,
  createRoute({
    method: "post",
    path: "/v1/ops/reconcile",
    summary: "Compare Switchyard with the ERP, the WMS/3PL reports and what channels were told; heal what is safe, raise the rest (ops:write)",
    description:
      "Types: missing_in_erp (healed: booked again), erp_committed_mismatch and wms_vs_erp_on_hand (raised as exceptions and reconciliation.discrepancy events), published_vs_computed (healed: re-projected and re-published), stuck_order (healed: hand-off queued again). Every discrepancy names the events that account for it.",
    ...ops,
    request: { body: { content: { "application/json": { schema: reconcileBody } }, required: false } },
    responses: {
      200: json(reconcileAnswer, "What was found, healed and raised"),
      ...problems("validation-failed", "unauthorized", "forbidden"),
    },
  }),
  requireScope("ops:write"),
  async (c) => {
    const body = await parseOptionalJsonBody(c, reconcileBody);
    const r = await reconcile(c.env, { trigger: "api", ...body });
    await audit(c, { action: "reconcile.run", resource: "reconcile", id: "-", after: { requeued: r.requeued.length, discrepancies: r.discrepancies.length, healed: r.discrepancies.filter((d) => d.healed).length } });
    return c.json(r);
  },
);
