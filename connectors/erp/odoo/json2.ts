/**
 * Odoo 19+ JSON-2: `POST {baseUrl}/json/2/{model}/{method}` with `Authorization: bearer <api
 * key>`, `X-Odoo-Database` when the server hosts several, and a body of named parameters plus
 * `ids` and `context` (odoo/documentation content/developer/reference/external_api.rst, 19.0).
 * Each call is its own transaction.
 */
import type { ConnectorDeps, ErpConnectionConfig, ErpResult } from "../types";
import { asObject, send, str, type Answer } from "../shared/http";
import { ok } from "../shared/result";
import { classify } from "./errors";
import { pace } from "./throttle";
import { settle, type OdooAnswer, type OdooCall, type OdooTransport } from "./transport";

export class Json2 implements OdooTransport {
  readonly name = "JSON-2" as const;
  readonly #base: string;

  constructor(
    private readonly cfg: ErpConnectionConfig,
    private readonly deps: ConnectorDeps,
    private readonly paceKey: string,
    private readonly callsPerSecond: number,
  ) {
    this.#base = cfg.baseUrl.replace(/\/+$/, "");
  }

  #failure(a: Answer, what: string): ErpResult<never> {
    if (!a.ok) return classify({ status: 503, message: a.reason }, what);
    const b = asObject(a.json);
    // Odoo's own error object, or (a proxy, an HTML page) only the status.
    const message = str(b?.message) ?? (typeof a.json === "string" ? a.json : `HTTP ${a.status}`);
    return classify({ status: a.status, ...(str(b?.name) ? { name: str(b?.name) } : {}), message, retryAfter: a.retryAfter }, what);
  }

  async call(model: string, method: string, c: OdooCall = {}): Promise<OdooAnswer> {
    await pace(this.paceKey, this.callsPerSecond, this.deps);
    const headers: Record<string, string> = { authorization: `bearer ${this.cfg.credentials.apiKey ?? ""}`, "content-type": "application/json; charset=utf-8", accept: "application/json", "user-agent": "switchyard-erp-connector" };
    if (this.cfg.credentials.database) headers["x-odoo-database"] = this.cfg.credentials.database;
    const body = { ...c.params, ...(c.ids ? { ids: c.ids } : {}), ...(c.context ? { context: c.context } : {}) };
    const a = await send(this.deps, `${this.#base}/json/2/${model}/${method}`, { method: "POST", headers, body: JSON.stringify(body) });
    if (a.ok && a.status === 200) return ok(a.json);
    if (!a.ok) return { kind: "no_answer", reason: `${model}/${method}: ${a.reason}` };
    return this.#failure(a, `${model}/${method}`);
  }

  async version(): Promise<ErpResult<string>> {
    await pace(this.paceKey, this.callsPerSecond, this.deps);
    const a = await send(this.deps, `${this.#base}/web/version`, { method: "GET", headers: { accept: "application/json" } });
    if (a.ok && a.status === 200) return ok(str(asObject(a.json)?.version) ?? "unknown");
    return this.#failure(a, "GET /web/version");
  }

  async whoami(): Promise<ErpResult<string>> {
    const r = settle(await this.call("res.users", "context_get"));
    if (r.kind !== "ok") return r;
    return ok(`user ${String(asObject(r.value)?.uid ?? "?")}`);
  }
}
