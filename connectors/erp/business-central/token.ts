/**
 * Microsoft Entra ID client-credentials tokens for Business Central, cached per isolate (keyed by
 * connection id, tenant, client and a fingerprint of the secret) until two minutes before they
 * expire. Concurrent callers share one token request.
 * Docs: dev-itpro/administration/automation-apis-using-s2s-authentication.md (scope `.default`).
 */
import type { ConnectorDeps, ErpConnectionConfig, ErpResult } from "../types";
import { asObject, isTransientStatus, send, str } from "../shared/http";
import { fingerprint } from "../shared/memo";
import { config, ok, retry } from "../shared/result";

export const BC_SCOPE = "https://api.businesscentral.dynamics.com/.default";
/** Refresh this long before `expires_in` runs out, so a token never expires mid-call. */
const REFRESH_EARLY_MS = 120_000;

const tokens = new Map<string, { token: string; expiresAt: number }>();
const inflight = new Map<string, Promise<ErpResult<string>>>();

export class EntraToken {
  readonly #key: string;
  readonly #url: string;

  constructor(
    private readonly cfg: ErpConnectionConfig,
    private readonly deps: ConnectorDeps,
  ) {
    const c = cfg.credentials;
    this.#key = `${cfg.id}|${c.tenantId}|${c.clientId}|${fingerprint(c.clientSecret ?? "")}`;
    this.#url = c.tokenUrl ?? `https://login.microsoftonline.com/${encodeURIComponent(c.tenantId ?? "")}/oauth2/v2.0/token`;
  }

  /** The cached token, or a new one. @example const t = await token.get(); if (t.kind === "ok") headers.authorization = `Bearer ${t.value}`; */
  get(): Promise<ErpResult<string>> {
    const hit = tokens.get(this.#key);
    if (hit && this.deps.now() < hit.expiresAt - REFRESH_EARLY_MS) return Promise.resolve(ok(hit.token));
    const pending = inflight.get(this.#key);
    if (pending) return pending;
    const p = this.#request().finally(() => inflight.delete(this.#key));
    inflight.set(this.#key, p);
    return p;
  }

  /** Forgets the cached token (BC answered 401 with it). */
  invalidate(): void {
    tokens.delete(this.#key);
  }

  /** The token now cached, for scrubbing results. */
  current(): string | undefined {
    return tokens.get(this.#key)?.token;
  }

  async #request(): Promise<ErpResult<string>> {
    const c = this.cfg.credentials;
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: c.clientId ?? "", client_secret: c.clientSecret ?? "", scope: BC_SCOPE });
    const a = await send(this.deps, this.#url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, body: form.toString() });
    if (!a.ok) return retry(`Entra ID token request: ${a.reason}`);
    const b = asObject(a.json);
    const token = str(b?.access_token);
    if (a.status === 200 && token) {
      const ttl = Number(b?.expires_in ?? 3599);
      tokens.set(this.#key, { token, expiresAt: this.deps.now() + ttl * 1000 });
      return ok(token);
    }
    // AADSTS descriptions name the tenant or app, never the secret; keep their first line.
    const why = `${str(b?.error) ?? `HTTP ${a.status}`}${str(b?.error_description) ? ` (${str(b?.error_description)?.split(/\r?\n/)[0]})` : ""}`;
    if (isTransientStatus(a.status)) return retry(`Entra ID token request: ${why}`, a.retryAfter, a.status);
    return config(`Entra ID refused the client credentials: ${why}`, a.status);
  }
}
