#!/usr/bin/env node
// A loopback stand-in for Microsoft Dynamics 365 Business Central online, answering the way the
// API v2.0 docs describe (MicrosoftDocs/dynamics365smb-devitpro-pb, see
// test/fixtures/erp/SOURCES.md): Entra ID client-credentials tokens at
// /{tenantId}/oauth2/v2.0/token; the API under /v2.0/{tenantId}/{environment}/api/v2.0/
// companies({id})/ with OData filters, server paging (`Prefer: odata.maxpagesize` →
// `@odata.nextLink`), deep insert of salesOrders + salesOrderLines, `@odata.etag` with
// `If-Match` (409 Request_EntityChanged, or 412, on a stale etag) and error bodies
// `{"error":{"code","message"}}`; plus a per-location stock API page of the kind an AL extension
// adds (`/api/{publisher}/{group}/v1.0/companies({id})/itemStockByLocation`).
//
// Control API (tests drive the far side with it):
//   POST /_stub/tenants { tenantId, clientId, clientSecret, environment, companyId, tokenTtlSeconds? }
//   POST /_stub/companies/{id}/seed  { customers: [{ number }], items: [{ number, unitPrice? }], locations: [{ code }] }
//   POST /_stub/companies/{id}/stock { itemNumber, locationCode, quantity, reserved? }  absolute, posted as a ledger entry
//   POST /_stub/companies/{id}/ship  { orderNumber, locationCode? }  posts a sales shipment of what is left
//   POST /_stub/companies/{id}/touch { orderNumber }  someone edits the order in BC (its etag changes)
//   PUT  /_stub/companies/{id}/settings { staleEtagStatus: 409 | 412 }
//   GET  /_stub/companies/{id}/orders?externalDocumentNumber=X  → { count }
//   POST /_stub/faults { method?, path?, bodyIncludes?, times?, status?, code?, message?, retryAfter?, delayMs?, afterCommit?, touch? }
//        the next matching API call answers `status` with a BC error body (and Retry-After), or is
//        delayed (`afterCommit`: processed first, then answered late), or (`touch`) finds its
//        order edited by someone else first
//   POST /_stub/tokens/revoke { tenantId }   GET /_stub/tokens?tenantId=   GET /_stub/calls?since=ms
import { createServer } from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";
import { Company } from "./business-central-data.mjs";
import { collection } from "./odata.mjs";

const SCOPE = "https://api.businesscentral.dynamics.com/.default";

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

/**
 * Starts the stub.
 * @example const bc = await startBusinessCentralStub({ port: 0 }); // bc.url, bc.state, await bc.close()
 */
export async function startBusinessCentralStub({ port = 0, host = "127.0.0.1", unref = false } = {}) {
  const state = { tenants: new Map(), companies: new Map(), tokens: new Map(), faults: [], calls: [] };

  const send = (res, status, body, headers = {}) => {
    res.writeHead(status, { "content-type": "application/json; odata.metadata=minimal; charset=utf-8", "odata-version": "4.0", ...headers });
    res.end(body === undefined ? "" : JSON.stringify(body));
  };
  const bcError = (res, status, code, message, headers = {}) => send(res, status, { error: { code, message: `${message}  CorrelationId:  ${randomUUID()}.` } }, headers);

  // Entra ID v2.0 token endpoint, client credentials grant (AADSTS error bodies).
  function token(res, tenantId, form) {
    const tenant = state.tenants.get(tenantId);
    const aad = (status, error, code, text) => send(res, status, { error, error_description: `AADSTS${code}: ${text}\r\nTrace ID: ${randomUUID()}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID(), error_uri: `https://login.microsoftonline.com/error?code=${code}` });
    if (!tenant) return aad(400, "invalid_request", 90002, `Tenant '${tenantId}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    if (form.get("grant_type") !== "client_credentials") return aad(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
    if (form.get("client_id") !== tenant.clientId) return aad(400, "unauthorized_client", 700016, `Application with identifier '${form.get("client_id")}' was not found in the directory '${tenantId}'.`);
    if (form.get("client_secret") !== tenant.clientSecret) return aad(401, "invalid_client", 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${tenant.clientId}'.`);
    if (form.get("scope") !== SCOPE) return aad(400, "invalid_scope", 1002012, `The provided value for scope ${form.get("scope")} is not valid.`);
    const accessToken = `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${randomBytes(24).toString("base64url")}`;
    const ttl = tenant.tokenTtlSeconds ?? 3599;
    state.tokens.set(accessToken, { tenantId, expiresAt: Date.now() + ttl * 1000, revoked: false });
    return send(res, 200, { token_type: "Bearer", expires_in: ttl, ext_expires_in: ttl, access_token: accessToken });
  }

  function takeFault(method, path, raw) {
    const f = state.faults.find((x) => x.times > 0 && (!x.method || x.method === method) && (!x.path || path.includes(x.path)) && (!x.bodyIncludes || raw.includes(x.bodyIncludes)));
    if (f) f.times--;
    return f;
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    const raw = await readBody(req);
    const call = { at: Date.now(), method: req.method, path: url.pathname + url.search, status: 0 };
    if (!url.pathname.startsWith("/_stub/")) state.calls.push(call);
    const origWriteHead = res.writeHead.bind(res);
    res.writeHead = (status, ...rest) => ((call.status = status), origWriteHead(status, ...rest));
    try {
      if (url.pathname.startsWith("/_stub/")) return control(req, res, url, raw);
      const t = url.pathname.match(/^\/([^/]+)\/oauth2\/v2\.0\/token$/);
      if (t && req.method === "POST") return token(res, t[1], new URLSearchParams(raw));
      return await api(req, res, url, raw);
    } catch (e) {
      return bcError(res, 500, "Internal_ServerError", `stub failure: ${e?.message ?? e}`);
    }
  });

  async function api(req, res, url, raw) {
    const m = url.pathname.match(/^\/v2\.0\/([^/]+)\/([^/]+)\/api\/(v2\.0|[^/]+\/[^/]+\/v1\.0)\/(.*)$/);
    if (!m) return bcError(res, 404, "BadRequest_NotFound", "The requested resource was not found.");
    const [, tenantId, environment, api, rest] = m;
    const auth = (req.headers.authorization ?? "").replace(/^Bearer\s+/i, "");
    const tok = state.tokens.get(auth);
    if (!tok || tok.revoked || tok.tenantId !== tenantId || tok.expiresAt < Date.now()) {
      return bcError(res, 401, "Authentication_InvalidCredentials", "The server has rejected the client credentials.", { "www-authenticate": 'Bearer realm="", error="invalid_token"' });
    }
    const tenant = state.tenants.get(tenantId);
    if (tenant.environment !== environment) return bcError(res, 404, "BadRequest_NotFound", `The environment '${environment}' does not exist for this tenant.`);
    const fault = takeFault(req.method, rest, raw);
    if (fault?.status) {
      return bcError(res, fault.status, fault.code ?? "Unknown", fault.message ?? `Simulated ${fault.status}`, fault.retryAfter !== undefined ? { "retry-after": String(fault.retryAfter) } : {});
    }
    if (fault?.delayMs && !fault.afterCommit) await new Promise((r) => setTimeout(r, fault.delayMs));
    const answer = (status, body, headers) => (fault?.delayMs && fault.afterCommit ? setTimeout(() => send(res, status, body, headers), fault.delayMs) : send(res, status, body, headers));
    if (rest === "companies" && req.method === "GET") return answer(200, { value: [...state.companies.values()].map(companyEntity) });
    const c = rest.match(/^companies\(([^)]+)\)(?:\/(.*))?$/);
    const company = c && state.companies.get(c[1]);
    if (!company) return bcError(res, 404, "BadRequest_NotFound", `The company '${c?.[1] ?? ""}' does not exist.`);
    const path = c[2] ?? "";
    if (fault?.touch) for (const o of company.orders.values()) if (path.includes(o.id)) company.touch(o);
    const base = `${url.origin}/v2.0/${tenantId}/${environment}/api/${api}/companies(${company.id})`;
    const list = (rows, shape, entitySet) => {
      const { body, headers } = collection(url, rows, { prefer: req.headers.prefer, shape, context: `${base}/$metadata#${entitySet}` });
      return answer(200, body, headers);
    };
    const expand = (name) => (url.searchParams.get("$expand") ?? "").split(",").includes(name);
    if (api !== "v2.0") return path === "itemStockByLocation" && req.method === "GET" ? list(company.stockByLocation(), (r) => r, "itemStockByLocation") : bcError(res, 404, "BadRequest_NotFound", "Resource not found for the segment.");
    if (path === "" && req.method === "GET") return answer(200, companyEntity(company));
    if (path === "customers" && req.method === "GET") return list(company.customers, (r) => r, "customers");
    if (path === "customers" && req.method === "POST") {
      const b = JSON.parse(raw || "{}");
      if (company.customers.some((x) => x.number === String(b.number ?? "").toUpperCase())) return bcError(res, 400, "Internal_EntityWithSameKeyExists", `The Customer already exists. Identification fields and values: No.='${b.number}'`);
      company.seed({ customers: [{ number: b.number, displayName: b.displayName, email: b.email }] });
      return answer(201, company.customers.at(-1));
    }
    if (path === "items" && req.method === "GET") return list(company.items.map((i) => company.item((x) => x.id === i.id)), (r) => r, "items");
    if (path === "locations" && req.method === "GET") return list(company.locations, (r) => r, "locations");
    if (path === "itemLedgerEntries" && req.method === "GET") return list(company.ledger, ({ locationCode: _hidden, ...e }) => e, "itemLedgerEntries");
    if (path === "salesShipments" && req.method === "GET") return list(company.shipments, (s) => company.shipmentEntity(s, expand("salesShipmentLines")), "salesShipments");
    if (path === "salesOrders" && req.method === "GET") return list([...company.orders.values()], (o) => company.orderEntity(o, expand("salesOrderLines")), "salesOrders");
    if (path === "salesOrders" && req.method === "POST") {
      try {
        const o = company.createOrder(JSON.parse(raw || "{}"));
        return answer(201, company.orderEntity(o, expand("salesOrderLines")), { location: `${base}/salesOrders(${o.id})` });
      } catch (e) {
        if (e?.code) return bcError(res, e.status, e.code, e.message);
        throw e;
      }
    }
    const one = path.match(/^salesOrders\(([^)]+)\)(\/salesOrderLines)?$/);
    const order = one && company.orders.get(one[1]);
    if (one && !order) return bcError(res, 404, "BadRequest_NotFound", `The salesOrder does not exist. Identification fields and values: Id='${one[1]}'`);
    if (one && one[2] && req.method === "GET") return list(order.lines, (l) => l, "salesOrderLines");
    if (one && req.method === "GET") return answer(200, company.orderEntity(order, expand("salesOrderLines")));
    if (one && req.method === "DELETE") {
      const ifMatch = req.headers["if-match"];
      if (!ifMatch) return bcError(res, 400, "BadRequest_InvalidToken", "Could not validate the client concurrency token required by the service. Please provide a valid token in the client request.");
      if (ifMatch !== "*" && ifMatch !== company.etag(order)) {
        return company.staleEtagStatus === 412
          ? bcError(res, 412, "BadRequest_PreconditionFailed", "The precondition given in the If-Match header is not satisfied.")
          : bcError(res, 409, "Request_EntityChanged", "Another user has already changed the record.");
      }
      try {
        company.deleteOrder(order);
      } catch (e) {
        if (e?.code) return bcError(res, e.status, e.code, e.message);
        throw e;
      }
      return answer(204, undefined);
    }
    return bcError(res, 405, "BadRequest_MethodNotAllowed", `'${req.method}' requests for '${path}' are not allowed.`);
  }

  function companyEntity(c) {
    return { id: c.id, systemVersion: "24.0.16410.18056", timestamp: 1, name: c.name, displayName: c.name, businessProfileId: "", systemCreatedAt: "2024-01-01T00:00:00Z", systemCreatedBy: "00000000-0000-0000-0000-000000000001", systemModifiedAt: "2024-01-01T00:00:00Z", systemModifiedBy: "00000000-0000-0000-0000-000000000001" };
  }

  function control(req, res, url, raw) {
    const b = raw ? JSON.parse(raw) : {};
    const p = url.pathname;
    if (p === "/_stub/tenants" && req.method === "POST") {
      state.tenants.set(b.tenantId, { clientId: b.clientId, clientSecret: b.clientSecret, environment: b.environment ?? "production", tokenTtlSeconds: b.tokenTtlSeconds });
      if (!state.companies.has(b.companyId)) state.companies.set(b.companyId, new Company(b.companyId, b.companyName ?? "CRONUS Stub Ltd."));
      return send(res, 201, { ok: true });
    }
    if (p === "/_stub/faults" && req.method === "POST") {
      state.faults.push({ times: 1, ...b });
      return send(res, 201, { ok: true });
    }
    if (p === "/_stub/calls") return send(res, 200, { calls: state.calls.filter((c) => c.at >= Number(url.searchParams.get("since") ?? 0)) });
    if (p === "/_stub/tokens" && req.method === "GET") return send(res, 200, { tokens: [...state.tokens].filter(([, t]) => t.tenantId === url.searchParams.get("tenantId")).map(([k]) => k) });
    if (p === "/_stub/tokens/revoke" && req.method === "POST") {
      for (const t of state.tokens.values()) if (t.tenantId === b.tenantId) t.revoked = true;
      return send(res, 200, { ok: true });
    }
    const m = p.match(/^\/_stub\/companies\/([^/]+)\/(\w+)$/);
    const company = m && state.companies.get(m[1]);
    if (!company) return send(res, 404, { error: "no such company" });
    const byNumber = (n) => [...company.orders.values()].find((o) => o.number === String(n));
    switch (`${req.method} ${m[2]}`) {
      case "POST seed":
        company.seed(b);
        return send(res, 200, { ok: true });
      case "POST stock":
        company.setStock(b);
        return send(res, 200, { ok: true });
      case "POST ship": {
        const o = byNumber(b.orderNumber);
        return o ? send(res, 201, company.ship(o, b.locationCode)) : send(res, 404, { error: "no such order" });
      }
      case "POST touch": {
        const o = byNumber(b.orderNumber);
        if (o) company.touch(o);
        return send(res, o ? 200 : 404, { ok: !!o });
      }
      case "PUT settings":
        company.staleEtagStatus = b.staleEtagStatus ?? 409;
        return send(res, 200, { ok: true });
      case "GET orders": {
        const ext = (url.searchParams.get("externalDocumentNumber") ?? "").toUpperCase();
        return send(res, 200, { count: [...company.orders.values()].filter((o) => o.externalDocumentNumber === ext).length });
      }
    }
    return send(res, 404, { error: "unknown control call" });
  }

  await new Promise((resolve) => server.listen(port, host, resolve));
  if (unref) server.unref();
  const url = `http://${host}:${server.address().port}`;
  return { url, state, tokenUrl: (tenantId) => `${url}/${tenantId}/oauth2/v2.0/token`, close: () => new Promise((r) => server.close(r)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const bc = await startBusinessCentralStub({ port: Number(process.env.BC_STUB_PORT ?? 8790) });
  console.log(`[bc-stub] listening on ${bc.url}`);
}
