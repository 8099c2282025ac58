/** Connections (configured inbound sources) with their secrets decrypted, cached briefly per isolate. */
import { decryptSecret } from "../core/crypto";
import type { Env } from "./env";

export const CONNECTION_KINDS = ["shopify", "woocommerce", "bigcommerce", "amazon", "standard", "x12"] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

export interface Connection {
  id: string;
  kind: ConnectionKind;
  name: string | null;
  channel: string;
  secret: string;
  settings: Record<string, unknown>;
}

const cache = new Map<string, { at: number; conn: Connection | null }>();
const TTL_MS = 10_000;

export function forgetConnection(id: string): void {
  cache.delete(id);
}

/** Loads a connection by id (null when unknown). Secrets stay in memory only, never in logs. */
export async function loadConnection(env: Env, id: string): Promise<Connection | null> {
  const hit = cache.get(id);
  if (hit && Date.now() - hit.at < TTL_MS) return hit.conn;
  const row = await env.DB.prepare("SELECT id, kind, name, channel, secret_enc, settings FROM connections WHERE id = ?")
    .bind(id)
    .first<{ id: string; kind: ConnectionKind; name: string | null; channel: string; secret_enc: string; settings: string }>();
  const conn: Connection | null = row
    ? {
        id: row.id,
        kind: row.kind,
        name: row.name,
        channel: row.channel,
        secret: await decryptSecret(env.SECRETS_KEY, row.secret_enc),
        settings: JSON.parse(row.settings) as Record<string, unknown>,
      }
    : null;
  if (cache.size > 1000) cache.clear();
  cache.set(id, { at: Date.now(), conn });
  return conn;
}
