/**
 * The audit trail of admin changes and operator actions: who (the admin token's fingerprint or
 * the API key's id), what (`<resource>.<verb>`), and the resource before and after, with every
 * secret replaced by "(set)" before it is stored. Written after the change is durable; a failed
 * audit write fails the request (5xx), so no change goes unrecorded silently.
 *
 * @example await audit(c, { action: "policy.put", resource: "channel_policy", id: channel, before, after });
 */
import type { Context } from "hono";
import { sha256Hex } from "../core/crypto";
import { appendAudit } from "../db/audit";
import type { AppEnv } from "./http";
import { newId } from "./ids";

const SECRET = /(token|secret|password|apikey|api_key|credentials?|keyhash|secretenc|key_hash|secret_enc)$/i;

/** A copy of `v` with every secret-like field (and every sealed value) replaced by "(set)". */
export function redactSecrets(v: unknown, depth = 0): unknown {
  if (v === null || typeof v !== "object" || depth > 6) return v;
  if (Array.isArray(v)) return v.map((x) => redactSecrets(x, depth + 1));
  if (typeof (v as { $sealed?: unknown }).$sealed === "string") return "(set)";
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET.test(k) ? (x === null || x === undefined || x === "" ? x : "(set)") : redactSecrets(x, depth + 1)]));
}

async function actorOf(c: Context<AppEnv>): Promise<string> {
  const p = c.get("principal");
  if (p?.kind === "api_key") return `key:${p.id}`;
  const token = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1]?.trim() ?? "";
  // A fingerprint tells rotated admin tokens apart without storing anything that would let one in.
  return `admin:${(await sha256Hex(token)).slice(0, 12)}`;
}

export async function audit(c: Context<AppEnv>, e: { action: string; resource: string; id: string; before?: unknown; after?: unknown }): Promise<void> {
  await appendAudit(c.env.DB, {
    id: newId("aud"),
    at: new Date().toISOString(),
    actor: await actorOf(c),
    action: e.action,
    resource: e.resource,
    resourceId: e.id,
    before: e.before === undefined ? null : redactSecrets(e.before),
    after: e.after === undefined ? null : redactSecrets(e.after),
  });
}
