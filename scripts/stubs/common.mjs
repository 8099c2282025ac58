// Shared plumbing for the channel API stubs (shopify.mjs, woocommerce.mjs, bigcommerce.mjs,
// amazon.mjs): loopback HTTP servers that answer the way each provider documents, with state
// kept per tenant so test files running in parallel never see each other's inventory.
//
//   provider calls:  /t/{tenant}/…            (a publisher's apiBaseUrl is `${url}/t/${tenant}`)
//   control:         POST /_control/{tenant}/seed    provider-specific inventory
//                    POST /_control/{tenant}/sell    { sku, units, location?, on?: "now" | "next-call" | "next-read" | "next-write" }
//                    POST /_control/{tenant}/faults  { kind, times?, match?, ... } (see each stub)
//                    GET  /_control/{tenant}/state   inventory as the channel holds it
//                    GET  /_control/{tenant}/calls   every provider call with its time
//                    POST /_control/{tenant}/reset
import { createServer } from "node:http";

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

/**
 * Starts a stub. `provider` supplies `newState()`, `seed(state, body)`, `snapshot(state)`,
 * `sell(state, order)` (apply a sale now) and `handle(ctx)` for provider calls.
 * @example const s = await startStub({ provider, unref: true }); s.url
 */
export async function startStub({ provider, port = 0, host = "127.0.0.1", unref = false }) {
  const tenants = new Map();
  const tenant = (id) => {
    let t = tenants.get(id);
    if (!t) {
      t = { id, calls: [], faults: [], armed: [], state: provider.newState() };
      tenants.set(id, t);
    }
    return t;
  };

  const server = createServer(async (req, res) => {
    const send = (status, json, headers = {}) => {
      if (res.headersSent) return;
      res.writeHead(status, { "content-type": "application/json", ...headers });
      res.end(json === undefined ? "" : typeof json === "string" ? json : JSON.stringify(json));
    };
    try {
      const url = new URL(req.url, "http://stub");
      const raw = await readBody(req);
      let json;
      try {
        json = raw ? JSON.parse(raw) : undefined;
      } catch {
        json = undefined;
      }
      const control = /^\/_control\/([^/]+)\/(\w+)$/.exec(url.pathname);
      if (control) return handleControl(tenant(decodeURIComponent(control[1])), control[2], req.method, json ?? {}, send);
      const call = /^\/t\/([^/]+)(\/.*)$/.exec(url.pathname);
      if (!call) return send(404, { error: `no such path ${url.pathname}` });
      const t = tenant(decodeURIComponent(call[1]));
      const path = call[2];
      t.calls.push({ at: Date.now(), method: req.method, path, query: Object.fromEntries(url.searchParams), headers: req.headers, body: raw });
      const ctx = {
        tenant: t,
        state: t.state,
        method: req.method,
        path,
        url,
        headers: req.headers,
        raw,
        json,
        send,
        /** Takes one pending fault of `kind` whose `match` (if any) is in the path; undefined when none. */
        fault: (kind) => takeFault(t, kind, path),
        /** Applies sales armed for `next-${on}` (on: "read" | "write") or "next-call" that touch one of `skus`. */
        salesBefore: (on, skus) => applyArmed(t, on, skus),
      };
      const generic = takeFault(t, "status", path);
      if (generic) return send(generic.status ?? 500, generic.body ?? { error: "injected" }, generic.headers ?? {});
      await provider.handle(ctx);
      if (!res.headersSent) send(500, { error: "stub did not answer" });
    } catch (e) {
      send(500, { error: String(e && e.stack ? e.stack : e) });
    }
  });

  function handleControl(t, action, method, body, send) {
    if (action === "reset" && method === "POST") {
      t.calls = [];
      t.faults = [];
      t.armed = [];
      t.state = provider.newState();
      return send(200, { ok: true });
    }
    if (action === "seed" && method === "POST") return send(200, provider.seed(t.state, body) ?? { ok: true });
    if (action === "state" && method === "GET") return send(200, provider.snapshot(t.state));
    if (action === "calls" && method === "GET") return send(200, { calls: t.calls.map(({ headers, ...c }) => ({ ...c, headers })) });
    if (action === "faults" && method === "POST") {
      t.faults.push({ times: 1, ...body });
      return send(201, { ok: true });
    }
    if (action === "sell" && method === "POST") {
      const on = body.on ?? "now";
      if (on === "now") return send(200, provider.sell(t.state, body) ?? { ok: true });
      t.armed.push({ ...body, on });
      return send(201, { armed: true });
    }
    return send(404, { error: `no control ${method} ${action}` });
  }

  function takeFault(t, kind, path) {
    const i = t.faults.findIndex((f) => f.kind === kind && (!f.match || path.includes(f.match)));
    if (i < 0) return undefined;
    const f = t.faults[i];
    f.times -= 1;
    if (f.times <= 0) t.faults.splice(i, 1);
    return f;
  }

  function applyArmed(t, on, skus) {
    const set = new Set(skus);
    const hit = t.armed.filter((a) => (a.on === `next-${on}` || a.on === "next-call") && set.has(a.sku));
    t.armed = t.armed.filter((a) => !hit.includes(a));
    for (const a of hit) provider.sell(t.state, a);
    return hit.length;
  }

  await new Promise((r) => server.listen(port, host, r));
  if (unref) server.unref();
  return { url: `http://${host}:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
