/**
 * Admin API (ADMIN_TOKEN): connections, API keys, channel policies, subscriptions.
 * Secrets are sealed with SECRETS_KEY (AES-GCM) before they are stored and never returned.
 */
import { Hono } from "hono";
import { z } from "zod";
import { encryptSecret, sha256Hex, toBase64 } from "../../../core/crypto";
import { channelPolicySchema } from "../../../core/inventory/policy";
import { CONNECTION_KINDS, forgetConnection, maskSettings, sealSettings } from "../../../lib/connections";
import { forgetCachedKeys, parseJsonBody, ProblemError, requireAdmin, validate, type AppEnv } from "../../../lib/http";
import { newId } from "../../../lib/ids";
import { forgetPolicy } from "../../../lib/reservations";

export const SCOPES = ["orders:write", "orders:read", "inventory:write", "availability:read", "shipments:write", "returns:write", "ops:read"] as const;

const idParam = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be 1-64 letters, digits, '_', '.', '-'");
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
  url: z.url({ protocol: /^https?$/ }),
  secret,
  events: z.array(z.string().regex(/^[a-z_]+\.(\*|[a-z_]+)$|^\*$/, "must look like order.* or order.accepted")).min(1),
});

type ConnectionRow = { id: string; kind: string; name: string | null; channel: string; settings: string; created_at: string; updated_at: string };
const connectionView = (r: ConnectionRow) => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  channel: r.channel,
  settings: maskSettings(JSON.parse(r.settings) as Record<string, unknown>),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export const adminRoutes = new Hono<AppEnv>();
adminRoutes.use("*", requireAdmin);

adminRoutes.put("/connections/:id", async (c) => {
  const id = validate(idParam, c.req.param("id"));
  const { data } = await parseJsonBody(c, connectionBody);
  const settings = data.settings ?? {};
  const channel = typeof settings.channel === "string" && settings.channel ? settings.channel : id;
  validate(z.object({ channel: idParam }), { channel });
  const now = new Date().toISOString();
  const sealed = await encryptSecret(c.env.SECRETS_KEY, data.secret);
  const existed = await c.env.DB.prepare("SELECT 1 FROM connections WHERE id = ?").bind(id).first();
  await c.env.DB.prepare(
    `INSERT INTO connections (id, kind, name, channel, secret_enc, settings, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, channel = excluded.channel,
       secret_enc = excluded.secret_enc, settings = excluded.settings, updated_at = excluded.updated_at`,
  )
    .bind(id, data.kind, data.name ?? null, channel, sealed, JSON.stringify(await sealSettings(c.env.SECRETS_KEY, { ...settings, channel })), now, now)
    .run();
  forgetConnection(id);
  const row = await c.env.DB.prepare("SELECT * FROM connections WHERE id = ?").bind(id).first<ConnectionRow>();
  return c.json(connectionView(row!), existed ? 200 : 201);
});

adminRoutes.post("/connections/:id/rotate", async (c) => {
  const id = validate(idParam, c.req.param("id"));
  const { data } = await parseJsonBody(c, z.strictObject({ secret }));
  const sealed = await encryptSecret(c.env.SECRETS_KEY, data.secret);
  const r = await c.env.DB.prepare("UPDATE connections SET secret_enc = ?, updated_at = ? WHERE id = ?").bind(sealed, new Date().toISOString(), id).run();
  if (!r.meta.changes) throw new ProblemError(404, "Not found", `No connection ${id}.`);
  forgetConnection(id);
  const row = await c.env.DB.prepare("SELECT * FROM connections WHERE id = ?").bind(id).first<ConnectionRow>();
  return c.json(connectionView(row!));
});

adminRoutes.get("/connections", async (c) => {
  const { results } = await c.env.DB.prepare("SELECT * FROM connections ORDER BY id").all<ConnectionRow>();
  return c.json({ items: results.map(connectionView) });
});

adminRoutes.get("/connections/:id", async (c) => {
  const row = await c.env.DB.prepare("SELECT * FROM connections WHERE id = ?").bind(c.req.param("id")).first<ConnectionRow>();
  if (!row) throw new ProblemError(404, "Not found", `No connection ${c.req.param("id")}.`);
  return c.json(connectionView(row));
});

adminRoutes.post("/api-keys", async (c) => {
  const { data } = await parseJsonBody(c, apiKeyBody);
  const id = newId("key");
  const key = data.key ?? `sy_${toBase64(crypto.getRandomValues(new Uint8Array(24))).replace(/[+/=]/g, "")}`;
  const hash = await sha256Hex(key);
  const taken = await c.env.DB.prepare("SELECT 1 FROM api_keys WHERE key_hash = ?").bind(hash).first();
  if (taken) throw new ProblemError(409, "Conflict", "That key is already registered.");
  await c.env.DB.prepare("INSERT INTO api_keys (id, name, key_hash, prefix, scopes, rate_per_minute, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(id, data.name, hash, key.slice(0, 7), JSON.stringify(data.scopes), data.ratePerMinute ?? null, new Date().toISOString())
    .run();
  return c.json({ id, key, name: data.name, scopes: data.scopes }, 201);
});

adminRoutes.get("/api-keys", async (c) => {
  const { results } = await c.env.DB.prepare("SELECT id, name, prefix, scopes, rate_per_minute, created_at, revoked_at FROM api_keys ORDER BY created_at").all<{
    id: string; name: string; prefix: string; scopes: string; rate_per_minute: number | null; created_at: string; revoked_at: string | null;
  }>();
  return c.json({
    items: results.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, scopes: JSON.parse(r.scopes) as string[], ratePerMinute: r.rate_per_minute, createdAt: r.created_at, revokedAt: r.revoked_at })),
  });
});

adminRoutes.delete("/api-keys/:id", async (c) => {
  const at = new Date().toISOString();
  const r = await c.env.DB.prepare("UPDATE api_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?").bind(at, c.req.param("id")).run();
  if (!r.meta.changes) throw new ProblemError(404, "Not found", `No API key ${c.req.param("id")}.`);
  forgetCachedKeys();
  return c.json({ id: c.req.param("id"), revoked: true });
});

adminRoutes.put("/channels/:channel/policy", async (c) => {
  const channel = validate(idParam, c.req.param("channel"));
  const { data } = await parseJsonBody(c, channelPolicySchema);
  await c.env.DB.prepare(
    "INSERT INTO channel_policies (channel, policy, updated_at) VALUES (?, ?, ?) ON CONFLICT (channel) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at",
  )
    .bind(channel, JSON.stringify(data), new Date().toISOString())
    .run();
  forgetPolicy(channel);
  return c.json({ channel, policy: data });
});

adminRoutes.get("/channels/:channel/policy", async (c) => {
  const row = await c.env.DB.prepare("SELECT policy, updated_at FROM channel_policies WHERE channel = ?").bind(c.req.param("channel")).first<{ policy: string; updated_at: string }>();
  if (!row) throw new ProblemError(404, "Not found", `No policy for channel ${c.req.param("channel")}.`);
  return c.json({ channel: c.req.param("channel"), policy: JSON.parse(row.policy) as unknown, updatedAt: row.updated_at });
});

adminRoutes.get("/channels", async (c) => {
  const { results } = await c.env.DB.prepare("SELECT channel, policy, updated_at FROM channel_policies ORDER BY channel").all<{ channel: string; policy: string; updated_at: string }>();
  return c.json({ items: results.map((r) => ({ channel: r.channel, policy: JSON.parse(r.policy) as unknown, updatedAt: r.updated_at })) });
});

adminRoutes.put("/subscriptions/:id", async (c) => {
  const id = validate(idParam, c.req.param("id"));
  const { data } = await parseJsonBody(c, subscriptionBody);
  const now = new Date().toISOString();
  const sealed = await encryptSecret(c.env.SECRETS_KEY, data.secret);
  await c.env.DB.prepare(
    `INSERT INTO subscriptions (id, url, secret_enc, events, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET url = excluded.url, secret_enc = excluded.secret_enc, events = excluded.events, updated_at = excluded.updated_at`,
  )
    .bind(id, data.url, sealed, JSON.stringify(data.events), now, now)
    .run();
  return c.json({ id, url: data.url, events: data.events });
});

adminRoutes.get("/subscriptions", async (c) => {
  const { results } = await c.env.DB.prepare("SELECT id, url, events, created_at, updated_at FROM subscriptions ORDER BY id").all<{ id: string; url: string; events: string; created_at: string; updated_at: string }>();
  return c.json({ items: results.map((r) => ({ id: r.id, url: r.url, events: JSON.parse(r.events) as string[], createdAt: r.created_at, updatedAt: r.updated_at })) });
});

adminRoutes.delete("/subscriptions/:id", async (c) => {
  const r = await c.env.DB.prepare("DELETE FROM subscriptions WHERE id = ?").bind(c.req.param("id")).run();
  if (!r.meta.changes) throw new ProblemError(404, "Not found", `No subscription ${c.req.param("id")}.`);
  return c.json({ id: c.req.param("id"), deleted: true });
});
