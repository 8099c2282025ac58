/** Connections (configured inbound sources) with their secrets decrypted, cached briefly per isolate. */
import type { FactScope } from "../core/canonical";
import { decryptSecret, encryptSecret } from "../core/crypto";
import { getConnection } from "../db/connections";
import type { Env } from "./env";
import { IsolateCache } from "./isolate-cache";

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

/** Settings whose name says they are credentials are sealed like the secret and masked on reads. */
const SENSITIVE = /(token|secret|password|apikey|api_key|credentials?)$/i;
type Sealed = { $sealed: string };
const isSealed = (v: unknown): v is Sealed => !!v && typeof v === "object" && typeof (v as Sealed).$sealed === "string";

export async function sealSettings(secretsKey: string, settings: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) out[k] = SENSITIVE.test(k) && typeof v === "string" ? { $sealed: await encryptSecret(secretsKey, v) } : v;
  return out;
}

export function maskSettings(settings: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, isSealed(v) ? "(set)" : v]));
}

async function unsealSettings(secretsKey: string, settings: Record<string, unknown>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(settings)) out[k] = isSealed(v) ? await decryptSecret(secretsKey, v.$sealed) : v;
  return out;
}

const cache = new IsolateCache<Connection | null>(10_000);

export function forgetConnection(id: string): void {
  cache.delete(id);
}

/** Loads a connection by id (null when unknown). Secrets stay in memory only, never in logs. */
export function loadConnection(env: Env, id: string): Promise<Connection | null> {
  return cache.get(id, async () => {
    const row = await getConnection(env.DB, id);
    if (!row) return null;
    return {
      id: row.id,
      kind: row.kind as ConnectionKind,
      name: row.name,
      channel: row.channel,
      secret: await decryptSecret(env.SECRETS_KEY, row.secretEnc),
      settings: await unsealSettings(env.SECRETS_KEY, row.settings),
    };
  });
}

/**
 * The orders a connection may report warehouse facts about: its own channel's, unless
 * `settings.shipmentChannels` names more (a 3PL's connection serving several channels) or is "*".
 */
export function factScope(conn: Connection): FactScope {
  const more = conn.settings.shipmentChannels;
  if (more === "*") return { channels: "*" };
  const extra = Array.isArray(more) ? more.filter((c): c is string => typeof c === "string") : [];
  return { channels: [conn.channel, ...extra] };
}
