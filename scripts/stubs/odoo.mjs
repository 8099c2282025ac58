#!/usr/bin/env node
// A loopback stand-in for Odoo, answering the way odoo/documentation's external API page (19.0)
// and the 17/18 sources describe: JSON-2 (`POST /json/2/{model}/{method}`, `Authorization:
// bearer <api key>`, optional `X-Odoo-Database`, body of named params plus `ids` and `context`;
// errors as `{name, message, arguments, context, debug}` with a 4xx/5xx status) on servers of
// version 19+, and JSON-RPC (`POST /jsonrpc`, services `common` and `object.execute_kw`; errors as
// `{"error": {"code": 200, "message": "Odoo Server Error", "data": {name, message, ...}}}`) on all.
// Odoo documents no rate limits; a reverse proxy in front of it may answer 429/502/503 (faults).
//
// Control API:
//   POST /_stub/databases { name, apiKey, login, delivery?, warehouses?: [{ code, name }], partners?: [{ ref, name }], products?: [{ default_code, name }] }
//   POST /_stub/db/{name}/quants  { default_code, warehouse, sublocation?, quantity, reserved? }  absolute
//   POST /_stub/db/{name}/deliver { saleId, tracking? }  validates the order's delivery (picking done)
//   POST /_stub/db/{name}/lock    { saleId }          GET /_stub/db/{name}/orders?client_order_ref=X → { count, orders }
//   POST /_stub/db/{name}/revoke  { apiKey }
//   POST /_stub/faults { db?, model?, method?, transport?: "json2" | "jsonrpc", times?, status?, name?, message?, retryAfter?, delayMs?, afterCommit?, wizard? }
//   GET  /_stub/calls?since=ms  → every RPC with its arrival time (ms, fractional)
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { Database, OdooError } from "./odoo-models.mjs";

// Positional parameters of the methods the stub serves (for execute_kw's `args`), and which are
// @api.model (no ids).
const MODEL_METHODS = { search: ["domain", "offset", "limit", "order"], search_read: ["domain", "fields", "offset", "limit", "order"], search_count: ["domain", "limit"], create: ["vals_list"], context_get: [] };
const RECORD_METHODS = { read: ["fields", "load"], write: ["vals"], action_confirm: [], action_cancel: [] };
const PROXY_STATUSES = [429, 502, 503, 504];

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
const traceback = (e) => `Traceback (most recent call last):\n  File "/opt/odoo/odoo/http.py", line 2212, in _transactioning\n    return service_model.retrying(func, env=self.env)\n  File "/opt/odoo/odoo/service/model.py", line 176, in retrying\n    result = func()\n${e.odooName}: ${e.message}\n`;

/**
 * Starts the stub; `version` is the server's major version (JSON-2 exists from 19).
 * @example const odoo = await startOdooStub({ port: 0, version: 19 }); // odoo.url, odoo.state, await odoo.close()
 */
export async function startOdooStub({ port = 0, host = "127.0.0.1", unref = false, version = 19 } = {}) {
  const state = { dbs: new Map(), keys: new Map(), faults: [], calls: [], version };

  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    res.end(JSON.stringify(body));
  };

  function takeFault(transport, db, model, method) {
    const f = state.faults.find((x) => x.times > 0 && (!x.db || x.db === db.name) && (!x.transport || x.transport === transport) && (!x.model || x.model === model) && (!x.method || x.method === method));
    if (f) f.times--;
    return f;
  }

  /** Runs one ORM call; `args` positional (JSON-RPC) or `named` (JSON-2). */
  function execute(db, model, method, ids, named, context) {
    if (!db.tables[model]) throw new OdooError("werkzeug.exceptions.NotFound", `404 Not Found: the model '${model}' does not exist`, 404);
    const sig = MODEL_METHODS[method] ?? RECORD_METHODS[method] ?? (method.startsWith("_") ? [] : null);
    if (!sig) throw new OdooError("werkzeug.exceptions.NotFound", `404 Not Found: The method '${method}' does not exist on the model '${model}'`, 404);
    if (MODEL_METHODS[method] && ids?.length) throw new OdooError("werkzeug.exceptions.UnprocessableEntity", `422 Unprocessable Entity: cannot call ${model}.${method} with ids`, 422);
    for (const k of Object.keys(named)) if (!(sig ?? []).includes(k)) throw new OdooError("werkzeug.exceptions.UnprocessableEntity", `422 Unprocessable Entity: ${method}() got an unexpected keyword argument '${k}'`, 422);
    if (["search", "search_read", "search_count", "create"].includes(method)) return db[method](model, named);
    if (method === "read") return db.read(model, ids ?? [], named);
    if (method === "write") return db.write(model, ids ?? [], named);
    return db.call(model, method, ids ?? [], named, context);
  }

  async function withFault(res, transport, db, model, method, run, answer) {
    const f = takeFault(transport, db, model, method);
    if (f?.wizard) db.forceWizard++;
    if (f?.status && PROXY_STATUSES.includes(f.status)) {
      res.writeHead(f.status, { "content-type": "text/html", ...(f.retryAfter !== undefined ? { "retry-after": String(f.retryAfter) } : {}) });
      return res.end(`<html><head><title>${f.status}</title></head><body><center><h1>${f.status}</h1></center><hr><center>nginx</center></body></html>`);
    }
    if (f?.name) throw new OdooError(f.name, f.message ?? "simulated", f.status ?? 500);
    if (f?.delayMs && !f.afterCommit) await new Promise((r) => setTimeout(r, f.delayMs));
    const result = run();
    if (f?.delayMs && f.afterCommit) await new Promise((r) => setTimeout(r, f.delayMs));
    return answer(result);
  }

  async function json2(req, res, url, raw, call) {
    if (state.version < 19) return send(res, 404, { name: "werkzeug.exceptions.NotFound", message: "404 Not Found", arguments: ["404 Not Found"], context: {}, debug: "" });
    const [, model, method] = url.pathname.match(/^\/json\/2\/([^/]+)\/([^/]+)$/) ?? [];
    Object.assign(call, { transport: "json2", model, method });
    const auth = /^bearer\s+(.+)$/i.exec(req.headers.authorization ?? "")?.[1];
    const key = auth && state.keys.get(auth);
    const wanted = req.headers["x-odoo-database"];
    call.db = wanted ?? key?.db;
    const fail = (e) => send(res, e.status ?? 500, { name: e.odooName, message: e.message, arguments: [e.message, e.status ?? 500], context: {}, debug: traceback(e) });
    if (!key || (wanted && wanted !== key.db)) return fail(new OdooError("werkzeug.exceptions.Unauthorized", "Invalid apikey", 401));
    const db = state.dbs.get(key.db);
    call.db = db.name;
    try {
      const { ids, context, ...named } = raw ? JSON.parse(raw) : {};
      return await withFault(res, "json2", db, model, method, () => execute(db, model, method, ids, named, context ?? {}), (r) => send(res, 200, r));
    } catch (e) {
      if (e instanceof OdooError || e.odooName) return fail(e);
      return fail(Object.assign(new OdooError("builtins.Exception", "internal server error", 500), { message: "internal server error" }));
    }
  }

  async function jsonrpc(req, res, raw, call) {
    const body = JSON.parse(raw || "{}");
    const { service, method, args = [] } = body.params ?? {};
    const reply = (result) => send(res, 200, { jsonrpc: "2.0", id: body.id ?? null, result });
    const fail = (e) => send(res, 200, { jsonrpc: "2.0", id: body.id ?? null, error: { code: 200, message: "Odoo Server Error", data: { name: e.odooName, debug: traceback(e), message: e.message, arguments: [e.message], context: {} } } });
    Object.assign(call, { transport: "jsonrpc", model: service === "object" ? args[3] : service, method: service === "object" ? args[4] : method });
    try {
      if (service === "common" && method === "version") return reply({ server_version: `${state.version}.0`, server_version_info: [state.version, 0, 0, "final", 0, ""], server_serie: `${state.version}.0`, protocol_version: 1 });
      if (service === "common" && (method === "authenticate" || method === "login")) {
        const [dbName, login, password] = args;
        if (!state.dbs.has(dbName)) throw new OdooError("psycopg2.OperationalError", `connection to server on socket "/var/run/postgresql/.s.PGSQL.5432" failed: FATAL:  database "${dbName}" does not exist`);
        const key = state.keys.get(password);
        call.db = dbName;
        return reply(key && key.db === dbName && key.login === login ? key.uid : false);
      }
      if (service === "object" && method === "execute_kw") {
        const [dbName, uid, password, model, fn, positional = [], kwargs = {}] = args;
        call.db = dbName;
        const key = state.keys.get(password);
        if (!state.dbs.has(dbName) || !key || key.db !== dbName || key.uid !== uid) throw new OdooError("odoo.exceptions.AccessDenied", "Access Denied");
        const db = state.dbs.get(dbName);
        call.db = dbName;
        const { context, ...named } = kwargs;
        const record = !MODEL_METHODS[fn];
        const ids = record ? positional[0] : undefined;
        const rest = record ? positional.slice(1) : positional;
        const sig = MODEL_METHODS[fn] ?? RECORD_METHODS[fn] ?? [];
        rest.forEach((v, i) => (named[sig[i] ?? `arg${i}`] = v));
        return await withFault(res, "jsonrpc", db, model, fn, () => execute(db, model, fn, ids, named, context ?? {}), reply);
      }
      throw new OdooError("builtins.Exception", `unknown service or method ${service}.${method}`);
    } catch (e) {
      if (e.odooName) return fail(e);
      throw e;
    }
  }

  function control(req, res, url, raw) {
    const b = raw ? JSON.parse(raw) : {};
    if (url.pathname === "/_stub/databases" && req.method === "POST") {
      const db = new Database(b.name, { delivery: !!b.delivery });
      state.dbs.set(b.name, db);
      state.keys.set(b.apiKey, { db: b.name, uid: 1, login: b.login ?? "bot" });
      const warehouses = { WH: 1 };
      for (const w of b.warehouses ?? []) warehouses[w.code] = db.addWarehouse(w.code, w.name ?? w.code);
      for (const p of b.partners ?? []) db.insert("res.partner", { active: true, customer_rank: 1, ...p });
      for (const p of b.products ?? []) db.insert("product.product", { active: true, type: "product", ...p });
      return send(res, 201, { warehouses });
    }
    if (url.pathname === "/_stub/faults" && req.method === "POST") {
      state.faults.push({ times: 1, ...b });
      return send(res, 201, { ok: true });
    }
    if (url.pathname === "/_stub/calls") return send(res, 200, { calls: state.calls.filter((c) => c.wall >= Number(url.searchParams.get("since") ?? 0)) });
    const m = url.pathname.match(/^\/_stub\/db\/([^/]+)\/(\w+)$/);
    const db = m && state.dbs.get(m[1]);
    if (!db) return send(res, 404, { error: "no such database" });
    const product = (code) => [...db.tables["product.product"].values()].find((p) => p.default_code === code)?.id;
    const warehouse = (code) => [...db.tables["stock.warehouse"].values()].find((w) => w.code === code)?.id;
    switch (`${req.method} ${m[2]}`) {
      case "POST quants": {
        const wh = warehouse(b.warehouse);
        if (!wh || !product(b.default_code)) return send(res, 404, { error: "no such product or warehouse" });
        const loc = b.sublocation ? db.sublocation(wh, b.sublocation) : db.get("stock.warehouse", wh).lot_stock_id;
        db.setQuant(product(b.default_code), loc, b.quantity, b.reserved ?? 0);
        return send(res, 200, { ok: true });
      }
      case "POST deliver":
        return send(res, 201, db.deliver(Number(b.saleId), b));
      case "POST lock":
        db.touch("sale.order", Number(b.saleId), { locked: true });
        return send(res, 200, { ok: true });
      case "POST revoke":
        state.keys.delete(b.apiKey);
        return send(res, 200, { ok: true });
      case "GET orders": {
        const ref = url.searchParams.get("client_order_ref");
        const orders = [...db.tables["sale.order"].values()].filter((o) => o.client_order_ref === ref).map((o) => ({ id: o.id, name: o.name, state: o.state, locked: o.locked }));
        return send(res, 200, { count: orders.length, orders });
      }
    }
    return send(res, 404, { error: "unknown control call" });
  }

  const server = createServer(async (req, res) => {
    // Arrival time first, before the body is read: the throttle test measures the gaps.
    const arrived = performance.timeOrigin + performance.now();
    const url = new URL(req.url, "http://odoo");
    const raw = await readBody(req);
    if (url.pathname.startsWith("/_stub/")) return control(req, res, url, raw);
    const call = { at: arrived, wall: Date.now(), path: url.pathname, status: 0 };
    state.calls.push(call);
    const writeHead = res.writeHead.bind(res);
    res.writeHead = (status, ...rest) => ((call.status = status), writeHead(status, ...rest));
    try {
      if (url.pathname === "/web/version" && req.method === "GET" && state.version >= 19) return send(res, 200, { version_info: [state.version, 0, 0, "final", 0, ""], version: `${state.version}.0` });
      if (url.pathname.startsWith("/json/2/")) return await json2(req, res, url, raw, call);
      if (url.pathname === "/jsonrpc" && req.method === "POST") return await jsonrpc(req, res, raw, call);
      res.writeHead(404, { "content-type": "text/html" });
      return res.end("<!DOCTYPE html><title>404 Not Found</title>");
    } catch (e) {
      res.writeHead(500, { "content-type": "text/html" });
      return res.end(`<!DOCTYPE html><title>500 Internal Server Error</title>${String(e?.message ?? e)}`);
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  if (unref) server.unref();
  return { url: `http://${host}:${server.address().port}`, state, close: () => new Promise((r) => server.close(r)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const odoo = await startOdooStub({ port: Number(process.env.ODOO_STUB_PORT ?? 8069), version: Number(process.env.ODOO_VERSION ?? 19) });
  console.log(`[odoo-stub] listening on ${odoo.url}`);
}
