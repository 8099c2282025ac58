// Counters from events, seen through the ops API as an operator would: ERP attempts per ERP
// connection by result (a retried booking, a business rejection, refused credentials) with their
// latency histogram, and dead letters. Each test uses ERP connections of its own, so counts are
// exact whatever else runs; the shared dead-letter family is compared before and after.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { admin, call, createKey, postOrder, sampleOrder, stock, uid, waitForOrder } from "./helpers";

const e = env as unknown as { ERP_CONNECTOR_URL: string; ERP_CONNECTOR_TOKEN: string; ERP_MAX_ATTEMPTS: string };
type Counters = Record<string, (Record<string, string | number> & { value?: number; count?: number })[]>;
let key: string;
beforeAll(async () => {
  key = await createKey(["orders:write", "orders:read", "ops:read", "inventory:write"]);
});

async function counters(): Promise<Counters> {
  const res = await call("/v1/ops/summary", { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { counters: Counters }).counters;
}

const pick = (c: Counters, family: string, labels: Record<string, string>) => c[family]?.filter((s) => Object.entries(labels).every(([k, v]) => s[k] === v)) ?? [];

async function erpChannel(token: string) {
  const id = uid("erp-m");
  const put = await admin(`/v1/admin/erp-connections/${id}`, "PUT", { kind: "http", baseUrl: e.ERP_CONNECTOR_URL, credentials: { token } });
  expect(put.status).toBe(201);
  const channel = uid("ch-m");
  expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1"], erpConnection: id })).status).toBe(200);
  return { id, channel };
}

async function order(channel: string, externalId = uid("EXT")) {
  const sku = uid("SKU-M");
  await stock(sku, 10);
  const res = await postOrder(key, sampleOrder({ channel, externalId, lines: [{ sku, quantity: 1 }] }));
  expect(res.status).toBe(201);
  return ((await res.json()) as { orderId: string }).orderId;
}

describe("inventory sync lag", () => {
  it("observes, per channel, the time from a stock fact to the figure the channel is served", async () => {
    const channel = uid("ch-lag");
    expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1"] })).status).toBe(200);
    const sku = uid("SKU-LAG");
    await stock(sku, 10);
    await stock(sku, 12);
    await vi.waitFor(
      async () => {
        const [h] = pick(await counters(), "switchyard_inventory_sync_lag_seconds", { channel });
        if (!h || (h.count ?? 0) < 1) throw new Error(`lag ${JSON.stringify(h)}`);
        expect((h as unknown as { buckets: Record<string, number> }).buckets["+Inf"]).toBe(h.count);
      },
      { timeout: 10_000, interval: 200 },
    );
  });
});

describe("ERP metrics", () => {
  it("counts every booking attempt per ERP connection by result, and times each", async () => {
    const { id, channel } = await erpChannel(e.ERP_CONNECTOR_TOKEN);
    const flaky = uid("FLAKY");
    const refused = uid("REJECT");
    for (const rule of [{ match: flaky, failTimes: 2, status: 503 }, { match: refused, status: 422, rejectReason: "credit limit exceeded" }]) {
      const res = await fetch(`${e.ERP_CONNECTOR_URL}/_sim/rules`, { method: "POST", body: JSON.stringify(rule) });
      expect(res.status).toBeLessThan(300);
    }
    const a = await order(channel, flaky);
    const b = await order(channel, refused);
    await waitForOrder(key, a, (o) => o.status === "erp_accepted");
    await waitForOrder(key, b, (o) => o.status === "exception");

    const c = await vi.waitFor(
      async () => {
        const got = await counters();
        const byResult = Object.fromEntries(pick(got, "switchyard_erp_attempts_total", { erp_connection: id }).map((s) => [s.result, s.value]).sort());
        if (JSON.stringify(byResult) !== JSON.stringify({ rejected: 1, retry: 2, success: 1 })) throw new Error(`attempts ${JSON.stringify(byResult)}`);
        return got;
      },
      { timeout: 10_000, interval: 200 },
    );
    const [latency] = pick(c, "switchyard_erp_call_seconds", { erp_connection: id });
    expect(latency).toMatchObject({ count: 4 });
    expect((latency as unknown as { buckets: Record<string, number> }).buckets["+Inf"]).toBe(4);

    const text = await (await call("/metrics", { headers: { authorization: `Bearer ${key}` } })).text();
    expect(text).toContain(`switchyard_erp_attempts_total{erp_connection="${id}",result="retry"} 2\n`);
    expect(text).toContain(`switchyard_erp_call_seconds_count{erp_connection="${id}"} 4\n`);
  });

  it("counts refused credentials as auth_config until the order is dead-lettered, and the dead letter", async () => {
    const dead = (c: Counters) => pick(c, "switchyard_dead_letters_total", { kind: "erp.order" }).reduce((n, s) => n + (s.value ?? 0), 0);
    const before = dead(await counters());
    const { id, channel } = await erpChannel("expired-token");
    const o = await order(channel);
    await waitForOrder(key, o, (x) => x.status === "exception", 40_000);
    await vi.waitFor(
      async () => {
        const got = await counters();
        const n = pick(got, "switchyard_erp_attempts_total", { erp_connection: id, result: "auth_config" })[0]?.value;
        if (n !== Number(e.ERP_MAX_ATTEMPTS)) throw new Error(`auth_config attempts ${n}`);
        if (dead(got) < before + 1) throw new Error(`dead letters ${dead(got)} (before ${before})`);
      },
      { timeout: 10_000, interval: 200 },
    );
  });
});
