// The local price list (bench/ops.mjs): one request performs `n` operations of one kind, one after
// another, so the runtime's CPU per operation can be read from /proc around a run of requests.
// No framework; the payload is the size of a small RPC argument (an order id and two lines).
import { DurableObject } from "cloudflare:workers";

export class Obj extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY, v TEXT)");
    this.delivered = 0;
  }
  ping(x) {
    return x;
  }
  write(x) {
    this.ctx.storage.sql.exec("INSERT OR REPLACE INTO t (k, v) VALUES (?, ?)", x.k, x.v);
    return 1;
  }
  add(n) {
    this.delivered += n;
    return this.delivered;
  }
  count() {
    return this.delivered;
  }
}

const PAYLOAD = "y".repeat(3000);
const BULK_KEYS = Array.from({ length: 50 }, (_, j) => `b${j}`);
const projection = (env, id) => [
  env.DB.prepare("INSERT INTO o (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v").bind(`order${id}`, PAYLOAD),
  env.DB.prepare("INSERT INTO o (id, v) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET v = excluded.v").bind(`lines${id}`, "x".repeat(200)),
];
const payload = () => ({ orderId: "ord_0123456789abcdef", lines: [{ sku: "SKU-1", quantity: 2 }, { sku: "SKU-2", quantity: 1 }], at: Date.now() });

export default {
  async fetch(req, env) {
    const u = new URL(req.url);
    const kind = u.searchParams.get("kind") ?? "none";
    const n = Number(u.searchParams.get("n") ?? 0);
    if (kind === "init") {
      await env.DB.exec("CREATE TABLE IF NOT EXISTS o (id TEXT PRIMARY KEY, v TEXT)");
      // Fifty availability-sized JSON figures, for the bulk read (the batch availability query's one KV call).
      for (let j = 0; j < 50; j++) await env.KV.put(`b${j}`, JSON.stringify({ sku: `SKU-${j}`, channel: "web", available: 1000 + j, asOf: new Date().toISOString() }));
      return new Response("ok");
    }
    if (kind === "delivered") return Response.json({ delivered: await env.OBJ.getByName("queue-count").count() });
    const p = payload();
    for (let i = 0; i < n; i++) {
      switch (kind) {
        case "do_call":
          await env.OBJ.getByName(`o${i % 3}`).ping(p);
          break;
        case "do_write":
          await env.OBJ.getByName(`o${i % 3}`).write({ k: `k${i}`, v: JSON.stringify(p) });
          break;
        case "d1_statement":
          await env.DB.prepare("INSERT OR REPLACE INTO o (id, v) VALUES (?, ?)").bind(`o${i}`, "x").run();
          break;
        case "d1_batch3":
          await env.DB.batch([0, 1, 2].map((j) => env.DB.prepare("INSERT OR REPLACE INTO o (id, v) VALUES (?, ?)").bind(`o${i}_${j}`, "x")));
          break;
        case "d1_order_projection":
          // One order's projection: its row (a ~3 KB payload) and its lines, in one batch.
          await env.DB.batch(projection(env, i % 50));
          break;
        case "d1_projection_x10":
          // Ten orders' projections in one batch (group commit): priced per batch.
          await env.DB.batch(Array.from({ length: 10 }, (_, j) => projection(env, `${j}_${i % 50}`)).flat());
          break;
        case "d1_read":
          await env.DB.prepare("SELECT v FROM o WHERE id = ?").bind("o1").first();
          break;
        case "kv_get":
          await env.KV.get(`k${i % 10}`);
          break;
        case "kv_get50":
          await env.KV.get(BULK_KEYS, "json");
          break;
        case "kv_put":
          await env.KV.put(`k${i}`, "v");
          break;
        case "queue_send":
          await env.Q.send(p);
          break;
        case "fetch":
          await (await fetch(u.searchParams.get("url"))).arrayBuffer();
          break;
        case "log_line":
          console.log(JSON.stringify({ level: "info", msg: "erp accepted", ...p }));
          break;
      }
    }
    return new Response("ok");
  },
  async queue(batch, env) {
    for (const m of batch.messages) m.ack();
    await env.OBJ.getByName("queue-count").add(batch.messages.length);
  },
};
