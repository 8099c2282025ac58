/**
 * Admin API (ADMIN_TOKEN): connections, API keys, channel policies, subscriptions.
 * Secrets are sealed with SECRETS_KEY (AES-GCM) before they are stored and never returned.
 * Every URL Switchyard will later call is checked here (core/urls.ts) and again where it is used.
 */
import { Hono } from "hono";
import { z } from "zod";
import { encryptSecret, sha256Hex, toBase64 } from "../../../core/crypto";
import { channelPolicySchema } from "../../../core/inventory/policy";
import { writeMasterPolicy } from "../../../lib/master-checks";
import { SCOPES } from "../../../core/scopes";
import { isUrlSetting } from "../../../core/urls";
import { insertKey, listKeys, revokeKey } from "../../../db/api-keys";
import { getConnection, listConnections, rotateConnectionSecret, upsertConnection, type ConnectionRow } from "../../../db/connections";
import { listAudit } from "../../../db/audit";
import { getPolicyRow, listPolicyRows, upsertPolicy } from "../../../db/policies";
import { deleteSubscription, listSubscriptions, upsertSubscription } from "../../../db/subscriptions";
import { forgetSubscriptions } from "../../../lib/subscribed";
import { CONNECTION_KINDS, forgetConnection, maskSettings, sealSettings } from "../../../lib/connections";
import { createRoute, json, problems, route } from "../../../lib/api";
import { param, parseJsonBody, ProblemError, requireAdmin, validate, type AppEnv } from "../../../lib/http";
import { audit } from "../../../lib/audit";
import { newId } from "../../../lib/ids";
import { forgetPolicy } from "../../../lib/policies";
import { outboundUrl } from "../../../lib/outbound";
import { forgetPublishTargets, publishTarget } from "../../../lib/publishing";
import { askReprojection, runReprojections } from "../../../jobs/reproject";

/** Starts a re-projection's work now (the periodic run picks it up anyway if this isolate goes away). */
function kickReprojection(c: { env: AppEnv["Bindings"]; executionCtx: { waitUntil(p: Promise<unknown>): void } }) {
  try {
    c.executionCtx.waitUntil(runReprojections(c.env).catch(() => undefined));
  } catch {
    // No execution context (some test harnesses): the scheduler's next run does it.
  }
}

export const idParam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be 1-64 letters, digits, '_', '.', '-'");
const secret = z.string().min(8, "must be at least 8 characters").max(1000);

const connectionBody = z.strictObject({
  kind: z.enum(CONNECTION_KINDS),
  secret,
  name: z.string().max(200).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

const apiKeyBody = z.strictObject({
  name: z.string().min(1).max(200),
  scopes: z.array(z.enum(SCOPES)).min(1),
  ratePerMinute: z.number().int().positive().max(1_000_000).optional(),
  /** Import an existing key (e.g. the demo key `npm run dev` seeds); otherwise one is generated. */
  key: z.string().min(24).max(200).optional(),
});

const subscriptionBody = z.strictObject({
  url: z.string().max(2000),
  secret,
  events: z.array(z.string().regex(/^[a-z_]+\.(\*|[a-z_]+)$|^\*$/, "must look like order.* or order.accepted")).min(1),
});

const connectionView = (r: ConnectionRow) => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  channel: r.channel,
  settings: maskSettings(r.settings),
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const connectionSchema = z.object({
  id: z.string(),
  kind: z.enum(CONNECTION_KINDS),
  name: z.string().nullable(),
  channel: z.string(),
  settings: z.record(z.string(), z.unknown()).describe('Secret-like settings read back as "(set)"'),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const keySchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  ratePerMinute: z.number().int().nullable(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
const policyView = z.object({ channel: z.string(), policy: channelPolicySchema, updatedAt: z.string().optional() });
const subscriptionView = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(z.string()),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
const items = <T extends z.ZodType>(schema: T) => z.object({ items: z.array(schema) });
const jsonBody = (schema: z.ZodType) => ({ body: { content: { "application/json": { schema } }, required: true } });
const id = (name = "id") => ({ params: z.object({ [name]: idParam }) });
const admin = { security: [{ bearer: [] }], tags: ["admin"] };
const writeProblems = problems("validation-failed", "unauthorized", "payload-too-large", "unsupported-media-type");

export const adminRoutes = new Hono<AppEnv>();
adminRoutes.use("/v1/admin/*", requireAdmin);

route(
  adminRoutes,
  createRoute({
    method: "put",
    path: "/v1/admin/connections/{id}",
    summary: "Create or replace a channel connection (its secret is sealed, never read back)",
    ...admin,
    ...{
      request: { ...id(), ...jsonBody(connectionBody) },
      responses: { 201: json(connectionSchema, "Created"), 200: json(connectionSchema, "Replaced"), ...writeProblems },
    },
  }),
  async (c) => {
    const id = validate(idParam, param(c, "id"));
    const { data } = await parseJsonBody(c, connectionBody);
    const settings = data.settings ?? {};
    const channel = typeof settings.channel === "string" && settings.channel ? settings.channel : id;
    validate(z.object({ channel: idParam }), { channel });
    for (const [k, v] of Object.entries(settings)) if (isUrlSetting(k)) outboundUrl(c.env, v, `settings.${k}`);
    const now = new Date().toISOString();
    const before = await getConnection(c.env.DB, id);
    const { existed, row } = await upsertConnection(c.env.DB, {
      id,
      kind: data.kind,
      name: data.name ?? null,
      channel,
      secretEnc: await encryptSecret(c.env.SECRETS_KEY, data.secret),
      settings: await sealSettings(c.env.SECRETS_KEY, { ...settings, channel }),
      updatedAt: now,
    });
    forgetConnection(id);
    forgetPublishTargets();
    // A connection that starts publishing, moves to another channel or maps locations anew gets every figure of its channel.
    const was = before ? publishTarget(before) : null;
    const target = publishTarget(row);
    if (target && (!was || was.channel !== target.channel || JSON.stringify(was.locations) !== JSON.stringify(target.locations))) {
      await askReprojection(c.env, target.channel, was ? "connection locations changed" : "connection publishing", [id]);
      kickReprojection(c);
    }
    await audit(c, { action: "connection.put", resource: "connection", id, before: before && connectionView(before), after: connectionView(row) });
    return c.json(connectionView(row), existed ? 200 : 201);
  },
);

route(
  adminRoutes,
  createRoute({
    method: "post",
    path: "/v1/admin/connections/{id}/rotate",
    summary: "Rotate a connection's secret",
    ...admin,
    ...{
      request: { ...id(), ...jsonBody(z.strictObject({ secret })) },
      responses: { 200: json(connectionSchema, "Rotated"), ...writeProblems, ...problems("not-found") },
    },
  }),
  async (c) => {
    const id = validate(idParam, param(c, "id"));
    const { data } = await parseJsonBody(c, z.strictObject({ secret }));
    const row = await rotateConnectionSecret(c.env.DB, id, await encryptSecret(c.env.SECRETS_KEY, data.secret), new Date().toISOString());
    if (!row) throw new ProblemError(404, "Not found", `No connection ${id}.`);
    forgetConnection(id);
    await audit(c, { action: "connection.rotate", resource: "connection", id, after: { secret: "(set)", updatedAt: row.updatedAt } });
    return c.json(connectionView(row));
  },
);

route(
  adminRoutes,
  createRoute({
    method: "get",
    path: "/v1/admin/connections",
    summary: "List connections",
    ...admin,
    ...{ responses: { 200: json(items(connectionSchema), "Connections"), ...problems("unauthorized") } },
  }),
  async (c) => c.json({ items: (await listConnections(c.env.DB)).map(connectionView) }),
);

route(
  adminRoutes,
  createRoute({
    method: "get",
    path: "/v1/admin/connections/{id}",
    summary: "One connection",
    ...admin,
    ...{ request: id(), responses: { 200: json(connectionSchema, "The connection"), ...problems("unauthorized", "not-found") } },
  }),
  async (c) => {
    const row = await getConnection(c.env.DB, param(c, "id"));
    if (!row) throw new ProblemError(404, "Not found", `No connection ${param(c, "id")}.`);
    return c.json(connectionView(row));
  },
);

route(
  adminRoutes,
  createRoute({
    method: "post",
    path: "/v1/admin/api-keys",
    summary: "Create an API key (shown once, stored as a hash)",
    ...admin,
    ...{
      request: jsonBody(apiKeyBody),
      responses: {
        201: json(z.object({ id: z.string(), key: z.string(), name: z.string(), scopes: z.array(z.string()) }), "Created: the key is in this answer only"),
        ...writeProblems,
        ...problems("conflict"),
      },
    },
  }),
  async (c) => {
    const { data } = await parseJsonBody(c, apiKeyBody);
    const id = newId("key");
    const key = data.key ?? `sy_${toBase64(crypto.getRandomValues(new Uint8Array(24))).replace(/[+/=]/g, "")}`;
    const inserted = await insertKey(c.env.DB, {
      id,
      name: data.name,
      keyHash: await sha256Hex(key),
      prefix: key.slice(0, 7),
      scopes: data.scopes,
      ratePerMinute: data.ratePerMinute ?? null,
      createdAt: new Date().toISOString(),
    });
    if (!inserted) throw new ProblemError(409, "Conflict", "That key is already registered.");
    await audit(c, { action: "api_key.create", resource: "api_key", id, after: { id, name: data.name, scopes: data.scopes, ratePerMinute: data.ratePerMinute ?? null } });
    return c.json({ id, key, name: data.name, scopes: data.scopes }, 201);
  },
);

route(
  adminRoutes,
  createRoute({
    method: "get",
    path: "/v1/admin/api-keys",
    summary: "List API keys (never the keys themselves)",
    ...admin,
    ...{ responses: { 200: json(items(keySchema), "Keys"), ...problems("unauthorized") } },
  }),
  async (c) => c.json({ items: await listKeys(c.env.DB) }),
);

route(
  adminRoutes,
  createRoute({
    method: "delete",
    path: "/v1/admin/api-keys/{id}",
    summary: "Revoke an API key: it stops working at once",
    ...admin,
    ...{
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: json(z.object({ id: z.string(), revoked: z.literal(true) }), "Revoked"), ...problems("unauthorized", "not-found") },
    },
  }),
  async (c) => {
    if (!(await revokeKey(c.env.DB, param(c, "id"), new Date().toISOString()))) throw new ProblemError(404, "Not found", `No API key ${param(c, "id")}.`);
    await audit(c, { action: "api_key.revoke", resource: "api_key", id: param(c, "id"), after: { revoked: true } });
    return c.json({ id: param(c, "id"), revoked: true });
  },
);

route(
  adminRoutes,
  createRoute({
    method: "put",
    path: "/v1/admin/channels/{channel}/policy",
    summary: "Set a channel's policy (locations, exposure controls, pool, backorder)",
    ...admin,
    ...{ request: { ...id("channel"), ...jsonBody(channelPolicySchema) }, responses: { 200: json(policyView, "Saved"), ...writeProblems } },
  }),
  async (c) => {
    const channel = validate(idParam, param(c, "channel"));
    const { data } = await parseJsonBody(c, channelPolicySchema);
    const previous = await upsertPolicy(c.env.DB, channel, data, new Date().toISOString());
    forgetPolicy(channel);
    // The order path reads a channel's masterData policy with the rest of its master data, from KV.
    await writeMasterPolicy(c.env, channel, data.masterData);
    await askReprojection(c.env, channel, "policy changed", null);
    kickReprojection(c);
    await audit(c, { action: "policy.put", resource: "channel_policy", id: channel, before: previous?.policy, after: data });
    return c.json({ channel, policy: data });
  },
);

route(
  adminRoutes,
  createRoute({
    method: "get",
    path: "/v1/admin/channels/{channel}/policy",
    summary: "A channel's policy",
    ...admin,
    ...{ request: { params: z.object({ channel: z.string() }) }, responses: { 200: json(policyView, "The policy"), ...problems("unauthorized", "not-found") } },
  }),
  async (c) => {
    const row = await getPolicyRow(c.env.DB, param(c, "channel"));
    if (!row) throw new ProblemError(404, "Not found", `No policy for channel ${param(c, "channel")}.`);
    return c.json({ channel: row.channel, policy: row.policy, updatedAt: row.updatedAt });
  },
);

route(
  adminRoutes,
  createRoute({
    method: "get",
    path: "/v1/admin/channels",
    summary: "Every channel policy",
    ...admin,
    ...{ responses: { 200: json(items(policyView), "Policies"), ...problems("unauthorized") } },
  }),
  async (c) => c.json({ items: (await listPolicyRows(c.env.DB)).map((r) => ({ channel: r.channel, policy: r.policy, updatedAt: r.updatedAt })) }),
);

route(
  adminRoutes,
  createRoute({
    method: "put",
    path: "/v1/admin/subscriptions/{id}",
    summary: "Create or replace an outbound event subscription",
    ...admin,
    ...{ request: { ...id(), ...jsonBody(subscriptionBody) }, responses: { 200: json(subscriptionView, "Saved"), ...writeProblems } },
  }),
  async (c) => {
    const id = validate(idParam, param(c, "id"));
    const { data } = await parseJsonBody(c, subscriptionBody);
    const url = outboundUrl(c.env, data.url, "url");
    const now = new Date().toISOString();
    const previous = await upsertSubscription(c.env.DB, { id, url, secretEnc: await encryptSecret(c.env.SECRETS_KEY, data.secret), events: data.events, updatedAt: now });
    forgetSubscriptions();
    await audit(c, { action: "subscription.put", resource: "subscription", id, before: previous && { url: previous.url, events: previous.events }, after: { url, events: data.events, secret: "(set)" } });
    return c.json({ id, url, events: data.events });
  },
);

route(
  adminRoutes,
  createRoute({
    method: "get",
    path: "/v1/admin/subscriptions",
    summary: "List subscriptions",
    ...admin,
    ...{ responses: { 200: json(items(subscriptionView), "Subscriptions"), ...problems("unauthorized") } },
  }),
  async (c) =>
    c.json({
      items: (await listSubscriptions(c.env.DB)).map((r) => ({ id: r.id, url: r.url, events: r.events, createdAt: r.createdAt, updatedAt: r.updatedAt })),
    }),
);

route(
  adminRoutes,
  createRoute({
    method: "delete",
    path: "/v1/admin/subscriptions/{id}",
    summary: "Delete a subscription",
    ...admin,
    ...{
      request: { params: z.object({ id: z.string() }) },
      responses: { 200: json(z.object({ id: z.string(), deleted: z.literal(true) }), "Deleted"), ...problems("unauthorized", "not-found") },
    },
  }),
  async (c) => {
    const gone = await deleteSubscription(c.env.DB, param(c, "id"));
    forgetSubscriptions();
    if (!gone) throw new ProblemError(404, "Not found", `No subscription ${param(c, "id")}.`);
    await audit(c, { action: "subscription.delete", resource: "subscription", id: gone.id, before: { url: gone.url, events: gone.events } });
    return c.json({ id: param(c, "id"), deleted: true });
  },
);

const auditEntry = z.object({ id: z.string(), at: z.string(), actor: z.string(), action: z.string(), resource: z.string(), resourceId: z.string(), before: z.unknown(), after: z.unknown() });
const auditQuery = z.object({ resource: z.string().max(64).optional(), resourceId: z.string().max(200).optional(), before: z.string().max(40).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) });

route(
  adminRoutes,
  createRoute({
    method: "get",
    path: "/v1/admin/audit",
    summary: "Admin changes and operator actions, newest first: who, what, before and after (secrets redacted)",
    ...admin,
    request: { query: auditQuery },
    responses: { 200: json(z.object({ items: z.array(auditEntry) }), "Entries; page with before=<the last entry's at>"), ...problems("validation-failed", "unauthorized") },
  }),
  async (c) => c.json({ items: await listAudit(c.env.DB, validate(auditQuery, c.req.query())) }),
);
