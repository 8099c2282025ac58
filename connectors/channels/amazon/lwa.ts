/**
 * Login with Amazon: a refresh-token grant for an SP-API access token (valid about an hour),
 * cached per isolate and keyed by the credentials, so every publisher for one seller shares it
 * and a changed credential never reuses an old token
 * (https://developer-docs.amazon.com/sp-api/docs/connecting-to-the-selling-partner-api).
 * `invalid_grant` / `invalid_client` are the connection's credentials (config); a throttled or
 * failing token endpoint is a retry.
 */
import { sha256Hex } from "../../../core/crypto";
import { callProvider, cut } from "../common/http";
import type { PublisherDeps } from "../types";

export interface LwaCredentials {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
}

export type Token = { kind: "token"; accessToken: string } | { kind: "config" | "retry"; reason: string };

const cache = new Map<string, { accessToken: string; expiresAt: number }>();
/** Renew this long before Amazon's expiry, so a token never lapses mid-batch. */
const EARLY_MS = 60_000;

async function cacheKey(c: LwaCredentials): Promise<string> {
  return `${c.tokenUrl}|${c.clientId}|${await sha256Hex(`${c.clientSecret}\u0000${c.refreshToken}`)}`;
}

/** Drops a token the SP-API refused, so the next call asks for a new one. */
export async function forgetToken(c: LwaCredentials): Promise<void> {
  cache.delete(await cacheKey(c));
}

/**
 * A cached or fresh access token; `counter.calls` counts a token request.
 * @example const t = await accessToken(creds, deps, result); if (t.kind === "token") headers["x-amz-access-token"] = t.accessToken;
 */
export async function accessToken(c: LwaCredentials, deps: PublisherDeps, counter: { calls: number }, redact: (s: string) => string): Promise<Token> {
  const key = await cacheKey(c);
  const hit = cache.get(key);
  if (hit && hit.expiresAt > deps.now()) return { kind: "token", accessToken: hit.accessToken };
  counter.calls++;
  const a = await callProvider(deps, c.tokenUrl, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8", accept: "application/json" },
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: c.refreshToken, client_id: c.clientId, client_secret: c.clientSecret }).toString(),
  });
  if (a.kind === "network") return { kind: "retry", reason: `Login with Amazon: ${a.reason}` };
  const body = (a.json ?? {}) as { access_token?: string; expires_in?: number; error?: string; error_description?: string };
  if (a.status === 200 && body.access_token) {
    const ttl = (typeof body.expires_in === "number" ? body.expires_in : 3600) * 1000;
    cache.set(key, { accessToken: body.access_token, expiresAt: deps.now() + ttl - EARLY_MS });
    return { kind: "token", accessToken: body.access_token };
  }
  const said = redact(cut(body.error ? `${body.error}: ${body.error_description ?? ""}` : a.text));
  // Only an OAuth error from the token endpoint says the credentials are wrong.
  if (a.status === 429 || a.status >= 500 || (a.status >= 200 && a.status < 300) || !body.error) return { kind: "retry", reason: `Login with Amazon answered ${a.status}: ${said}` };
  return { kind: "config", reason: `Login with Amazon refused the refresh token (${a.status}): ${said}` };
}
