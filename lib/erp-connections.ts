/**
 * ERP connections as the rest of Switchyard uses them: credentials unsealed (in memory only),
 * cached per isolate, and which one an order goes to. Orders go to the ERP connection their
 * channel's policy names (`erpConnection`), else to the default one, else — with none configured —
 * to the generic http connector on ERP_URL / ERP_TOKEN, as before ERP connections existed. Once
 * booked, an order's cancel goes to the connection that booked it, whatever the default is now.
 */
import type { ErpConnectionConfig, ErpKind, ErpSettings } from "../connectors/erp/types";
import { decryptSecret, encryptSecret } from "../core/crypto";
import { getDefaultErpConnection, getErpConnection, type ErpConnectionRow } from "../db/erp-connections";
import type { Env } from "./env";
import { IsolateCache } from "./isolate-cache";
import { loadPolicy } from "./policies";

/** The id the ERP_URL fallback goes by on timelines and logs; no configured id can take it (ids have no ':'). */
export const ENV_ERP_CONNECTION = "env:ERP_URL";

const cache = new IsolateCache<ErpConnectionConfig | null>(10_000);
const DEFAULT_KEY = "\u0000default";

/** Forgets every cached connection (this isolate at once; others within 10 s). Call after any save or delete. */
export function forgetErpConnections(): void {
  cache.clear();
}

/** Seals credentials as one blob: they are written once and never read back by any API. */
export function sealCredentials(secretsKey: string, credentials: Record<string, string>): Promise<string> {
  return encryptSecret(secretsKey, JSON.stringify(credentials));
}

async function unseal(env: Env, row: ErpConnectionRow): Promise<ErpConnectionConfig> {
  return {
    id: row.id,
    kind: row.kind as ErpKind,
    baseUrl: row.baseUrl,
    credentials: JSON.parse(await decryptSecret(env.SECRETS_KEY, row.credentialsEnc)) as Record<string, string>,
    settings: row.settings as ErpSettings,
  };
}

/** The ERP_URL fallback, or null when ERP_URL is not set either. */
export function envErpConnection(env: Env): ErpConnectionConfig | null {
  if (!env.ERP_URL) return null;
  return { id: ENV_ERP_CONNECTION, kind: "http", baseUrl: env.ERP_URL, credentials: env.ERP_TOKEN ? { token: env.ERP_TOKEN } : {}, settings: {} };
}

/** One configured connection by id (null when there is none); `fresh` skips the cache (pollers, tests of a connection just saved). */
export function loadErpConnection(env: Env, id: string, opts: { fresh?: boolean } = {}): Promise<ErpConnectionConfig | null> {
  if (id === ENV_ERP_CONNECTION) return Promise.resolve(envErpConnection(env));
  const load = async () => {
    const row = await getErpConnection(env.DB, id);
    return row ? unseal(env, row) : null;
  };
  return opts.fresh ? load() : cache.get(id, load);
}

/** The default connection: the one marked default, else the ERP_URL fallback. */
export function loadDefaultErpConnection(env: Env): Promise<ErpConnectionConfig | null> {
  return cache.get(DEFAULT_KEY, async () => {
    const row = await getDefaultErpConnection(env.DB);
    return row ? unseal(env, row) : envErpConnection(env);
  });
}

export type ErpTarget = { ok: true; config: ErpConnectionConfig } | { ok: false; reason: string };

/**
 * Where an order's ERP calls go: the connection that booked it (`bookedWith`, for cancels), else
 * the one its channel's policy names, else the default.
 *
 * @example const t = await erpConnectionFor(env, "webshop"); if (t.ok) erpConnector(env, t.config).createOrder(order);
 */
export async function erpConnectionFor(env: Env, channel: string, bookedWith?: string): Promise<ErpTarget> {
  if (bookedWith) {
    const config = await loadErpConnection(env, bookedWith);
    return config ? { ok: true, config } : { ok: false, reason: `the order was booked through ERP connection ${bookedWith}, which no longer exists` };
  }
  const named = (await loadPolicy(env, channel))?.erpConnection;
  if (named) {
    const config = await loadErpConnection(env, named);
    return config ? { ok: true, config } : { ok: false, reason: `the policy of channel ${channel} names ERP connection ${named}, which does not exist` };
  }
  const config = await loadDefaultErpConnection(env);
  return config ? { ok: true, config } : { ok: false, reason: "no ERP connection is configured and ERP_URL is not set" };
}
