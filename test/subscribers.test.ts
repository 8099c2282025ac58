import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { fromBase64, hmacSha256, toBase64 } from "../core/crypto";
import { admin, createKey, postOrder, stockedOrder, uid, waitForOrder } from "./helpers";

// The subscriber is outside the system: the loopback stub server plays it.
const stubUrl = (env as unknown as { STUB_URL: string }).STUB_URL;
type Call = { path: string; headers: Record<string, string>; body: string };

describe("outbound events to subscribers", () => {
  it("delivers signed order events (Standard Webhooks) for the types subscribed", async () => {
    const path = `/hooks/${uid("sub")}`;
    await fetch(`${stubUrl}/_stub/routes`, { method: "POST", body: JSON.stringify({ method: "POST", path, status: 204 }) });
    const secretBytes = crypto.getRandomValues(new Uint8Array(24));
    const secret = `whsec_${toBase64(secretBytes)}`;
    expect((await admin(`/v1/admin/subscriptions/${uid("s")}`, "PUT", { url: `${stubUrl}${path}`, secret, events: ["order.*"] })).status).toBe(200);

    const key = await createKey();
    const { orderId } = (await (await postOrder(key, await stockedOrder())).json()) as { orderId: string };
    await waitForOrder(key, orderId, (o) => o.status === "erp_accepted");

    const calls = await vi.waitFor(
      async () => {
        const { calls } = (await (await fetch(`${stubUrl}/_stub/calls?prefix=${path}`)).json()) as { calls: Call[] };
        const mine = calls.filter((c) => c.body.includes(orderId));
        const types = mine.map((c) => (JSON.parse(c.body) as { type: string; data: { to?: string } }));
        if (!types.some((t) => t.type === "order.status_changed" && t.data.to === "erp_accepted")) throw new Error("not delivered yet");
        return mine;
      },
      { timeout: 20_000, interval: 200 },
    );
    const types = calls.map((c) => (JSON.parse(c.body) as { type: string }).type);
    expect(types).toContain("order.accepted");
    expect(types.every((t) => t.startsWith("order."))).toBe(true);
    for (const c of calls) {
      const { "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": sig } = c.headers;
      const expected = toBase64(await hmacSha256(fromBase64(secret.slice(6))!, `${id}.${ts}.${c.body}`));
      expect(sig).toBe(`v1,${expected}`);
      const ev = JSON.parse(c.body) as { id: string; orchestrationId: string; occurredAt: string };
      expect(ev.id).toBe(id);
      expect(ev.orchestrationId).toMatch(/^orc_/);
    }
  });

  it("delivers one order's events in order, even when the subscriber fails the first one for a while", async () => {
    const path = `/hooks/${uid("ordered")}`;
    const route = (status: number) => fetch(`${stubUrl}/_stub/routes`, { method: "POST", body: JSON.stringify({ method: "POST", path, status }) });
    await route(503);
    await admin(`/v1/admin/subscriptions/${uid("s")}`, "PUT", { url: `${stubUrl}${path}`, secret: "whsec_b3JkZXJlZC1kZWxpdmVyeS1zZWNyZXQ=", events: ["order.*"] });
    const key = await createKey();
    const { orderId } = (await (await postOrder(key, await stockedOrder())).json()) as { orderId: string };
    await waitForOrder(key, orderId, (o) => o.status === "erp_accepted");
    const calls = async () => ((await (await fetch(`${stubUrl}/_stub/calls?prefix=${path}`)).json()) as { calls: Call[] }).calls.filter((c) => c.body.includes(orderId));
    const seqOf = (c: Call) => Number(/^evt_ord_[0-9a-f]+_(\d+)_/.exec((JSON.parse(c.body) as { id: string }).id)![1]);
    // While the subscriber refuses, only the first event is tried: the later ones wait behind it.
    await vi.waitFor(async () => expect((await calls()).length).toBeGreaterThan(1), { timeout: 20_000, interval: 200 });
    expect(new Set((await calls()).map(seqOf)).size).toBe(1);
    await route(204);
    const delivered = await vi.waitFor(
      async () => {
        const all = await calls();
        if (!all.some((c) => (JSON.parse(c.body) as { data: { to?: string } }).data.to === "erp_accepted")) throw new Error("not all delivered yet");
        return all;
      },
      { timeout: 30_000, interval: 250 },
    );
    const firstOfEach = [...new Map(delivered.map((c) => [seqOf(c), c])).keys()];
    expect(firstOfEach).toEqual([...firstOfEach].sort((a, b) => a - b));
  });
});
