/**
 * Admin API (ADMIN_TOKEN): connections, API keys, channel policies, subscriptions.
 * Secrets are sealed with SECRETS_KEY (AES-GCM) before they are stored and never returned.
 * Every URL Switchyard will later call is checked here (core/urls.ts) and again where it is used.
 */
import { Hono } from "hono";
import { z } from "zod";
import { encryptSecret, sha256Hex, toBase64 } from "../../../core/crypto";
import { channelPolicySchema } from "../../../core/inventory/policy";
import { SCOPES } from "../../../core/scopes";
import { isUrlSetting } from "../../../core/urls";
import { insertKey, listKeys, revokeKey } from "../../../db/api-keys";
import { getConnection, listConnections, rotateConnectionSecret, upsertConnection, type ConnectionRow } from "../../../db/connections";
import { getPolicyRow, listPolicyRows, upsertPolicy } from "../../../db/policies";
import { deleteSubscription, listSubscriptions, upsertSubscription } from "../../../db/subscriptions";
import { CONNECTION_KINDS, forgetConnection, maskSettings, sealSettings } from "../../../lib/connections";
import { parseJsonBody, ProblemError, requireAdmin, validate, type AppEnv } from "../../../lib/http";
import { newId } from "../../../lib/ids";
import { forgetPolicy } from "../../../lib/policies";
import { outboundUrl } from "../../../lib/outbound";

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

export const adminRoutes = new Hono<AppEnv>();
adminRoutes.use("*", requireAdmin);

adminRoutes.put("/connections/:id", async (c) => {
  const id = validate(idParam, c.req.param("id"));
  const { data } = await parseJsonBody(c, connectionBody);
  const settings = data.settings ?? {};
  const channel = typeof settings.channel === "string" && settings.channel ? settings.channel : id;
  validate(z.object({ channel: idParam }), { channel });
  for (const [k, v] of Object.entries(settings)) if (isUrlSetting(k)) outboundUrl(c.env, v, `settings.${k}`);
  const now = new Date().toISOString();
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
  return c.json(connectionView(row), existed ? 200 : 201);
});

adminRoutes.post("/connections/:id/rotate", async (c) => {
  const id = validate(idParam, c.req.param("id"));
  const { data } = await parseJsonBody(c, z.strictObject({ secret }));
  const row = await rotateConnectionSecret(c.env.DB, id, await encryptSecret(c.env.SECRETS_KEY, data.secret), new Date().toISOString());
  if (!row) throw new ProblemError(404, "Not found", `No connection ${id}.`);
  forgetConnection(id);
  return c.json(connectionView(row));
});

adminRoutes.get("/connections", async (c) => c.json({ items: (await listConnections(c.env.DB)).map(connectionView) }));

adminRoutes.get("/connections/:id", async (c) => {
  const row = await getConnection(c.env.DB, c.req.param("id"));
  if (!row) throw new ProblemError(404, "Not found", `No connection ${c.req.param("id")}.`);
  return c.json(connectionView(row));
});

adminRoutes.post("/api-keys", async (c) => {
  const { data } = await parseJsonBody(c, apiKeyBody);
  const id = newId("key");
  const key = data.key ?? `sy_${toBase64(crypto.getRandomValues(new Uint8Array(24))).replace(/[+/=]/g, "")}`;
  const inserted = await insertKey(c.env.DB, { id, name: data.name, keyHash: await sha256Hex(key), prefix: key.slice(0, 7), scopes: data.scopes, ratePerMinute: data.ratePerMinute ?? null, createdAt: new Date().toISOString() });
  if (!inserted) throw new ProblemError(409, "Conflict", "That key is already registered.");
  return c.json({ id, key, name: data.name, scopes: data.scopes }, 201);
});

adminRoutes.get("/api-keys", async (c) => c.json({ items: await listKeys(c.env.DB) }));

adminRoutes.delete("/api-keys/:id", async (c) => {
  if (!(await revokeKey(c.env.DB, c.req.param("id"), new Date().toISOString()))) throw new ProblemError(404, "Not found", `No API key ${c.req.param("id")}.`);
  return c.json({ id: c.req.param("id"), revoked: true });
});

adminRoutes.put("/channels/:channel/policy", async (c) => {
  const channel = validate(idParam, c.req.param("channel"));
  const { data } = await parseJsonBody(c, channelPolicySchema);
  await upsertPolicy(c.env.DB, channel, data, new Date().toISOString());
  forgetPolicy(channel);
  return c.json({ channel, policy: data });
});

adminRoutes.get("/channels/:channel/policy", async (c) => {
  const row = await getPolicyRow(c.env.DB, c.req.param("channel"));
  if (!row) throw new ProblemError(404, "Not found", `No policy for channel ${c.req.param("channel")}.`);
  return c.json({ channel: row.channel, policy: row.policy, updatedAt: row.updatedAt });
});

adminRoutes.get("/channels", async (c) => c.json({ items: (await listPolicyRows(c.env.DB)).map((r) => ({ channel: r.channel, policy: r.policy, updatedAt: r.updatedAt })) }));

adminRoutes.put("/subscriptions/:id", async (c) => {
  const id = validate(idParam, c.req.param("id"));
  const { data } = await parseJsonBody(c, subscriptionBody);
  const url = outboundUrl(c.env, data.url, "url");
  const now = new Date().toISOString();
  await upsertSubscription(c.env.DB, { id, url, secretEnc: await encryptSecret(c.env.SECRETS_KEY, data.secret), events: data.events, updatedAt: now });
  return c.json({ id, url, events: data.events });
});

adminRoutes.get("/subscriptions", async (c) =>
  c.json({ items: (await listSubscriptions(c.env.DB)).map((r) => ({ id: r.id, url: r.url, events: r.events, createdAt: r.createdAt, updatedAt: r.updatedAt })) }),
);

adminRoutes.delete("/subscriptions/:id", async (c) => {
  if (!(await deleteSubscription(c.env.DB, c.req.param("id")))) throw new ProblemError(404, "Not found", `No subscription ${c.req.param("id")}.`);
  return c.json({ id: c.req.param("id"), deleted: true });
});
