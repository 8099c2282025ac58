/**
 * Odoo ≤ 18 over JSON-RPC: `POST {baseUrl}/jsonrpc` with service `common` (`authenticate`, once,
 * uid cached per isolate) and `object.execute_kw(db, uid, key, model, method, args, kwargs)`.
 * Chosen over XML-RPC because it is plain JSON: no XML parser in the Worker, and the same error
 * shape (`error.data.name`) as the web client. Deprecated in 19, removed in Odoo 22 (fall 2028).
 */
import type { ConnectorDeps, ErpConnectionConfig, ErpResult } from "../types";
import { asObject, send, str } from "../shared/http";
import { fingerprint, Memo } from "../shared/memo";
import { config, failed, ok } from "../shared/result";
import { classify } from "./errors";
import { pace } from "./throttle";
import { settle, type OdooAnswer, type OdooCall, type OdooTransport } from "./transport";

const uids = new Memo<number>(60 * 60_000);

export class JsonRpc implements OdooTransport {
  readonly name = "JSON-RPC" as const;
  readonly #base: string;
  readonly #uidKey: string;
  #id = 0;

  constructor(
    private readonly cfg: ErpConnectionConfig,
    private readonly deps: ConnectorDeps,
    private readonly paceKey: string,
    private readonly callsPerSecond: number,
  ) {
    this.#base = cfg.baseUrl.replace(/\/+$/, "");
    const c = cfg.credentials;
    this.#uidKey = `${cfg.id}|${c.database}|${c.username}|${fingerprint(c.apiKey ?? "")}`;
  }

  async #rpc(service: string, method: string, args: unknown[], what: string): Promise<OdooAnswer> {
    await pace(this.paceKey, this.callsPerSecond, this.deps);
    const body = { jsonrpc: "2.0", method: "call", params: { service, method, args }, id: ++this.#id };
    const a = await send(this.deps, `${this.#base}/jsonrpc`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json", "user-agent": "switchyard-erp-connector" }, body: JSON.stringify(body) });
    if (!a.ok) return { kind: "no_answer", reason: `${what}: ${a.reason}` };
    const b = asObject(a.json);
    if (a.status !== 200 || !b) return classify({ status: a.status, message: `HTTP ${a.status}`, retryAfter: a.retryAfter }, what);
    const err = asObject(b.error);
    if (err) {
      const data = asObject(err.data);
      return classify({ status: null, ...(str(data?.name) ? { name: str(data?.name) } : {}), message: str(data?.message) ?? str(err.message) ?? "Odoo Server Error" }, what);
    }
    return ok(b.result);
  }

  async #uid(): Promise<ErpResult<number>> {
    const hit = uids.get(this.#uidKey, this.deps.now());
    if (hit) return ok(hit);
    const c = this.cfg.credentials;
    if (!c.database || !c.username) return config("Odoo JSON-RPC needs credentials.database and credentials.username");
    const r = settle(await this.#rpc("common", "authenticate", [c.database, c.username, c.apiKey ?? "", {}], "common.authenticate"));
    if (failed(r)) return r;
    if (typeof r.value !== "number" || r.value <= 0) return config(`Odoo refused the login of user ${c.username} on database ${c.database} (wrong API key, user or database)`);
    return ok(uids.set(this.#uidKey, r.value, this.deps.now()));
  }

  async call(model: string, method: string, c: OdooCall = {}): Promise<OdooAnswer> {
    for (let attempt = 0; ; attempt++) {
      const uid = await this.#uid();
      if (failed(uid)) return uid;
      const kwargs = { ...c.params, ...(c.context ? { context: c.context } : {}) };
      const r = await this.#rpc("object", "execute_kw", [this.cfg.credentials.database, uid.value, this.cfg.credentials.apiKey ?? "", model, method, c.ids ? [c.ids] : [], kwargs], `${model}/${method}`);
      // A cached uid whose key was revoked or rotated: log in once more before calling it config.
      if (r.kind === "config" && attempt === 0 && /AccessDenied/.test(r.reason)) {
        uids.delete(this.#uidKey);
        continue;
      }
      return r;
    }
  }

  async version(): Promise<ErpResult<string>> {
    const r = settle(await this.#rpc("common", "version", [], "common.version"));
    if (failed(r)) return r;
    return ok(str(asObject(r.value)?.server_version) ?? "unknown");
  }

  async whoami(): Promise<ErpResult<string>> {
    const uid = await this.#uid();
    if (failed(uid)) return uid;
    return ok(`user ${uid.value} on database ${this.cfg.credentials.database}`);
  }
}
