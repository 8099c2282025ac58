#!/usr/bin/env node
// A loopback reverse proxy in front of a real server (the tests' Tryton) that loses answers the
// way a network does, so Switchyard's retries can be driven against a real ERP: a request that
// matches a `hold` rule is forwarded and fully processed by the target (the ERP commits), and its
// answer is then never delivered — the caller times out. A `fail` rule answers 503 without
// forwarding. A rule may arm a `then` rule at the moment it fires.
//
// Control API:
//   POST /_proxy/rules { match: [substrings of the request body, all required], action: "hold" | "fail",
//                        times?: 1, status?: 503, retryAfter?, then?: <rule> }  → 201 { id }
//   GET  /_proxy/rules/{id}  → { fired }            GET /_proxy/calls?since=ms → { calls: [{ at, method, fired? }] }
// Everything else is forwarded to `target` unchanged.
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });

const HOP = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "content-encoding"]);
const HOLD_AT_MOST_MS = 120_000;

/**
 * @example const p = await startFaultyProxy({ target: tryton.url, unref: true }); p.url
 */
export async function startFaultyProxy({ target, port = 0, host = "127.0.0.1", unref = false }) {
  const base = target.replace(/\/+$/, "");
  const rules = [];
  const fired = new Map();
  const calls = [];

  const arm = (r) => {
    const rule = { id: r.id ?? randomUUID(), match: Array.isArray(r.match) ? r.match.map(String) : [], action: r.action === "fail" ? "fail" : "hold", times: Number(r.times ?? 1), status: Number(r.status ?? 503), retryAfter: r.retryAfter, then: r.then ?? null };
    rules.push(rule);
    fired.set(rule.id, 0);
    return rule;
  };
  const take = (body) => {
    const i = rules.findIndex((r) => r.times > 0 && r.match.every((m) => body.includes(m)));
    if (i < 0) return null;
    const r = rules[i];
    r.times--;
    if (r.times <= 0) rules.splice(i, 1);
    fired.set(r.id, (fired.get(r.id) ?? 0) + 1);
    return r;
  };

  const server = createServer(async (req, res) => {
    const json = (status, body) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    try {
      const raw = await readBody(req);
      const url = new URL(req.url ?? "/", "http://proxy");
      if (url.pathname === "/_proxy/rules" && req.method === "POST") return json(201, { id: arm(JSON.parse(raw.toString("utf8") || "{}")).id });
      const ruleId = url.pathname.match(/^\/_proxy\/rules\/([^/]+)$/)?.[1];
      if (ruleId && req.method === "GET") return fired.has(ruleId) ? json(200, { fired: fired.get(ruleId) }) : json(404, { error: "no such rule" });
      if (url.pathname === "/_proxy/calls" && req.method === "GET") {
        const since = Number(url.searchParams.get("since") ?? 0);
        return json(200, { calls: calls.filter((c) => c.at >= since) });
      }

      const text = raw.toString("utf8");
      let method = null;
      try {
        method = JSON.parse(text).method ?? null;
      } catch {
        // not JSON-RPC: forwarded all the same
      }
      const rule = take(text);
      calls.push({ at: Date.now(), method, ...(rule ? { fired: rule.action } : {}) });
      if (rule?.action === "fail") {
        if (rule.then) arm(rule.then);
        res.writeHead(rule.status, { "content-type": "text/plain", ...(rule.retryAfter !== undefined ? { "retry-after": String(rule.retryAfter) } : {}) });
        return res.end("Service Unavailable (faulty proxy)");
      }
      const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !HOP.has(k)));
      const upstream = await fetch(`${base}${req.url}`, { method: req.method, headers, ...(raw.length && req.method !== "GET" && req.method !== "HEAD" ? { body: raw } : {}) });
      const answer = Buffer.from(await upstream.arrayBuffer());
      if (rule?.action === "hold") {
        // The target has answered, so the work is committed; the caller never hears of it.
        if (rule.then) arm(rule.then);
        const t = setTimeout(() => res.destroy(), HOLD_AT_MOST_MS);
        t.unref();
        res.on("close", () => clearTimeout(t));
        return;
      }
      const out = {};
      upstream.headers.forEach((v, k) => {
        if (!HOP.has(k)) out[k] = v;
      });
      res.writeHead(upstream.status, { ...out, "content-length": String(answer.length) });
      res.end(answer);
    } catch (e) {
      if (!res.headersSent) json(502, { error: `faulty proxy: ${e instanceof Error ? e.message : e}` });
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  if (unref) server.unref();
  const { port: bound } = server.address();
  return { url: `http://${host}:${bound}`, close: () => new Promise((r) => server.close(r)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const target = process.argv[2];
  if (!target) {
    console.error("usage: faulty-proxy.mjs <target url> [port]");
    process.exit(2);
  }
  const p = await startFaultyProxy({ target, port: Number(process.argv[3] ?? 0) });
  console.log(`faulty proxy on ${p.url} → ${target}`);
}
