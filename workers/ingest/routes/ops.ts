/**
 * Ops API (ops:read, or the admin token): summary, Prometheus metrics, exceptions, dead
 * letters and their replay, reconcile, and the /ops dashboard page.
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireScope, ProblemError, validate, type AppEnv } from "../../../lib/http";
import { replayDeadLetter } from "../../dispatch/dead-letters";
import { sweepOutbox } from "../../dispatch/outbox-sweeper";
import { dashboardHtml } from "./ops-dashboard";

export const opsRoutes = new Hono<AppEnv>();

opsRoutes.get("/ops", (c) => c.html(dashboardHtml));

async function summary(env: AppEnv["Bindings"]) {
  const hourAgo = new Date(Date.now() - 3600_000).toISOString();
  const [byStatus, byDispatch, dead, exc, lag] = await env.DB.batch([
    env.DB.prepare("SELECT status, COUNT(*) AS n FROM orders GROUP BY status"),
    env.DB.prepare("SELECT dispatch_state AS state, COUNT(*) AS n FROM orders GROUP BY dispatch_state"),
    env.DB.prepare("SELECT COUNT(*) AS total, SUM(CASE WHEN replayed_at IS NULL THEN 1 ELSE 0 END) AS open FROM dead_letters"),
    env.DB.prepare("SELECT COUNT(*) AS n FROM exceptions WHERE resolved_at IS NULL"),
    // Sync lag: source fact time → availability projection written, over the last hour.
    env.DB.prepare("SELECT COUNT(lag_ms) AS n, AVG(lag_ms) AS avg, MAX(lag_ms) AS max FROM availability_projections WHERE written_at >= ?").bind(hourAgo),
  ]);
  const count = (r: D1Result, key: string) => Object.fromEntries((r.results as Record<string, unknown>[]).map((x) => [String(x[key]), Number(x.n)]));
  const orders = count(byStatus!, "status");
  const d = dead!.results[0] as { total: number; open: number | null };
  return {
    orders: { total: Object.values(orders).reduce((a, b) => a + b, 0), byStatus: orders },
    dispatch: count(byDispatch!, "state"),
    deadLetters: { total: d.total, open: d.open ?? 0 },
    exceptions: { open: (exc!.results[0] as { n: number }).n + (orders.exception ?? 0) },
    availabilitySyncLagMs: (({ n, avg, max }) => ({ projections: n, avg: avg === null ? null : Math.round(avg), max }))(lag!.results[0] as { n: number; avg: number | null; max: number | null }),
    at: new Date().toISOString(),
  };
}

opsRoutes.get("/v1/ops/summary", requireScope("ops:read"), async (c) => c.json(await summary(c.env)));

opsRoutes.get("/metrics", requireScope("ops:read"), async (c) => {
  const s = await summary(c.env);
  const lines = [
    "# HELP switchyard_orders Orders by status.",
    "# TYPE switchyard_orders gauge",
    ...Object.entries(s.orders.byStatus).map(([k, v]) => `switchyard_orders{status="${k}"} ${v}`),
    "# HELP switchyard_dispatch Orders by ERP hand-off state.",
    "# TYPE switchyard_dispatch gauge",
    ...Object.entries(s.dispatch).map(([k, v]) => `switchyard_dispatch{state="${k}"} ${v}`),
    "# HELP switchyard_dead_letters_open Dead letters not yet replayed.",
    "# TYPE switchyard_dead_letters_open gauge",
    `switchyard_dead_letters_open ${s.deadLetters.open}`,
    "# HELP switchyard_exceptions_open Open exceptions (quarantined events and orders in exception).",
    "# TYPE switchyard_exceptions_open gauge",
    `switchyard_exceptions_open ${s.exceptions.open}`,
    "# HELP switchyard_availability_sync_lag_ms Source fact time to availability projection written, last hour.",
    "# TYPE switchyard_availability_sync_lag_ms gauge",
    `switchyard_availability_sync_lag_ms{stat="avg"} ${s.availabilitySyncLagMs.avg ?? 0}`,
    `switchyard_availability_sync_lag_ms{stat="max"} ${s.availabilitySyncLagMs.max ?? 0}`,
  ];
  return c.text(lines.join("\n") + "\n", 200, { "content-type": "text/plain; version=0.0.4" });
});

const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(500).default(100), filter: z.string().max(200).optional() });

opsRoutes.get("/v1/ops/exceptions", requireScope("ops:read"), async (c) => {
  const q = validate(listQuery, c.req.query());
  const like = `%${q.filter ?? ""}%`;
  const [recorded, orders] = await c.env.DB.batch([
    c.env.DB.prepare(
      "SELECT id, kind, order_id, connection_id, reason, detail, created_at FROM exceptions WHERE resolved_at IS NULL AND (reason LIKE ?1 OR kind LIKE ?1 OR IFNULL(connection_id,'') LIKE ?1) ORDER BY created_at DESC LIMIT ?2",
    ).bind(like, q.limit),
    c.env.DB.prepare(
      "SELECT id, channel, external_id, exception_reason, exception_detail, updated_at FROM orders WHERE status = 'exception' AND (IFNULL(exception_reason,'') LIKE ?1 OR IFNULL(exception_detail,'') LIKE ?1 OR external_id LIKE ?1) ORDER BY updated_at DESC LIMIT ?2",
    ).bind(like, q.limit),
  ]);
  type Rec = { id: string; kind: string; order_id: string | null; connection_id: string | null; reason: string; detail: string; created_at: string };
  type Ord = { id: string; channel: string; external_id: string; exception_reason: string | null; exception_detail: string | null; updated_at: string };
  const items = [
    ...(recorded!.results as Rec[]).map((r) => ({ id: r.id, kind: r.kind, orderId: r.order_id, connectionId: r.connection_id, reason: r.reason, detail: JSON.parse(r.detail) as unknown, at: r.created_at })),
    ...(orders!.results as Ord[]).map((o) => ({ id: o.id, kind: `order.${o.exception_reason ?? "exception"}`, orderId: o.id, channel: o.channel, externalId: o.external_id, reason: o.exception_detail ?? o.exception_reason ?? "", at: o.updated_at })),
  ].sort((a, b) => (a.at < b.at ? 1 : -1));
  return c.json({ items });
});

opsRoutes.get("/v1/ops/dead-letters", requireScope("ops:read"), async (c) => {
  const q = validate(listQuery.extend({ state: z.enum(["open", "replayed", "all"]).default("all") }), c.req.query());
  const state = q.state === "open" ? "AND replayed_at IS NULL" : q.state === "replayed" ? "AND replayed_at IS NOT NULL" : "";
  const { results } = await c.env.DB.prepare(
    `SELECT id, queue, kind, order_id, reason, attempts, created_at, replayed_at, replay_count FROM dead_letters
     WHERE (reason LIKE ?1 OR kind LIKE ?1 OR IFNULL(order_id,'') LIKE ?1) ${state} ORDER BY created_at DESC LIMIT ?2`,
  )
    .bind(`%${q.filter ?? ""}%`, q.limit)
    .all<{ id: string; queue: string; kind: string; order_id: string | null; reason: string; attempts: number; created_at: string; replayed_at: string | null; replay_count: number }>();
  return c.json({
    items: results.map((r) => ({ id: r.id, queue: r.queue, kind: r.kind, orderId: r.order_id, reason: r.reason, attempts: r.attempts, createdAt: r.created_at, replayedAt: r.replayed_at, replayCount: r.replay_count })),
  });
});

opsRoutes.post("/v1/ops/dead-letters/:id/replay", requireScope("ops:read"), async (c) => {
  const dryRun = c.req.query("dryRun") === "true";
  const r = await replayDeadLetter(c.env, c.req.param("id"), { dryRun });
  if (!r) throw new ProblemError(404, "Not found", `No dead letter ${c.req.param("id")}.`);
  return c.json(r, dryRun ? 200 : 202);
});

opsRoutes.post("/v1/ops/reconcile", requireScope("ops:read"), async (c) => {
  // Orders recorded but not moving towards the ERP are re-enqueued now rather than at the next cron.
  const swept = await sweepOutbox(c.env);
  const { results } = await c.env.DB.prepare(
    "SELECT id FROM orders WHERE dispatch_state = 'confirmed' AND (erp_order_id IS NULL OR erp_order_id = '') LIMIT 100",
  ).all<{ id: string }>();
  return c.json({ requeued: swept.requeued, confirmedWithoutErpId: results.map((r) => r.id), at: new Date().toISOString() });
});
