/**
 * Calls to the Business Central API v2.0 with the cached Entra token (one refresh on a 401), and
 * the classification of BC's answers. Error bodies are `{"error":{"code","message"}}`; codes are
 * grouped by prefix (dev-itpro/webservices/dynamics-error-codes.md) and limits by status
 * (dev-itpro/administration/operational-limits-online.md: 429, 503 and 504 mean wait and retry,
 * with `Retry-After` on 502/503).
 */
import type { ConnectorDeps, ErpConnectionConfig, ErpRejectCode, ErpResult } from "../types";
import { asObject, send, str, type Answer } from "../shared/http";
import { config, failed, ok, rejected, retry } from "../shared/result";
import type { EntraToken } from "./token";

/** Internal_* codes that name bad data, not a passing fault: retrying them cannot help. */
const INTERNAL_DATA_CODES = new Set(["Internal_InvalidTableRelation", "Internal_RecordNotFound", "Internal_DataNotFoundFilter", "Internal_EntityWithSameKeyExists"]);

export type Row = Record<string, unknown>;

/** An OData string literal, quotes doubled. @example odataString("O'Brien") // "'O''Brien'" */
export function odataString(v: string): string {
  return `'${v.replace(/'/g, "''")}'`;
}

/** `field eq 'a' or field eq 'b'` for up to a page of values. */
export function anyOf(field: string, values: readonly string[]): string {
  return values.map((v) => `${field} eq ${odataString(v)}`).join(" or ");
}

/** BC's error code and message from an answer, when it sent the documented body. */
export function bcError(a: Answer): { code: string; message: string } | null {
  if (!a.ok) return null;
  const e = asObject(asObject(a.json)?.error);
  return e ? { code: str(e.code) ?? "Unknown", message: str(e.message) ?? "" } : null;
}

/**
 * Classifies an answer that is not the success the caller wanted. `rejectAs` is the code for a
 * business refusal (Application_* / BadRequest_* / data Internal_* codes).
 * @example if (a.status !== 201) return bcFailure(a, "POST salesOrders", "invalid_order");
 */
export function bcFailure(a: Answer, what: string, rejectAs: ErpRejectCode = "other"): ErpResult<never> {
  if (!a.ok) return retry(`${what}: ${a.reason}`);
  const e = bcError(a);
  const reason = `${what}: BC answered ${a.status}${e ? ` ${e.code}: ${e.message}` : a.text ? `: ${a.text}` : ""}`;
  const code = e?.code ?? "";
  if (a.status === 401 || a.status === 403 || code.startsWith("Authentication_") || code.startsWith("Authorization_")) {
    return config(`${reason} (is the app registered on BC's Microsoft Entra Applications page with API permission sets?)`, a.status);
  }
  if ([408, 429, 502, 503, 504].includes(a.status)) return retry(reason, a.retryAfter, a.status);
  if (code === "Internal_CompanyNotFound") return config(reason, a.status);
  if (code.startsWith("Internal_") && !INTERNAL_DATA_CODES.has(code)) return retry(reason, a.retryAfter, a.status);
  if (a.status >= 500) return retry(reason, a.retryAfter, a.status);
  if (a.status === 404) return config(`${reason} (check baseUrl, tenantId, environment and companyId)`, a.status);
  if (a.status === 409 || a.status === 412) return rejected(reason, "conflict", a.status);
  if (a.status === 400 || a.status === 422 || code.startsWith("Application_") || code.startsWith("BadRequest_") || INTERNAL_DATA_CODES.has(code)) return rejected(reason, rejectAs, a.status);
  return config(reason, a.status);
}

export class BcClient {
  /** `{baseUrl}/v2.0/{tenant}/{environment}/` */
  readonly envRoot: string;
  /** `{envRoot}api/v2.0/companies({companyId})` */
  readonly root: string;

  constructor(
    cfg: ErpConnectionConfig,
    private readonly deps: ConnectorDeps,
    private readonly token: EntraToken,
  ) {
    const base = cfg.baseUrl.replace(/\/+$/, "");
    this.envRoot = `${base}/v2.0/${encodeURIComponent(cfg.credentials.tenantId ?? "")}/${encodeURIComponent(String(cfg.settings.environment ?? "production"))}/`;
    this.root = `${this.envRoot}api/v2.0/companies(${cfg.settings.companyId ?? ""})`;
  }

  /** Absolute URLs (an `@odata.nextLink`) pass through; anything else is relative to the company. */
  url(path: string): string {
    return /^https?:\/\//.test(path) ? path : path ? `${this.root}/${path}` : this.root;
  }

  /**
   * One call with the bearer token. A 401 or 403 drops the cached token and tries once more with
   * a fresh one: the token may have been revoked, and Entra puts the app's roles in the token, so
   * a permission granted since it was issued needs a new one. A second refusal is for the caller.
   */
  async request(method: string, path: string, init: { body?: unknown; headers?: Record<string, string>; pageSize?: number } = {}): Promise<ErpResult<Answer>> {
    for (let attempt = 0; ; attempt++) {
      const t = await this.token.get();
      if (failed(t)) return t;
      const headers: Record<string, string> = { authorization: `Bearer ${t.value}`, accept: "application/json", ...init.headers };
      if (init.body !== undefined) headers["content-type"] = "application/json";
      if (init.pageSize) headers.prefer = `odata.maxpagesize=${init.pageSize}`;
      const a = await send(this.deps, this.url(path), { method, headers, ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}) });
      if (a.ok && (a.status === 401 || a.status === 403) && attempt === 0) {
        this.token.invalidate();
        continue;
      }
      return ok(a);
    }
  }

  /** GET a collection page: its rows and the next-page link, or why not. */
  async list(path: string, what: string, pageSize?: number): Promise<ErpResult<{ rows: Row[]; next: string | null }>> {
    const r = await this.request("GET", path, pageSize ? { pageSize } : {});
    if (failed(r)) return r;
    const a = r.value;
    if (!a.ok || a.status !== 200) return bcFailure(a, what);
    const b = asObject(a.json);
    if (!b || !Array.isArray(b.value)) return config(`${what}: BC answered 200 without a \`value\` array`);
    return ok({ rows: b.value.map((v) => asObject(v) ?? {}), next: str(b["@odata.nextLink"]) ?? null });
  }
}
