// A loopback stand-in for the systems orders are released to: a WMS taking Standard Webhooks
// release events, a 3PL taking X12 940s, an EDI dealer taking 855s and 856s. It checks what a
// real receiver checks (the Standard Webhooks signature and timestamp window, recomputed here
// with node:crypto rather than our code; a 3PL's or dealer's Bearer token), answers 2xx, or the
// statuses a test programmed first, and records every call, noting webhook-id repeats (a real
// WMS dedupes on them). State is per tenant so test files running in parallel never meet.
//
//   receivers:  POST /t/{tenant}/{name}
//   control:    POST /_control/{tenant}/{name}  { secret?: "whsec_…", token?: "…", statuses?: [503, 200], retryAfter?: 1 }
//               GET  /_control/{tenant}/{name}/calls  → { calls: [{ at, headers, body, status, verified, duplicate }] }
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

const TOLERANCE_SECONDS = 300;

/** Standard Webhooks: v1,base64(HMAC-SHA256(base64-decoded secret, "id.timestamp.body")); any listed signature may match. */
function verifyStandard(secret, headers, body) {
  const id = headers["webhook-id"];
  const ts = headers["webhook-timestamp"];
  const list = headers["webhook-signature"];
  if (!id || !ts || !list) return "missing signature headers";
  if (Math.abs(Number(ts) - Math.floor(Date.now() / 1000)) > TOLERANCE_SECONDS) return "timestamp outside the tolerance window";
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const want = createHmac("sha256", key).update(`${id}.${ts}.${body}`).digest();
  const ok = String(list)
    .split(" ")
    .map((e) => e.split(","))
    .some(([v, sig]) => v === "v1" && sig && Buffer.from(sig, "base64").length === want.length && timingSafeEqual(Buffer.from(sig, "base64"), want));
  return ok ? null : "signature does not match";
}

export async function startWarehouseStub({ port = 0, host = "127.0.0.1", unref = false } = {}) {
  const receivers = new Map(); // `${tenant}/${name}` → { program, calls, seen }
  const receiver = (key) => {
    let r = receivers.get(key);
    if (!r) receivers.set(key, (r = { program: {}, calls: [], seen: new Set() }));
    return r;
  };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const url = new URL(req.url, "http://stub");
      const send = (status, json, headers = {}) => {
        res.writeHead(status, { "content-type": "application/json", ...headers });
        res.end(json === undefined ? "" : JSON.stringify(json));
      };
      const control = url.pathname.match(/^\/_control\/([^/]+)\/([^/]+)(\/calls)?$/);
      if (control) {
        const r = receiver(`${control[1]}/${control[2]}`);
        if (control[3]) return send(200, { calls: r.calls });
        if (req.method === "POST") {
          r.program = JSON.parse(body || "{}");
          return send(201, { ok: true });
        }
        return send(405, { error: "POST a program or GET …/calls" });
      }
      const m = url.pathname.match(/^\/t\/([^/]+)\/([^/]+)$/);
      if (!m || req.method !== "POST") return send(404, { error: `no receiver at ${req.method} ${url.pathname}` });
      const r = receiver(`${m[1]}/${m[2]}`);
      const p = r.program;
      const call = { at: new Date().toISOString(), headers: req.headers, body, status: 0, verified: false, duplicate: false };
      r.calls.push(call);
      if (p.secret) {
        const why = verifyStandard(p.secret, req.headers, body);
        if (why) return send((call.status = 401), { error: why });
        call.verified = true;
        const id = req.headers["webhook-id"];
        call.duplicate = r.seen.has(id);
        r.seen.add(id);
      } else if (p.token) {
        if (req.headers.authorization !== `Bearer ${p.token}`) return send((call.status = 401), { error: "wrong or missing bearer token" });
        call.verified = true;
      }
      const next = p.statuses?.length ? p.statuses.shift() : 202;
      call.status = next;
      if (next >= 200 && next < 300) return send(next, { received: true, duplicate: call.duplicate });
      return send(next, { error: `programmed ${next}` }, p.retryAfter !== undefined && (next === 429 || next === 503) ? { "retry-after": String(p.retryAfter) } : {});
    });
  });
  await new Promise((resolve) => server.listen(port, host, resolve));
  if (unref) server.unref();
  return { url: `http://${host}:${server.address().port}`, close: () => new Promise((resolve) => server.close(resolve)) };
}
