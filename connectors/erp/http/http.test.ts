// The generic HTTP connector against the ERP simulator (scripts/erp-sim.mjs), a second instance
// started with a token (vitest.config.ts) so wrong credentials are refused as a real ERP would.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { runConnectorConformance, newOrderId, okValue } from "../testing/conformance";
import { lateAnswers } from "../testing/late-answer";
import { createHttpConnector } from "./index";

// Its own simulator: the conformance run sets that simulator's master data, which is global to it.
const { ERP_CONFORMANCE_URL: url, ERP_CONNECTOR_TOKEN: token } = env as unknown as { ERP_CONFORMANCE_URL: string; ERP_CONNECTOR_TOKEN: string };

async function sim(path: string, method: string, body: unknown) {
  const res = await fetch(`${url}${path}`, { method, body: JSON.stringify(body) });
  expect(res.status).toBeLessThan(300);
  return res.json();
}
const rule = (r: Record<string, unknown>) => sim("/_sim/rules", "POST", r);
const bookings = async (orderId: string) =>
  ((await (await fetch(`${url}/_sim/orders?match=${encodeURIComponent(orderId)}`)).json()) as { orders: { orderId: string; erpOrderId?: string }[] }).orders.filter(
    (b) => b.orderId === orderId && b.erpOrderId,
  );

const config = (over: Partial<{ token: string }> = {}) => ({
  id: `http-${crypto.randomUUID()}`,
  kind: "http" as const,
  baseUrl: url,
  credentials: { token: over.token ?? token },
  settings: { pageSize: 2, locations: { DC1: "MAIN" } },
});

runConnectorConformance("http (erp-sim)", async () => {
  await sim("/_sim/master", "PUT", { customers: ["CUST-1"], items: ["SKU-A", "SKU-B"] });
  return {
    factory: createHttpConnector,
    config: config(),
    badCredentials: config({ token: "not-the-erp-token" }),
    customer: "CUST-1",
    unknownCustomer: "CUST-NOBODY",
    skus: ["SKU-A", "SKU-B"],
    unknownSku: "SKU-NOPE",
    location: { switchyard: "DC1", erp: "MAIN" },
    unmappedErpLocation: "OVERFLOW",
    secrets: () => [token],
    injectTimeoutOnNextCreate: async (orderId) => void (await rule({ match: orderId, answerAfterMs: 4000, failTimes: 1 })),
    injectRejectionOnNextCreate: async (orderId) => {
      await rule({ match: orderId, status: 422, rejectReason: "customer CUST-1 is on credit hold", failTimes: 1 });
      return "credit hold";
    },
    injectThrottleOnNextCreate: async (orderId, seconds) => void (await rule({ match: orderId, status: 429, retryAfter: seconds, failTimes: 1 })),
    countOrders: async (orderId) => (await bookings(orderId)).length,
    setStock: async (rows) => void (await sim("/_sim/stock", "POST", { rows: rows.map((r) => ({ sku: r.sku, location: r.erpLocation, onHand: r.onHand, committed: r.committed })) })),
    ship: async (ref, erpLocation) => void (await sim("/_sim/shipments", "POST", { orderId: ref.orderId, location: erpLocation, tracking: "1Z999" })),
    makeUncancellable: async (ref) => void (await sim("/_sim/shipments", "POST", { orderId: ref.orderId, location: "MAIN" })),
  };
});

describe("http connector: today's contract", () => {
  const erp = () => createHttpConnector(config(), { fetch: (...a) => fetch(...a), now: Date.now, timeoutMs: 1500 });

  it("sends the idempotency key, the orchestration id and the bearer token the ERP checks", async () => {
    const orderId = newOrderId();
    const order = { orderId, orchestrationId: "orc-42", version: 3, channel: "web", externalId: `X-${orderId}`, customer: { id: "CUST-1" }, currency: "EUR", lines: [{ lineNo: 1, sku: "SKU-A", quantity: 1 }] };
    okValue(await erp().createOrder(order));
    const booked = ((await (await fetch(`${url}/_sim/orders?match=${orderId}`)).json()) as { orders: Record<string, unknown>[] }).orders[0];
    expect(booked).toMatchObject({ idempotencyKey: `${orderId}:3`, orchestrationId: "orc-42", version: 3 });
  });

  it("a 503 is a retry and a 401 is a configuration failure", async () => {
    const orderId = newOrderId();
    await rule({ match: orderId, status: 503, retryAfter: 30, failTimes: 1 });
    const order = { orderId, orchestrationId: "o", version: 1, channel: "web", externalId: orderId, customer: { id: "CUST-1" }, currency: "EUR", lines: [{ lineNo: 1, sku: "SKU-A", quantity: 1 }] };
    expect(await erp().createOrder(order)).toMatchObject({ kind: "retry", retryAfterSeconds: 30, httpStatus: 503 });
    const wrong = createHttpConnector(config({ token: "nope" }), { fetch: (...a) => fetch(...a), now: Date.now });
    expect(await wrong.createOrder(order)).toMatchObject({ kind: "config", httpStatus: 401 });
    expect(await bookings(orderId)).toHaveLength(0);
  });

  it("lateAnswers (for real-ERP harnesses) loses the answer after the ERP committed; the connector still finds the booking", async () => {
    const late = lateAnswers((...a) => fetch(...a));
    const erpLate = createHttpConnector(config(), { fetch: late.fetch, now: Date.now, timeoutMs: 800 });
    const orderId = newOrderId();
    late.armNext((req) => req.method === "POST" && new URL(req.url).pathname === "/orders");
    const order = { orderId, orchestrationId: "o", version: 1, channel: "web", externalId: orderId, customer: { id: "CUST-1" }, currency: "EUR", lines: [{ lineNo: 1, sku: "SKU-A", quantity: 1 }] };
    const started = Date.now();
    expect(okValue(await erpLate.createOrder(order)).created).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(700);
    expect(await bookings(orderId)).toHaveLength(1);
  });

  // workerd logs "Network connection lost" for a refused connection even when the rejection is caught.
  it("an ERP that is not listening is a retry, never a throw", async () => {
    const gone = createHttpConnector({ ...config(), baseUrl: "http://127.0.0.1:9" }, { fetch: (...a) => fetch(...a), now: Date.now, timeoutMs: 1000 });
    expect((await gone.health()).kind).toBe("retry");
  });
});
