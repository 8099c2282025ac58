// Bare reference Worker: no framework, no storage on its first two routes.
//   GET  /        answers at once (the no-body floor)
//   POST /body    reads the whole request body, then answers (the same-size-body floor)
// and the floor under an availability read, the same I/O with nothing around it (local bindings
// only; `POST /init` seeds them once):
//   GET  /read    hashes the bearer token, reads its row from D1 by hash, reads one KV value, answers it
//   POST /read50  the same with the body's 50 keys read in one bulk KV call
const json = (v) => new Response(JSON.stringify(v), { headers: { "content-type": "application/json" } });

async function keyRow(request, env) {
  const token = (request.headers.get("authorization") ?? "").slice(7);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return env.DB.prepare("SELECT id, scopes FROM keys WHERE hash = ? AND revoked_at IS NULL").bind(hash).first();
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname === "/init") {
      const { token, keys } = await request.json();
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
      const hash = [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
      await env.DB.exec("CREATE TABLE IF NOT EXISTS keys (id TEXT PRIMARY KEY, hash TEXT NOT NULL UNIQUE, scopes TEXT NOT NULL, revoked_at TEXT)");
      await env.DB.prepare("INSERT OR REPLACE INTO keys (id, hash, scopes) VALUES ('k1', ?, '[\"availability:read\"]')").bind(hash).run();
      const asOf = new Date().toISOString();
      for (const k of keys) await env.KV.put(k, JSON.stringify({ sku: k, channel: "bench", available: 1_000_000, asOf }));
      return json({ ok: true });
    }
    if (pathname === "/read") {
      if (!(await keyRow(request, env))) return new Response("unauthorized", { status: 401 });
      return json(await env.KV.get("floor:one", "json"));
    }
    if (pathname === "/read50") {
      const { keys } = await request.json();
      if (!(await keyRow(request, env))) return new Response("unauthorized", { status: 401 });
      const got = await env.KV.get(keys, "json");
      return json({ items: keys.map((k) => got.get(k)) });
    }
    if (request.method === "POST") {
      const body = await request.arrayBuffer();
      return json({ ok: true, bytes: body.byteLength });
    }
    return new Response('{"ok":true}', { headers: { "content-type": "application/json" } });
  },
};
