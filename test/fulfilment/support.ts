// Shared plumbing of the fulfilment tests: receivers on the warehouse stub (scripts/stubs/warehouse.mjs),
// fulfillers and policies through the admin API, warehouse facts through POST /v1/shipments.
import { env } from "cloudflare:test";
import { expect, vi } from "vitest";
import { admin, call, uid } from "../helpers";

export const warehouseUrl = (env as unknown as { WAREHOUSE_STUB_URL: string }).WAREHOUSE_STUB_URL;

/** A Standard Webhooks secret, as a WMS's dashboard would show it. */
export const whsec = () => `whsec_${btoa(crypto.randomUUID())}`;

export type Call = { at: string; headers: Record<string, string>; body: string; status: number; verified: boolean; duplicate: boolean };

/** One receiver on the stub: where a fulfiller or dealer is reached, and what it was sent. */
export async function receiver(name: string, program: { secret?: string; token?: string; statuses?: number[]; retryAfter?: number } = {}) {
  const tenant = uid("t");
  const r = {
    url: `${warehouseUrl}/t/${tenant}/${name}`,
    async program(p: typeof program) {
      const res = await fetch(`${warehouseUrl}/_control/${tenant}/${name}`, { method: "POST", body: JSON.stringify(p) });
      expect(res.status).toBe(201);
    },
    async calls(): Promise<Call[]> {
      return ((await (await fetch(`${warehouseUrl}/_control/${tenant}/${name}/calls`)).json()) as { calls: Call[] }).calls;
    },
    /** Polls until `n` calls that passed the receiver's checks arrived (deliveries are effects, after the answer). */
    async waitFor(n: number, pred: (c: Call) => boolean = () => true, timeout = 15_000): Promise<Call[]> {
      return vi.waitFor(
        async () => {
          const cs = (await r.calls()).filter((c) => c.verified && pred(c));
          if (cs.length < n) throw new Error(`${name}: ${cs.length} of ${n} calls`);
          return cs;
        },
        { timeout, interval: 100 },
      );
    },
  };
  await r.program(program);
  return r;
}

export async function putFulfiller(id: string, body: Record<string, unknown>) {
  const res = await admin(`/v1/admin/fulfillers/${id}`, "PUT", body);
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res.json();
}

export async function putPolicy(channel: string, policy: Record<string, unknown>) {
  const res = await admin(`/v1/admin/channels/${channel}/policy`, "PUT", policy);
  expect(res.status, await res.clone().text()).toBe(200);
}

export function fact(key: string, body: { orderId: string; type: string; location: string; lines?: { sku: string; quantity: number }[]; source?: string; carrier?: string; tracking?: string; eventId?: string }) {
  return call("/v1/shipments", { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { eventId: uid("ev"), source: "wms", lines: [], ...body } });
}

export type SkuState = {
  locations: { location: string; holds: { held: number }; free: number; sellable: number; position: { onHand: number; returnsPending: number; damaged: number; qualityHold: number } }[];
  backordered: number;
  backorders: { waiting: { orderId: string }[]; noticesOwed: number };
};

export async function skuState(key: string, sku: string): Promise<SkuState> {
  const res = await call(`/v1/inventory/${encodeURIComponent(sku)}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as SkuState;
}

export const at = (s: SkuState, location: string) => s.locations.find((l) => l.location === location);

/** Stock moved by an ERP receipt (a delta on top of the last snapshot). */
export async function receipt(sku: string, location: string, quantity: number) {
  const res = await admin("/v1/inventory/events", "POST", {
    events: [{ eventId: uid("rcpt"), source: "erp", type: "receipt", sku, location, asOf: new Date().toISOString(), delta: { onHand: quantity } }],
  });
  expect(res.status).toBe(202);
}

export const types = (o: { timeline: { type: string }[] }) => o.timeline.map((t) => t.type);
export const entries = (o: { timeline: { type: string; detail: Record<string, unknown> }[] }, type: string) => o.timeline.filter((t) => t.type === type).map((t) => t.detail);
