// Upstream silence, as an operator sees it: a connection that has gone quiet for longer than its
// threshold shows in the summary's silentConnections, in /metrics, and reaches subscribers as a
// `connection.silent` event; its next delivery clears the alert and sends `connection.resumed`.
// The learned-cadence rules (a multiple of the usual gap, with a floor) are unit-tested in
// core/silence.test.ts; here the connection sets its own `silenceAfterSeconds`.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import shopifyCreate from "./fixtures/shopify/docs-sample_2025-04_orders_create.json";
import { hmacSha256, toBase64 } from "../core/crypto";
import { admin, call, createKey, stock, uid } from "./helpers";

const stubUrl = (env as unknown as { STUB_URL: string }).STUB_URL;
type Silent = { connectionId: string; kind: string; channel: string | null; lastSeenAt: string; expectedEverySeconds: number | null; silentForSeconds: number };
type Call = { body: string };
let key: string;

beforeAll(async () => {
  key = await createKey(["ops:read"]);
  for (const l of shopifyCreate.response.line_items) await stock(l.sku!, 1_000_000);
});

async function connection(settings: Record<string, unknown>) {
  const id = uid("sil");
  const secret = `shpss_${uid()}`;
  const channel = uid("silch");
  expect((await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "shopify", secret, settings: { channel, ...settings } })).status).toBe(201);
  return { id, secret, channel };
}

async function deliver(conn: { id: string; secret: string }) {
  const n = 8_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
  const body = JSON.stringify({ ...shopifyCreate.response, id: n, admin_graphql_api_id: `gid://shopify/Order/${n}`, cancelled_at: null, cancel_reason: null });
  const res = await call(`/v1/webhooks/${conn.id}`, {
    method: "POST",
    headers: { "x-shopify-hmac-sha256": toBase64(await hmacSha256(conn.secret, body)), "x-shopify-webhook-id": crypto.randomUUID(), "x-shopify-topic": "orders/create" },
    body,
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { status: string }).status).toBe("accepted");
}

const silentList = async () => ((await (await call("/v1/ops/summary", { headers: { authorization: `Bearer ${key}` } })).json()) as { silentConnections: Silent[] }).silentConnections;
const metricsText = async () => (await call("/metrics", { headers: { authorization: `Bearer ${key}` } })).text();
const events = async (path: string, connectionId: string) =>
  ((await (await fetch(`${stubUrl}/_stub/calls?prefix=${path}`)).json()) as { calls: Call[] }).calls
    .map((c) => JSON.parse(c.body) as { type: string; data: Record<string, unknown> })
    .filter((e) => e.data.connectionId === connectionId);

describe("silent connections", () => {
  it("raises a connection quiet past its threshold, and clears it when it talks again", async () => {
    const path = `/hooks/${uid("silence")}`;
    await fetch(`${stubUrl}/_stub/routes`, { method: "POST", body: JSON.stringify({ method: "POST", path, status: 204 }) });
    expect((await admin(`/v1/admin/subscriptions/${uid("s")}`, "PUT", { url: `${stubUrl}${path}`, secret: "whsec_c2lsZW5jZS1zdWJzY3JpYmVyLXNlY3JldA==", events: ["connection.*"] })).status).toBe(200);

    const quiet = await connection({ silenceAfterSeconds: 2 });
    // A connection with no threshold of its own and one delivery has no cadence to judge yet.
    const young = await connection({});
    const sentAt = Date.now();
    await deliver(quiet);
    await deliver(young);
    expect((await silentList()).map((s) => s.connectionId)).not.toContain(quiet.id);

    const raised = await vi.waitFor(
      async () => {
        const s = (await silentList()).find((x) => x.connectionId === quiet.id);
        if (!s) throw new Error("not silent yet");
        return s;
      },
      { timeout: 15_000, interval: 250 },
    );
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(2000);
    expect(raised).toMatchObject({ kind: "shopify", channel: quiet.channel, expectedEverySeconds: 2 });
    expect(raised.silentForSeconds).toBeGreaterThanOrEqual(2);
    expect(Math.abs(Date.parse(raised.lastSeenAt) - sentAt)).toBeLessThan(2000);
    expect((await silentList()).map((s) => s.connectionId)).not.toContain(young.id);
    expect(await metricsText()).toContain(`switchyard_connection_silent{connection="${quiet.id}",kind="shopify",channel="${quiet.channel}"} 1\n`);

    const silentEvent = await vi.waitFor(
      async () => {
        const e = (await events(path, quiet.id)).find((x) => x.type === "connection.silent");
        if (!e) throw new Error("connection.silent not delivered yet");
        return e;
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(silentEvent.data).toMatchObject({ connectionId: quiet.id, kind: "shopify", channel: quiet.channel });

    // Traffic again: the alert clears itself and subscribers hear it resumed, after the silence.
    await deliver(quiet);
    await vi.waitFor(
      async () => {
        if ((await silentList()).some((x) => x.connectionId === quiet.id)) throw new Error("still silent");
      },
      { timeout: 10_000, interval: 200 },
    );
    expect(await metricsText()).toContain(`switchyard_connection_silent{connection="${quiet.id}",kind="shopify",channel="${quiet.channel}"} 0\n`);
    const all = await vi.waitFor(
      async () => {
        const list = await events(path, quiet.id);
        if (!list.some((x) => x.type === "connection.resumed")) throw new Error("connection.resumed not delivered yet");
        return list;
      },
      { timeout: 20_000, interval: 250 },
    );
    expect(all.map((e) => e.type).slice(0, 2)).toEqual(["connection.silent", "connection.resumed"]);
    expect(await events(path, young.id)).toEqual([]);
  });
});
