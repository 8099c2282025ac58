#!/usr/bin/env node
// A local stand-in for the distributor's ERP: the generic HTTP connector's far side.
// It books each orderId once (a second POST answers 409 with the same erpOrderId) and takes
// fault settings so retries, rejections and outages can be watched:
//   PUT  /_sim/faults  { latencyMs, errorRate, status, retryAfter, downForSeconds, rejectReason }
//   POST /_sim/rules   { match, failTimes, status, retryAfter, latencyMs, rejectReason }
//        (a rule applies to orders whose externalId or orderId contains `match`)
//   GET  /_sim/orders[?match=..]  bookings and attempt counts;  POST /_sim/reset
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { pathToFileURL } from "node:url";

const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

/**
 * Starts the simulator.
 * @example const erp = await startErpSimulator({ port: 8788 }); console.log(erp.url);
 */
export async function startErpSimulator({ port = 8788, host = "127.0.0.1", token, quiet = false, unref = false } = {}) {
  const state = {
    faults: { latencyMs: 0, errorRate: 0, status: 0, retryAfter: undefined, downUntil: 0, rejectReason: undefined },
    rules: [],
    bookings: new Map(), // orderId -> { erpOrderId, externalId, channel, version, bookedAt, cancelled }
    attempts: new Map(), // orderId -> number of POSTs seen
    externalIds: new Map(), // orderId -> externalId
    log: [],
  };
  const say = (...a) => quiet || console.log("[erp-sim]", ...a);

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url, "http://erp");
      const raw = await readBody(req);
      if (url.pathname === "/_sim/faults" && req.method === "PUT") {
        const f = raw ? JSON.parse(raw) : {};
        state.faults = {
          latencyMs: Number(f.latencyMs ?? 0),
          errorRate: Number(f.errorRate ?? 0),
          status: Number(f.status ?? 0),
          retryAfter: f.retryAfter,
          rejectReason: f.rejectReason,
          downUntil: f.downForSeconds ? Date.now() + Number(f.downForSeconds) * 1000 : 0,
        };
        say("faults", JSON.stringify(f));
        return json(res, 200, { ...state.faults });
      }
      if (url.pathname === "/_sim/faults" && req.method === "GET") return json(res, 200, state.faults);
      if (url.pathname === "/_sim/rules" && req.method === "POST") {
        const r = JSON.parse(raw);
        if (!r.match) return json(res, 400, { error: "match is required" });
        const rule = { id: randomUUID(), failTimes: Infinity, ...r, used: 0 };
        if (rule.failTimes === null) rule.failTimes = Infinity;
        state.rules.push(rule);
        return json(res, 201, { id: rule.id });
      }
      if (url.pathname === "/_sim/reset" && req.method === "POST") {
        state.rules = [];
        state.faults = { latencyMs: 0, errorRate: 0, status: 0, downUntil: 0 };
        return json(res, 200, { ok: true });
      }
      if (url.pathname === "/_sim/orders" && req.method === "GET") {
        const match = url.searchParams.get("match") ?? "";
        const out = [...state.attempts.entries()]
          .map(([orderId, attempts]) => ({ orderId, attempts, externalId: state.externalIds.get(orderId), ...(state.bookings.get(orderId) ?? {}) }))
          .filter((b) => !match || b.orderId.includes(match) || (b.externalId ?? "").includes(match));
        return json(res, 200, { orders: out });
      }
      if (token && req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { error: "bad token" });

      const cancel = url.pathname.match(/^\/orders\/([^/]+)\/cancel$/);
      if (cancel && req.method === "POST") {
        const b = [...state.bookings.values()].find((x) => x.erpOrderId === cancel[1]);
        if (!b) return json(res, 404, { error: "unknown erp order" });
        b.cancelled = true;
        return json(res, 200, { erpOrderId: b.erpOrderId, cancelled: true });
      }
      if (url.pathname !== "/orders" || req.method !== "POST") return json(res, 404, { error: "not found" });

      const order = JSON.parse(raw);
      const orderId = String(order.orderId ?? "");
      state.attempts.set(orderId, (state.attempts.get(orderId) ?? 0) + 1);
      state.externalIds.set(orderId, String(order.externalId ?? ""));
      const rule = state.rules.find(
        (r) => r.used < r.failTimes && (orderId.includes(r.match) || String(order.externalId ?? "").includes(r.match)),
      );
      const latency = rule?.latencyMs ?? state.faults.latencyMs;
      if (latency) await new Promise((r) => setTimeout(r, latency));
      if (state.faults.downUntil > Date.now()) return json(res, 503, { error: "ERP is down (simulated)" });
      const failWith = rule?.status ?? (state.faults.status && Math.random() < (state.faults.errorRate || 1) ? state.faults.status : 0);
      if (failWith) {
        if (rule) rule.used++;
        const retryAfter = rule?.retryAfter ?? state.faults.retryAfter;
        const reason = rule?.rejectReason ?? state.faults.rejectReason ?? `simulated ${failWith}`;
        say(`POST /orders ${orderId} -> ${failWith}`);
        return json(res, failWith, { error: reason, message: reason }, retryAfter !== undefined ? { "retry-after": String(retryAfter) } : {});
      }
      const existing = state.bookings.get(orderId);
      if (existing) {
        say(`POST /orders ${orderId} -> 409 (already booked as ${existing.erpOrderId})`);
        return json(res, 409, { erpOrderId: existing.erpOrderId, error: "already booked" });
      }
      const erpOrderId = `ERP-${String(state.bookings.size + 100001)}`;
      state.bookings.set(orderId, {
        erpOrderId,
        externalId: order.externalId,
        channel: order.channel,
        version: order.version,
        idempotencyKey: req.headers["idempotency-key"],
        orchestrationId: req.headers["x-orchestration-id"],
        bookedAt: new Date().toISOString(),
      });
      say(`POST /orders ${orderId} -> 201 ${erpOrderId}`);
      return json(res, 201, { erpOrderId });
    } catch (e) {
      return json(res, 400, { error: `bad request: ${e instanceof Error ? e.message : e}` });
    }
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  if (unref) server.unref();
  const addr = server.address();
  const url = `http://${host}:${addr.port}`;
  say(`listening on ${url}`);
  return { url, server, state, close: () => new Promise((r) => server.close(r)) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const port = Number(process.env.ERP_SIM_PORT ?? process.argv[2] ?? 8788);
  await startErpSimulator({ port, token: process.env.ERP_TOKEN });
}
