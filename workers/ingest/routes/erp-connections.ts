/**
 * Admin API for ERP connections (ADMIN_TOKEN): configured ERPs as data. Credentials are sealed
 * with SECRETS_KEY on save and never read back (reads list their names only); settings are
 * validated per kind (lib/erp-config.ts); every URL is checked by the outbound policy. `test`
 * calls the ERP's health check; `poll` runs the connection's read-back now.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ERP_KINDS, type ErpConnectionConfig } from "../../../connectors/erp/types";
import { erpPollerName } from "../../../core/keys";
import { deleteErpConnection, getErpConnection, listErpConnections, upsertErpConnection, type ErpConnectionRow } from "../../../db/erp-connections";
import { createRoute, json, problems, route } from "../../../lib/api";
import { audit } from "../../../lib/audit";
import { erpConnectionBody, urlFields } from "../../../lib/erp-config";
import { forgetErpConnections, loadErpConnection, sealCredentials } from "../../../lib/erp-connections";
import { CallMeter, erpConnector } from "../../../lib/erp-registry";
import { param, parseJsonBody, ProblemError, requireAdmin, validate, type AppEnv } from "../../../lib/http";
import { outboundUrl } from "../../../lib/outbound";
import { idParam } from "./admin";

const view = z.object({
  id: z.string(),
  kind: z.enum(ERP_KINDS),
  name: z.string().nullable(),
  baseUrl: z.string(),
  credentials: z.record(z.string(), z.literal("(set)")).describe("Names of the sealed credentials; values are never returned"),
  settings: z.record(z.string(), z.unknown()),
  default: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const viewOf = (r: ErpConnectionRow): z.infer<typeof view> => ({
  id: r.id,
  kind: r.kind as z.infer<typeof view>["kind"],
  name: r.name,
  baseUrl: r.baseUrl,
  credentials: Object.fromEntries(r.credentialNames.map((k) => [k, "(set)" as const])),
  settings: r.settings,
  default: r.isDefault,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});
const testAnswer = z.object({ ok: z.literal(true), id: z.string(), kind: z.enum(ERP_KINDS), version: z.string().optional(), detail: z.string(), calls: z.number().int(), latencyMs: z.number().int() });
const pollAnswer = z.object({ connection: z.string(), outcome: z.enum(["ok", "retry", "config"]).optional(), skipped: z.string().optional(), nextPollAt: z.string().nullable() }).loose();

const id = { params: z.object({ id: idParam }) };
const admin = { security: [{ bearer: [] }], tags: ["admin"] };
const base = "/v1/admin/erp-connections";

/** What makes two configurations the same ERP: a change of it starts the read-back from scratch. */
function identity(c: Pick<ErpConnectionConfig, "kind" | "baseUrl" | "credentials" | "settings">): string {
  const s = c.settings as Record<string, unknown>;
  return JSON.stringify([c.kind, c.baseUrl.replace(/\/+$/, ""), c.credentials.database ?? null, c.credentials.tenantId ?? null, s.companyId ?? null, s.environment ?? null]);
}

const poller = (env: AppEnv["Bindings"], connectionId: string) => env.ERP_POLLERS.getByName(erpPollerName(connectionId));

export const erpConnectionRoutes = new Hono<AppEnv>();
erpConnectionRoutes.use(`${base}/*`, requireAdmin);
erpConnectionRoutes.use(base, requireAdmin);

route(
  erpConnectionRoutes,
  createRoute({
    method: "put",
    path: `${base}/{id}`,
    summary: "Create or replace an ERP connection (credentials sealed, never read back; settings validated per kind)",
    description: "`default` omitted keeps the connection's current default flag; `true` makes it the default (the previous default stops being one); `false` removes it.",
    ...admin,
    request: { ...id, body: { content: { "application/json": { schema: erpConnectionBody } }, required: true } },
    responses: { 201: json(view, "Created"), 200: json(view, "Replaced"), ...problems("validation-failed", "unauthorized", "payload-too-large", "unsupported-media-type") },
  }),
  async (c) => {
    const connId = validate(idParam, param(c, "id"));
    const { data } = await parseJsonBody(c, erpConnectionBody);
    for (const u of urlFields(data)) outboundUrl(c.env, u.value, u.path);
    const credentials = Object.fromEntries(Object.entries(data.credentials as Record<string, string | undefined>).filter((e): e is [string, string] => typeof e[1] === "string"));
    const settings = (data.settings ?? {}) as Record<string, unknown>;
    const prior = await getErpConnection(c.env.DB, connId);
    const before = prior ? await loadErpConnection(c.env, connId, { fresh: true }) : null;
    const { previous, row } = await upsertErpConnection(c.env.DB, {
      id: connId,
      kind: data.kind,
      name: data.name ?? null,
      baseUrl: data.baseUrl.trim(),
      credentialsEnc: await sealCredentials(c.env.SECRETS_KEY, credentials),
      credentialNames: Object.keys(credentials).sort(),
      settings,
      isDefault: data.default ?? prior?.isDefault ?? false,
      updatedAt: new Date().toISOString(),
    });
    forgetErpConnections();
    // Pointed at another ERP (or another database or company of one): its cursors mean nothing there.
    if (before && identity(before) !== identity({ kind: data.kind, baseUrl: row.baseUrl, credentials, settings })) await poller(c.env, connId).reset();
    await audit(c, { action: "erp_connection.put", resource: "erp_connection", id: connId, before: prior && viewOf(prior), after: viewOf(row) });
    return c.json(viewOf(row), previous ? 200 : 201);
  },
);

route(
  erpConnectionRoutes,
  createRoute({ method: "get", path: base, summary: "List ERP connections", ...admin, responses: { 200: json(z.object({ items: z.array(view) }), "ERP connections"), ...problems("unauthorized") } }),
  async (c) => c.json({ items: (await listErpConnections(c.env.DB)).map(viewOf) }),
);

route(
  erpConnectionRoutes,
  createRoute({ method: "get", path: `${base}/{id}`, summary: "One ERP connection", ...admin, request: id, responses: { 200: json(view, "The connection"), ...problems("unauthorized", "not-found") } }),
  async (c) => {
    const row = await getErpConnection(c.env.DB, param(c, "id"));
    if (!row) throw new ProblemError(404, "Not found", `No ERP connection ${param(c, "id")}.`);
    return c.json(viewOf(row));
  },
);

route(
  erpConnectionRoutes,
  createRoute({
    method: "delete",
    path: `${base}/{id}`,
    summary: "Delete an ERP connection (orders it booked keep their ERP ids; their cancels then need it back)",
    ...admin,
    request: id,
    responses: { 200: json(z.object({ id: z.string(), deleted: z.literal(true) }), "Deleted"), ...problems("unauthorized", "not-found") },
  }),
  async (c) => {
    const connId = param(c, "id");
    if (!(await deleteErpConnection(c.env.DB, connId))) throw new ProblemError(404, "Not found", `No ERP connection ${connId}.`);
    forgetErpConnections();
    await poller(c.env, connId).reset();
    await audit(c, { action: "erp_connection.delete", resource: "erp_connection", id: connId });
    return c.json({ id: connId, deleted: true as const });
  },
);

route(
  erpConnectionRoutes,
  createRoute({
    method: "post",
    path: `${base}/{id}/test`,
    summary: "Call the ERP's health check with the saved configuration",
    ...admin,
    request: id,
    responses: { 200: json(testAnswer, "The ERP answered with these credentials"), ...problems("unauthorized", "not-found", "erp-check-failed") },
  }),
  async (c) => {
    const config = await loadErpConnection(c.env, param(c, "id"), { fresh: true });
    if (!config) throw new ProblemError(404, "Not found", `No ERP connection ${param(c, "id")}.`);
    const meter = new CallMeter();
    const r = await erpConnector(c.env, config, meter).health();
    if (r.kind === "ok") return c.json({ ok: true as const, id: config.id, kind: config.kind, ...(r.value.version ? { version: r.value.version } : {}), detail: r.value.detail, calls: meter.calls, latencyMs: meter.elapsedMs });
    const what = { config: "the ERP refused the credentials or configuration", retry: "the ERP did not answer usably (it may be down or throttling)", rejected: "the ERP refused the health check" }[r.kind];
    throw new ProblemError(502, "ERP check failed", `${config.kind} ${config.baseUrl}: ${what}: ${r.reason}`);
  },
);

route(
  erpConnectionRoutes,
  createRoute({
    method: "post",
    path: `${base}/{id}/poll`,
    summary: "Read back from the ERP now: stock, order status changes and shipments since the connection's cursors",
    ...admin,
    request: id,
    responses: { 200: json(pollAnswer, "What the poll read and applied, and when the next one is due"), ...problems("unauthorized", "not-found") },
  }),
  async (c) => {
    const connId = validate(idParam, param(c, "id"));
    const r = await poller(c.env, connId).pollNow(connId);
    if ("skipped" in r && r.skipped === "no_such_connection") throw new ProblemError(404, "Not found", `No ERP connection ${connId}.`);
    return c.json(r);
  },
);

route(
  erpConnectionRoutes,
  createRoute({
    method: "get",
    path: `${base}/{id}/poll`,
    summary: "The connection's read-back: cursors, next poll, last report",
    ...admin,
    request: id,
    responses: { 200: json(z.object({ cursors: z.record(z.string(), z.string().nullable()), nextPollAt: z.string().nullable(), failures: z.number().int(), last: z.unknown() }), "Poller state"), ...problems("unauthorized") },
  }),
  async (c) => c.json(await poller(c.env, validate(idParam, param(c, "id"))).status()),
);
