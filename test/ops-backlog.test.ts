// GET /v1/ops/backlog: the dashboard's backlog card. Orders posted on two channels of their own
// are counted per channel and status as their own objects report them; one whose ERP call is
// still in flight is counted as waiting for the ERP, with its creation time as the oldest.
import { describe, expect, it, vi } from "vitest";
import { call, createKey, erpRule, getOrder, postOrder, stockedOrder, uid, waitForOrder } from "./helpers";

type Backlog = { channels: { channel: string; total: number; byStatus: Record<string, number>; awaitingErp: number; oldestAwaitingErpAt: string | null }[]; at: string };

const backlog = async (key: string) => {
  const res = await call("/v1/ops/backlog", { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Backlog;
};

describe("GET /v1/ops/backlog", () => {
  it("counts each channel's orders by status, and what still waits for the ERP", async () => {
    const key = await createKey(["orders:write", "orders:read", "ops:read"]);
    const [web, b2b] = [uid("web"), uid("b2b")];
    const ids: string[] = [];
    for (const channel of [web, web, b2b]) {
      const r = (await (await postOrder(key, await stockedOrder({ channel }))).json()) as { orderId: string };
      ids.push(r.orderId);
    }
    for (const id of ids) await waitForOrder(key, id, (o) => o.status === "erp_accepted");

    // The ERP takes its time over this one: while its call is in flight the order waits for the ERP.
    const slow = await stockedOrder({ channel: b2b, externalId: uid("SLOW") });
    await erpRule({ match: slow.externalId as string, latencyMs: 6000 });
    const { orderId: slowId } = (await (await postOrder(key, slow)).json()) as { orderId: string };
    const slowOrder = (await getOrder(key, slowId)) as unknown as { createdAt: string };

    const waiting = await vi.waitFor(
      async () => {
        const b = (await backlog(key)).channels.find((c) => c.channel === b2b);
        if (!b || b.awaitingErp !== 1) throw new Error(`b2b backlog ${JSON.stringify(b)}`);
        return b;
      },
      { timeout: 5000, interval: 100 },
    );
    expect(waiting.total).toBe(2);
    expect(Date.parse(waiting.oldestAwaitingErpAt!)).toBe(Date.parse(slowOrder.createdAt));

    await waitForOrder(key, slowId, (o) => o.status === "erp_accepted");
    const settled = await vi.waitFor(
      async () => {
        const b = await backlog(key);
        const mine = b.channels.filter((c) => c.channel === web || c.channel === b2b);
        if (mine.some((c) => c.byStatus.erp_accepted !== c.total || c.awaitingErp)) throw new Error(`not settled: ${JSON.stringify(mine)}`);
        return mine;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(settled).toEqual([
      { channel: b2b, total: 2, byStatus: { erp_accepted: 2 }, awaitingErp: 0, oldestAwaitingErpAt: null },
      { channel: web, total: 2, byStatus: { erp_accepted: 2 }, awaitingErp: 0, oldestAwaitingErpAt: null },
    ].sort((a, b) => (a.channel < b.channel ? -1 : 1)));
  });

  it("needs ops:read", async () => {
    expect((await call("/v1/ops/backlog")).status).toBe(401);
    const key = await createKey(["orders:read"]);
    expect((await call("/v1/ops/backlog", { headers: { authorization: `Bearer ${key}` } })).status).toBe(403);
  });
});
