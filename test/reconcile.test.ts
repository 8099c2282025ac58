// Reconciliation that explains, through POST /v1/ops/reconcile as an operator runs it: each
// discrepancy type is planted for real (an ERP that lost a booking, a hand-off held up by the
// ERP's Retry-After, a channel figure that was written wrong, an ERP allocation Switchyard does
// not know, a 3PL count that disagrees with the ERP), found with the events that account for it,
// healed where that is safe (booked again, queued again, re-projected), and raised as an exception
// and a `reconciliation.discrepancy` event otherwise. Orders go to an ERP connection of this
// file's own; stock is compared with the ERP_URL simulator, which no poller reads back.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { admin, call, createKey, getOrder, postOrder, sampleOrder, stock, uid, waitForOrder } from "./helpers";
import { publishingChannel, seed, setStock, waitForLevels } from "./publishing/helpers";

const e = env as unknown as { ERP_CONNECTOR_URL: string; ERP_CONNECTOR_TOKEN: string; ERP_URL: string; DB: D1Database };
type Found = { id: string; type: string; subject: Record<string, string>; expected: unknown; actual: unknown; explanation: string; evidence: { kind: string; id: string | null; at: string | null }[]; healable: boolean; healed: boolean };
type Report = { requeued: string[]; confirmedWithoutErpId: string[]; discrepancies: Found[]; checked: Record<string, number>; unchecked: string[]; byType: Record<string, number>; at: string };

let key: string;
beforeAll(async () => {
  key = await createKey(["orders:write", "orders:read", "ops:read", "ops:write", "inventory:write"]);
});

async function sim(base: string, path: string, body: unknown) {
  const res = await fetch(`${base}${path}`, { method: "POST", body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json() as Promise<Record<string, unknown>>;
}

async function reconcile(body: Record<string, unknown>): Promise<Report> {
  const res = await call("/v1/ops/reconcile", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json() as Promise<Report>;
}

async function inventory(events: Record<string, unknown>[]) {
  const res = await call("/v1/inventory/events", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ events }) });
  expect(res.status, await res.clone().text()).toBe(202);
}

const projected = (sku: string, channel: string) => e.DB.prepare("SELECT available FROM availability_projections WHERE sku = ? AND channel = ?").bind(sku, channel).first<{ available: number }>();

describe("POST /v1/ops/reconcile", () => {
  it("finds each discrepancy type, explains it, heals the safe ones and raises the rest", async () => {
    // An ERP connection of our own for the channel's orders.
    const erp = uid("erp-rec");
    expect((await admin(`/v1/admin/erp-connections/${erp}`, "PUT", { kind: "http", baseUrl: e.ERP_CONNECTOR_URL, credentials: { token: e.ERP_CONNECTOR_TOKEN } })).status).toBe(201);
    const channel = uid("ch-rec");
    expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1"], erpConnection: erp })).status).toBe(200);
    const [skuM, skuS, skuP, skuC, skuW] = ["M", "S", "P", "C", "W"].map((x) => uid(`REC-${x}`)) as [string, string, string, string, string];
    for (const s of [skuM, skuS, skuP]) await stock(s, 20);
    const order = async (sku: string, externalId = uid("EXT")) => {
      const res = await postOrder(key, sampleOrder({ channel, externalId, lines: [{ sku, quantity: 2 }] }));
      expect(res.status).toBe(201);
      return ((await res.json()) as { orderId: string }).orderId;
    };

    // missing_in_erp: booked, then the ERP loses it (restored from a backup).
    const mExt = uid("MISS");
    const m = await order(skuM, mExt);
    const booked = await waitForOrder(key, m, (o) => o.status === "erp_accepted");
    expect((await sim(e.ERP_CONNECTOR_URL, "/_sim/forget", { orderId: m })).forgotten).toBe(true);

    // stuck_order: the ERP answers 503 with Retry-After: 60, so the hand-off sits for a minute.
    const sExt = uid("STUCK");
    await sim(e.ERP_CONNECTOR_URL, "/_sim/rules", { match: sExt, failTimes: 1, status: 503, retryAfter: 60 });
    const s = await order(skuS, sExt);
    await waitForOrder(key, s, (o) => o.timeline.some((t) => t.type === "erp_attempt"));

    // published_vs_computed: the figure the channel was told is written wrong.
    const told = await vi.waitFor(
      async () => {
        const r = await projected(skuP, channel);
        if (!r) throw new Error("not projected yet");
        return r.available;
      },
      { timeout: 10_000, interval: 100 },
    );
    await e.DB.prepare("UPDATE availability_projections SET available = ? WHERE sku = ? AND channel = ?").bind(told + 7, skuP, channel).run();

    // erp_committed_mismatch: the ERP snapshot said 5 committed; the ERP commits 9 now, for orders we never held.
    const asOf = new Date(Date.now() - 60_000).toISOString();
    await inventory([{ eventId: uid("ev"), source: "erp", type: "snapshot", sku: skuC, location: "DC1", asOf, quantities: { onHand: 50, committed: 5 } }]);
    // wms_vs_erp_on_hand: the 3PL counted 37, the ERP has 40.
    const countId = uid("count");
    await inventory([{ eventId: countId, source: "3pl", type: "snapshot", sku: skuW, location: "DC1", asOf, quantities: { onHand: 37 } }]);
    await sim(e.ERP_URL, "/_sim/stock", { rows: [{ sku: skuC, location: "DC1", onHand: 50, committed: 9 }, { sku: skuW, location: "DC1", onHand: 40, committed: 0 }] });

    const scope = { channels: [channel], skus: [skuM, skuS, skuP, skuC, skuW], erpConnection: "env:ERP_URL" };
    // A report-only run changes nothing; poll it until the hand-off has been held up past the sweep threshold.
    const seen = await vi.waitFor(
      async () => {
        const r = await reconcile({ ...scope, heal: false });
        if (!r.discrepancies.some((d) => d.type === "stuck_order" && d.subject.orderId === s)) throw new Error(`not stuck yet: ${JSON.stringify(r.byType)}`);
        return r;
      },
      { timeout: 20_000, interval: 500 },
    );
    expect(seen.discrepancies.every((d) => !d.healed)).toBe(true);
    expect(seen.requeued).toEqual([]);

    const r = await reconcile(scope);
    const of = (type: string) => r.discrepancies.filter((d) => d.type === type);
    expect(Object.keys(r.byType).sort()).toEqual(["erp_committed_mismatch", "missing_in_erp", "published_vs_computed", "stuck_order", "wms_vs_erp_on_hand"]);

    const [missing] = of("missing_in_erp");
    expect(missing).toMatchObject({ subject: { orderId: m, erpConnection: erp }, expected: booked.erpOrderId, actual: null, healable: true, healed: true });
    expect(missing!.explanation).toContain(booked.erpOrderId!);
    expect(missing!.evidence[0]).toMatchObject({ kind: "erp_acceptance", id: booked.erpOrderId });

    const [stuck] = of("stuck_order");
    expect(stuck).toMatchObject({ subject: { orderId: s, channel }, healed: true });
    expect(r.requeued).toContain(s);

    const [pub] = of("published_vs_computed");
    expect(pub).toMatchObject({ subject: { sku: skuP, channel }, expected: told, actual: told + 7, healed: true });

    const [committed] = of("erp_committed_mismatch");
    expect(committed).toMatchObject({ subject: { sku: skuC, location: "DC1", erpConnection: "env:ERP_URL" }, expected: 5, actual: 9, healable: false, healed: false });
    expect(committed!.evidence.map((x) => x.kind)).toEqual(["erp_snapshot", "erp_answer"]);
    expect(Date.parse(committed!.evidence[0]!.at!)).toBe(Date.parse(asOf));

    const [onHand] = of("wms_vs_erp_on_hand");
    expect(onHand).toMatchObject({ subject: { sku: skuW, location: "DC1" }, expected: 37, actual: 40, healed: false });
    expect(onHand!.evidence[0]).toMatchObject({ kind: "stock_report", id: countId });
    expect(onHand!.explanation).toContain("3PL counted 37");

    // Healed: the ERP has the order again (booked once), the held-up order went through long before its
    // Retry-After, and the channel's figure is what its policy gives.
    await vi.waitFor(
      async () => {
        const { orders } = (await (await fetch(`${e.ERP_CONNECTOR_URL}/_sim/orders?match=${mExt}`)).json()) as { orders: { erpOrderId?: string }[] };
        if (orders.filter((o) => o.erpOrderId).length !== 1) throw new Error(`bookings ${JSON.stringify(orders)}`);
      },
      { timeout: 10_000, interval: 200 },
    );
    const rebooked = await waitForOrder(key, m, (o) => o.timeline.some((t) => t.type === "erp_redispatch") && o.timeline.filter((t) => t.type === "erp_attempt").length >= 2);
    expect(rebooked.status).toBe("erp_accepted");
    await waitForOrder(key, s, (o) => o.status === "erp_accepted", 15_000);
    await vi.waitFor(
      async () => {
        if ((await projected(skuP, channel))?.available !== told) throw new Error("figure not rewritten yet");
      },
      { timeout: 10_000, interval: 100 },
    );

    // Raised: an exception for a person and an outbound event, each once.
    const exc = (await (await call(`/v1/ops/exceptions?filter=reconciliation`, { headers: { authorization: `Bearer ${key}` } })).json()) as { items: { id: string; kind: string; reason: string }[] };
    const mine = exc.items.filter((x) => x.reason.includes(skuC) || x.reason.includes(skuW));
    expect(mine.map((x) => x.kind).sort()).toEqual(["reconciliation.erp_committed_mismatch", "reconciliation.wms_vs_erp_on_hand"]);
    const events = await e.DB.prepare("SELECT data FROM outbound_events WHERE type = 'reconciliation.discrepancy' AND (data LIKE ? OR data LIKE ?)").bind(`%${skuC}%`, `%${skuW}%`).all<{ data: string }>();
    expect(events.results.map((x) => (JSON.parse(x.data) as { type: string }).type).sort()).toEqual(["erp_committed_mismatch", "wms_vs_erp_on_hand"]);

    // The next run finds only what nobody has settled yet, under the same ids: nothing is raised twice.
    const again = await reconcile({ ...scope, heal: false });
    expect(again.discrepancies.map((d) => d.id).sort()).toEqual([committed!.id, onHand!.id].sort());
    await reconcile(scope);
    const excAgain = (await (await call(`/v1/ops/exceptions?filter=reconciliation`, { headers: { authorization: `Bearer ${key}` } })).json()) as { items: { reason: string }[] };
    expect(excAgain.items.filter((x) => x.reason.includes(skuC) || x.reason.includes(skuW))).toHaveLength(2);
    const order2 = await getOrder(key, m);
    expect(order2.timeline.filter((t) => t.type === "erp_redispatch")).toHaveLength(1);
  });

  it("finds a channel figure its policy no longer gives, on the projection and at the publishing connection, and re-publishes it", async () => {
    const { tenant, channel, connectionId } = await publishingChannel("bigcommerce", { policy: { locations: ["DC1"], percent: 50 } });
    const sku = uid("REC-PUB");
    await seed("bigcommerce", tenant, [sku], 0);
    await setStock(sku, 20);
    await waitForLevels("bigcommerce", tenant, { [sku]: 10 });
    // The policy changes, but the re-projection the admin API would have asked for is lost.
    await e.DB.prepare("UPDATE channel_policies SET policy = ? WHERE channel = ?").bind(JSON.stringify({ locations: ["DC1"], percent: 100 }), channel).run();

    const r = await reconcile({ channels: [channel], skus: [sku], erpConnection: "env:ERP_URL" });
    const pub = r.discrepancies.filter((d) => d.type === "published_vs_computed");
    expect(pub.map((d) => [d.evidence[0]!.id, d.actual, d.expected, d.healed]).sort()).toEqual(
      [
        ["projection", 10, 20, true],
        [connectionId, 10, 20, true],
      ].sort(),
    );
    // Re-published: the channel holds what its policy gives, and the projection says so too.
    await waitForLevels("bigcommerce", tenant, { [sku]: 20 });
    await vi.waitFor(
      async () => {
        if ((await projected(sku, channel))?.available !== 20) throw new Error("projection not rewritten");
      },
      { timeout: 10_000, interval: 100 },
    );
    await vi.waitFor(
      async () => {
        const again = await reconcile({ channels: [channel], skus: [sku], erpConnection: "env:ERP_URL", heal: false });
        if (again.discrepancies.length) throw new Error(JSON.stringify(again.byType));
      },
      { timeout: 10_000, interval: 250 },
    );
  });

  it("names the field at fault in a bad request and changes nothing", async () => {
    const res = await call("/v1/ops/reconcile", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ skus: "all", heal: "yes" }) });
    expect(res.status).toBe(400);
    const p = (await res.json()) as { errors: { path: string }[] };
    expect(p.errors.map((x) => x.path).sort()).toEqual(["heal", "skus"]);
    const reader = await createKey(["ops:read"]);
    expect((await call("/v1/ops/reconcile", { method: "POST", headers: { authorization: `Bearer ${reader}` } })).status).toBe(403);
  });
});
