import { env, SELF } from "cloudflare:test";
import { expect, vi } from "vitest";

export const ADMIN = { authorization: "Bearer test-admin-token", "content-type": "application/json" };
export const uid = (p = "t") => `${p}-${crypto.randomUUID().slice(0, 8)}`;

export function call(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  return SELF.fetch(`https://switchyard.test${path}`, {
    ...rest,
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
    headers: { "content-type": "application/json", ...(rest.headers as Record<string, string> | undefined) },
  });
}

export function admin(path: string, method: string, json?: unknown) {
  return call(path, { method, headers: ADMIN, ...(json !== undefined ? { json } : {}) });
}

export async function createKey(scopes: string[] = ["orders:write", "orders:read", "ops:read", "inventory:write", "availability:read", "shipments:write"]) {
  const res = await admin("/v1/admin/api-keys", "POST", { name: uid("key"), scopes });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

/** Gives `sku` stock at `location` through an ERP snapshot, as the ERP would report it. */
export async function stock(sku: string, onHand: number, location = "DC1") {
  const res = await admin("/v1/inventory/events", "POST", {
    events: [{ eventId: uid("snap"), source: "erp", type: "snapshot", sku, location, asOf: new Date(Date.now() - 60_000).toISOString(), quantities: { onHand, committed: 0 } }],
  });
  expect(res.status).toBe(202);
}

/** A sample order whose SKU has stock, so it is reserved and flows to the ERP. */
export async function stockedOrder(overrides: Record<string, unknown> = {}, onHand = 100) {
  const body = sampleOrder(overrides);
  for (const l of body.lines as { sku: string }[]) await stock(l.sku, onHand);
  return body;
}

export function sampleOrder(overrides: Record<string, unknown> = {}) {
  return {
    channel: "b2b-portal",
    externalId: uid("PO"),
    customer: { id: "CUST-1", name: "Acme Hardware", email: "buyer@acme.test" },
    shipTo: { name: "Acme DC", line1: "1 Main St", city: "Springfield", region: "IL", postalCode: "62701", country: "US" },
    currency: "USD",
    lines: [{ sku: uid("SKU"), quantity: 2, unitPrice: "12.50" }],
    ...overrides,
  };
}

export function postOrder(key: string, body: unknown, idem: string | null = uid("idem")) {
  return call("/v1/orders", {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, ...(idem ? { "idempotency-key": idem } : {}) },
    json: body,
  });
}

export type OrderDetail = {
  orderId: string; status: string; erpOrderId?: string; dispatchState: string;
  exception?: { reason: string; detail: string };
  lines: { sku: string; quantity: number; reserved: number; backordered: number }[];
  timeline: { at: string; type: string; source: string; detail: Record<string, unknown> }[];
};

export async function getOrder(key: string, orderId: string): Promise<OrderDetail> {
  const res = await call(`/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as OrderDetail;
}

/** Polls the order until `done` holds: the ERP hand-off is asynchronous by design. */
export async function waitForOrder(key: string, orderId: string, done: (o: OrderDetail) => boolean, timeout = 20_000) {
  return vi.waitFor(
    async () => {
      const o = await getOrder(key, orderId);
      if (!done(o)) throw new Error(`order ${orderId} is ${o.status}/${o.dispatchState}`);
      return o;
    },
    { timeout, interval: 100 },
  );
}

/** Scopes a fault in the ERP simulator to orders whose externalId or orderId contains `match`. */
export async function erpRule(rule: { match: string; status?: number; failTimes?: number; retryAfter?: number; rejectReason?: string; latencyMs?: number }) {
  const res = await fetch(`${env.ERP_URL}/_sim/rules`, { method: "POST", body: JSON.stringify(rule) });
  expect(res.status).toBe(201);
}

export async function erpBookings(match: string) {
  const res = await fetch(`${env.ERP_URL}/_sim/orders?match=${encodeURIComponent(match)}`);
  return ((await res.json()) as { orders: { orderId: string; attempts: number; erpOrderId?: string; version?: number }[] }).orders;
}

/** Waits until the channel's availability of `sku` is `expected` (the SKU's projection is eventual). */
export async function waitForAvailable(key: string, sku: string, channel: string, expected: number, timeout = 20_000) {
  await vi.waitFor(
    async () => {
      const a = (await (await call(`/v1/availability/${sku}?channel=${channel}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { available: number };
      expect(a.available).toBe(expected);
    },
    { timeout, interval: 250 },
  );
}
