#!/usr/bin/env node
// A local stand-in for the distributor's ERP: the generic HTTP connector's far side.
// It books each orderId once (a second POST answers 409 with the same erpOrderId) and takes
// fault settings so retries, rejections and outages can be watched:
//   PUT  /_sim/faults  { latencyMs, errorRate, status, retryAfter, downForSeconds, rejectReason }
//   POST /_sim/rules   { match, failTimes, status, retryAfter, latencyMs, rejectReason, answerAfterMs }
//        (a rule applies to orders whose externalId or orderId contains `match`; `answerAfterMs`
//        books the order first and answers that late: a timeout after the ERP committed)
//   GET  /_sim/orders[?match=..]  bookings and attempt counts;  POST /_sim/reset
//   PUT  /_sim/master  { customers?: [id], items?: [sku] }  refuse others with 422 unknown_customer / unknown_item
//   POST /_sim/stock   { rows: [{ sku, location, onHand, committed }] }  what GET /stock reports
//   POST /_sim/products { products: [{ sku, status, name?, units?, version? }] }  what GET /products reports
//   POST /_sim/shipments { orderId | erpOrderId, location, lines?: [{ sku, quantity }] (default: the order's), carrier?, tracking? }
//   POST /_sim/forget  { orderId }  the ERP loses that booking (restored from a backup): reconciliation's missing_in_erp
// Besides POST /orders and POST /orders/{erpOrderId}/cancel (CONTRACT "Outbound") it answers the
// generic read endpoints the http connector documents (connectors/erp/http/README.md):
//   GET /orders?reference=<orderId>, GET /orders?changedSince=<cursor>&limit=n,
//   GET /stock?skus=a,b | ?cursor=<cursor>&limit=n, GET /shipments?cursor=<cursor>&limit=n,
//   GET /products?cursor=<cursor>&limit=n
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
    // Read side (generic read endpoints): every change takes the next sequence number, which is
    // the cursor the ERP hands out.
    seq: 0,
    master: { customers: null, items: null },
    stock: new Map(), // `${sku}|${location}` -> { sku, location, onHand, committed, seq }
    shipments: [], // { shipmentId, erpOrderId, reference, location, lines, carrier, tracking, shippedAt, seq }
    products: new Map(), // sku -> { sku, status, name?, units?, version, seq }
  };
  const touch = (b, status) => {
    if (status) b.status = status;
    b.updatedAt = new Date().toISOString();
    b.seq = ++state.seq;
  };
  const view = (orderId, b) => ({ erpOrderId: b.erpOrderId, reference: orderId, status: b.status, updatedAt: b.updatedAt });
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
        state.master = { customers: null, items: null };
        return json(res, 200, { ok: true });
      }
      if (url.pathname === "/_sim/master" && req.method === "PUT") {
        const m = raw ? JSON.parse(raw) : {};
        state.master = { customers: m.customers ?? null, items: m.items ?? null };
        return json(res, 200, state.master);
      }
      if (url.pathname === "/_sim/products" && req.method === "POST") {
        for (const p of JSON.parse(raw).products ?? []) {
          const seq = ++state.seq;
          state.products.set(p.sku, { ...p, version: p.version ?? seq, seq });
        }
        return json(res, 200, { ok: true });
      }
      if (url.pathname === "/_sim/stock" && req.method === "POST") {
        for (const r of JSON.parse(raw).rows ?? []) {
          state.stock.set(`${r.sku}|${r.location}`, { sku: r.sku, location: r.location, onHand: Number(r.onHand ?? 0), committed: Number(r.committed ?? 0), seq: ++state.seq });
        }
        return json(res, 200, { ok: true });
      }
      if (url.pathname === "/_sim/forget" && req.method === "POST") {
        const { orderId } = JSON.parse(raw);
        return json(res, 200, { forgotten: state.bookings.delete(String(orderId ?? "")) });
      }
      if (url.pathname === "/_sim/shipments" && req.method === "POST") {
        const s = JSON.parse(raw);
        const entry = [...state.bookings.entries()].find(([id, b]) => id === s.orderId || b.erpOrderId === s.erpOrderId);
        if (!entry) return json(res, 404, { error: "no such booking" });
        const [orderId, b] = entry;
        const shipment = { shipmentId: `SHP-${state.shipments.length + 1}`, erpOrderId: b.erpOrderId, reference: orderId, location: s.location, lines: s.lines ?? b.lines ?? [], carrier: s.carrier, tracking: s.tracking, shippedAt: new Date().toISOString(), seq: ++state.seq };
        state.shipments.push(shipment);
        touch(b, "shipped");
        return json(res, 201, shipment);
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
        if (b.status === "shipped") return json(res, 422, { error: `order ${b.erpOrderId} has shipped and cannot be cancelled`, code: "not_cancellable" });
        b.cancelled = true;
        if (b.status !== "cancelled") touch(b, "cancelled");
        return json(res, 200, { erpOrderId: b.erpOrderId, cancelled: true });
      }
      if (req.method === "GET") {
        const read = readSide(url);
        if (read) return json(res, 200, read);
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
      const unknownCustomer = state.master.customers && !state.master.customers.includes(order.customer?.id);
      const unknownSku = state.master.items && (order.lines ?? []).map((l) => l.sku).find((sku) => !state.master.items.includes(sku));
      if (unknownCustomer) return json(res, 422, { error: `unknown customer ${order.customer?.id}`, code: "unknown_customer" });
      if (unknownSku) return json(res, 422, { error: `unknown item ${unknownSku}`, code: "unknown_item" });
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
        lines: (order.lines ?? []).map((l) => ({ sku: l.sku, quantity: l.quantity })),
        idempotencyKey: req.headers["idempotency-key"],
        orchestrationId: req.headers["x-orchestration-id"],
        bookedAt: new Date().toISOString(),
      });
      touch(state.bookings.get(orderId), "open");
      if (rule?.answerAfterMs) {
        rule.used++;
        await new Promise((r) => setTimeout(r, rule.answerAfterMs));
      }
      say(`POST /orders ${orderId} -> 201 ${erpOrderId}`);
      return json(res, 201, { erpOrderId });
    } catch (e) {
      return json(res, 400, { error: `bad request: ${e instanceof Error ? e.message : e}` });
    }
  });
  // The generic read endpoints; cursors are the sequence numbers of the last change returned.
  function readSide(url) {
    const q = url.searchParams;
    const after = Number(q.get("cursor") ?? q.get("changedSince") ?? 0) || 0;
    const limit = Math.max(1, Math.min(Number(q.get("limit") ?? 100) || 100, 1000));
    const page = (rows) => {
      const sorted = rows.filter((r) => r.seq > after).sort((a, b) => a.seq - b.seq);
      const items = sorted.slice(0, limit);
      return { items, cursor: String(items.length ? items[items.length - 1].seq : after), more: sorted.length > limit };
    };
    const strip = ({ seq: _seq, ...r }) => r;
    if (url.pathname === "/orders" && q.has("reference")) {
      const ref = q.get("reference");
      const b = state.bookings.get(ref);
      return { orders: b ? [view(ref, b)] : [] };
    }
    if (url.pathname === "/orders" && q.has("changedSince")) {
      const p = page([...state.bookings.entries()].map(([id, b]) => ({ ...view(id, b), seq: b.seq })));
      return { orders: p.items.map(strip), cursor: p.cursor, more: p.more };
    }
    if (url.pathname === "/stock" && q.has("skus")) {
      const skus = new Set((q.get("skus") ?? "").split(",").filter(Boolean));
      return { rows: [...state.stock.values()].filter((r) => skus.has(r.sku)).map(strip), asOf: new Date().toISOString(), cursor: String(state.seq), more: false };
    }
    if (url.pathname === "/stock") {
      const asOf = new Date().toISOString();
      const p = page([...state.stock.values()]);
      return { rows: p.items.map(strip), asOf, cursor: p.cursor, more: p.more };
    }
    if (url.pathname === "/products") {
      const p = page([...state.products.values()]);
      return { products: p.items.map(strip), cursor: p.cursor, more: p.more };
    }
    if (url.pathname === "/shipments") {
      const p = page(state.shipments);
      return { shipments: p.items.map(strip), cursor: p.cursor, more: p.more };
    }
    return null;
  }

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
