// A programmable HTTP server for tests: stands in for third-party APIs (a channel's REST API,
// a subscriber) at the network edge. Tests register canned answers and read what was called:
//   POST /_stub/routes { method, path, status?, json?, requireHeader?: { name, value } }
//   GET  /_stub/calls?prefix=/path   → { calls: [{ method, path, headers, body }] }
import { createServer } from "node:http";

export async function startHttpStub({ port = 0, host = "127.0.0.1", unref = false } = {}) {
  const routes = [];
  const calls = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url, "http://stub");
      const body = Buffer.concat(chunks).toString("utf8");
      const send = (status, json) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(json === undefined ? "" : JSON.stringify(json));
      };
      if (url.pathname === "/_stub/routes" && req.method === "POST") {
        routes.unshift(JSON.parse(body));
        return send(201, { ok: true });
      }
      if (url.pathname === "/_stub/calls") {
        const prefix = url.searchParams.get("prefix") ?? "";
        return send(200, { calls: calls.filter((c) => c.path.startsWith(prefix)) });
      }
      calls.push({ method: req.method, path: url.pathname, headers: req.headers, body });
      const route = routes.find((r) => r.method === req.method && r.path === url.pathname);
      if (!route) return send(404, { error: "no stub for " + req.method + " " + url.pathname });
      const need = route.requireHeader;
      if (need && req.headers[need.name.toLowerCase()] !== need.value) return send(401, { error: "unauthorized" });
      return send(route.status ?? 200, route.json);
    });
  });
  await new Promise((r) => server.listen(port, host, r));
  if (unref) server.unref();
  return { url: `http://${host}:${server.address().port}`, close: () => new Promise((r) => server.close(r)) };
}
