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
});
