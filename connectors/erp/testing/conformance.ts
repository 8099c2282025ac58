/**
 * One contract suite for every ERP connector, in the shape of workers-oauth-provider's storage
 * conformance: `runConnectorConformance("odoo (JSON-2)", makeHarness)` registers the tests; the
 * harness (./harness.ts) says how to reach the ERP and how to act on its far side.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { ConnectorDeps, ErpConnector, ErpOrder, ErpPage, ErpResult } from "../types";
import type { ConformanceHarness } from "./harness";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** A Switchyard-shaped order id (`ord_` + 26 Crockford base32 characters). */
export function newOrderId(): string {
  let s = "";
  for (const b of crypto.getRandomValues(new Uint8Array(26))) s += ALPHABET[b % 32];
  return `ord_${s}`;
}

/** Expects `ok` and returns its value, with the whole result in the failure message. */
export function okValue<T>(r: ErpResult<T>): T {
  if (r.kind !== "ok") expect.fail(`expected ok, got ${JSON.stringify(r)}`);
  return r.value;
}

/** Follows pages until `more` is false; returns every item and the last cursor. */
export async function drain<T>(next: (cursor: string | null) => Promise<ErpResult<ErpPage<T>>>, from: string | null, maxPages = 500) {
  const items: T[] = [];
  let cursor = from;
  let pages = 0;
  for (;;) {
    const page = okValue(await next(cursor));
    items.push(...page.items);
    cursor = page.cursor;
    pages++;
    if (!page.more) return { items, cursor, pages };
    if (pages >= maxPages) expect.fail(`still more after ${maxPages} pages`);
  }
}

/** Registers the contract tests for one connector against one ERP. */
export function runConnectorConformance(name: string, makeHarness: () => ConformanceHarness | Promise<ConformanceHarness>): void {
  describe(`ERP connector conformance: ${name}`, () => {
    let h: ConformanceHarness;
    let erp: ErpConnector;
    const results: unknown[] = [];

    // Every result any test sees is kept, so the last test can scan them all for secrets.
    const recording = (c: ErpConnector): ErpConnector =>
      new Proxy(c, {
        get(target, prop, receiver) {
          const v = Reflect.get(target, prop, receiver);
          if (typeof v !== "function") return v;
          return async (...args: unknown[]) => {
            const r = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
            results.push(r);
            return r;
          };
        },
      });
    const deps = (): ConnectorDeps => ({ fetch: (...a) => fetch(...a), now: () => Date.now(), timeoutMs: 1500, ...h.deps });
    const order = (orderId = newOrderId(), over: Partial<ErpOrder> = {}): ErpOrder => ({
      orderId,
      orchestrationId: `orc_${orderId.slice(4)}`,
      version: 1,
      channel: "conformance",
      externalId: `EXT-${orderId.slice(-8)}`,
      customer: { id: h.customer, name: "Conformance Customer", email: "buyer@example.com" },
      shipTo: { name: "Conformance Customer", line1: "1 Dock Road", city: "Leeds", postalCode: "LS1 1AA", country: "GB" },
      currency: "EUR",
      lines: [
        { lineNo: 1, sku: h.skus[0], quantity: 2, unitPrice: "12.50", location: h.location.switchyard },
        { lineNo: 2, sku: h.skus[1], quantity: 1, unitPrice: "4.00", location: h.location.switchyard },
      ],
      placedAt: new Date().toISOString(),
      ...over,
    });
    const book = async (o = order()) => ({ o, booked: okValue(await erp.createOrder(o)) });

    beforeAll(async () => {
      h = await makeHarness();
      erp = recording(h.factory(h.config, deps()));
    });

    it("health is ok with the configured credentials", async () => {
      const v = okValue(await erp.health());
      expect(v.detail.length).toBeGreaterThan(0);
    });

    it("health is a configuration failure with a wrong secret", async () => {
      const bad = recording(h.factory(h.badCredentials, deps()));
      const r = await bad.health();
      expect(r.kind).toBe("config");
    });

    it("books an order once: a second create finds it and answers created: false", async () => {
      const { o, booked } = await book();
      expect(booked.created).toBe(true);
      const again = okValue(await erp.createOrder(o));
      expect(again).toMatchObject({ created: false, erpOrderId: booked.erpOrderId });
      expect(await h.countOrders(o.orderId)).toBe(1);
    });

    it("an answer lost to a timeout after the ERP committed: the retry finds the order, still one", async () => {
      const o = order();
      await h.injectTimeoutOnNextCreate(o.orderId);
      const first = await erp.createOrder(o);
      expect(["ok", "retry"]).toContain(first.kind);
      const second = okValue(await erp.createOrder(o));
      expect(second.created).toBe(false);
      if (first.kind === "ok") expect(second.erpOrderId).toBe(first.value.erpOrderId);
      expect(await h.countOrders(o.orderId)).toBe(1);
    });

    it("a business rejection carries the ERP's reason and books nothing", async (ctx) => {
      if (!h.injectRejectionOnNextCreate) return ctx.skip();
      const o = order();
      const reason = await h.injectRejectionOnNextCreate(o.orderId);
      const r = await erp.createOrder(o);
      expect(r).toMatchObject({ kind: "rejected" });
      expect(r.kind === "rejected" && r.reason).toContain(reason);
      expect(await h.countOrders(o.orderId)).toBe(0);
    });

    it("a throttled answer is a retry after the ERP's own delay; the next attempt books", async (ctx) => {
      if (!h.injectThrottleOnNextCreate) return ctx.skip();
      const o = order();
      await h.injectThrottleOnNextCreate(o.orderId, 7);
      const r = await erp.createOrder(o);
      expect(r).toMatchObject({ kind: "retry", retryAfterSeconds: 7 });
      expect(okValue(await erp.createOrder(o)).created).toBe(true);
      expect(await h.countOrders(o.orderId)).toBe(1);
    });

    it("an unknown customer is rejected as unknown_customer", async () => {
      const o = order(undefined, { customer: { id: h.unknownCustomer, name: "Nobody" } });
      expect(await erp.createOrder(o)).toMatchObject({ kind: "rejected", code: "unknown_customer" });
      expect(await h.countOrders(o.orderId)).toBe(0);
    });

    it("an unknown item is rejected as unknown_item, naming the SKU", async () => {
      const base = order();
      const o = { ...base, lines: [...base.lines, { lineNo: 3, sku: h.unknownSku, quantity: 1 }] };
      const r = await erp.createOrder(o);
      expect(r).toMatchObject({ kind: "rejected", code: "unknown_item" });
      expect(r.kind === "rejected" && r.reason.toUpperCase()).toContain(h.unknownSku.toUpperCase());
      expect(await h.countOrders(o.orderId)).toBe(0);
    });

    it("cancels an order, re-reads its state, and a second cancel is still ok", async () => {
      const { o, booked } = await book();
      const ref = { erpOrderId: booked.erpOrderId, orderId: o.orderId, orchestrationId: o.orchestrationId };
      expect(okValue(await erp.cancelOrder(ref)).state).toBe("cancelled");
      const now = okValue(await erp.getOrder(ref));
      // Business Central deletes instead of cancelling: the order is then gone.
      if (now) expect(now.state).toBe("cancelled");
      expect(okValue(await erp.cancelOrder(ref)).state).toBe("cancelled");
    });

    it("an order the ERP will not cancel is rejected as not_cancellable with the ERP's reason", async () => {
      const { o, booked } = await book();
      const ref = { erpOrderId: booked.erpOrderId, orderId: o.orderId };
      await h.makeUncancellable(ref);
      const r = await erp.cancelOrder(ref);
      expect(r).toMatchObject({ kind: "rejected", code: "not_cancellable" });
      expect(r.kind === "rejected" && r.reason.length).toBeGreaterThan(10);
      expect(okValue(await erp.getOrder(ref))?.state).not.toBe("cancelled");
    });

    it("getOrder finds an order by our reference alone, and answers null for one the ERP never saw", async () => {
      const { o, booked } = await book();
      const got = okValue(await erp.getOrder({ orderId: o.orderId }));
      expect(got).toMatchObject({ erpOrderId: booked.erpOrderId, reference: o.orderId });
      expect(got?.state).toBe(booked.state);
      expect(okValue(await erp.getOrder({ erpOrderId: booked.erpOrderId, orderId: o.orderId }))?.erpOrderId).toBe(booked.erpOrderId);
      expect(okValue(await erp.getOrder({ orderId: newOrderId() }))).toBeNull();
    });

    it("ordersChangedSince pages with cursors: every change once, nothing again from the last cursor", async () => {
      const start = await drain((c) => erp.ordersChangedSince(c), null);
      const mine: string[] = [];
      for (let i = 0; i < 3; i++) mine.push((await book()).o.orderId);
      const first = okValue(await erp.ordersChangedSince(start.cursor));
      expect(first.more).toBe(true);
      const rest = await drain((c) => erp.ordersChangedSince(c), first.cursor);
      const refs = [...first.items, ...rest.items].map((s) => s.reference);
      for (const id of mine) expect(refs.filter((r) => r === id)).toHaveLength(1);
      const after = await drain((c) => erp.ordersChangedSince(c), rest.cursor);
      expect(after.items.map((s) => s.reference).filter((r) => r !== null && mine.includes(r))).toEqual([]);
    });

    it("stockByLocation reports mapped locations only, in Switchyard's names", async () => {
      const [a, b] = h.skus;
      await h.setStock([
        { sku: a, erpLocation: h.location.erp, onHand: 12, committed: 3 },
        { sku: a, erpLocation: h.unmappedErpLocation, onHand: 5, committed: 0 },
        { sku: b, erpLocation: h.location.erp, onHand: 7, committed: 0 },
      ]);
      const page = okValue(await erp.stockByLocation({ skus: [a, b] }));
      expect(Number.isNaN(Date.parse(page.asOf))).toBe(false);
      expect(page.items.every((r) => r.location === h.location.switchyard)).toBe(true);
      const rowA = page.items.find((r) => r.sku.toUpperCase() === a.toUpperCase());
      if (h.stockModel === "total") expect(rowA).toMatchObject({ onHand: 17, committed: 0 });
      else expect(rowA).toMatchObject({ onHand: 12, committed: 3 });
      expect(page.items.find((r) => r.sku.toUpperCase() === b.toUpperCase())).toMatchObject({ onHand: 7 });
    });

    it("stockByLocation by cursor: a SKU whose stock moved comes back with its new figure", async () => {
      const [, b] = h.skus;
      const start = await drain((c) => erp.stockByLocation({ cursor: c }), null);
      await h.setStock([{ sku: b, erpLocation: h.location.erp, onHand: 9, committed: 0 }]);
      const moved = await drain((c) => erp.stockByLocation({ cursor: c }), start.cursor);
      expect(moved.items.find((r) => r.sku.toUpperCase() === b.toUpperCase())).toMatchObject({ location: h.location.switchyard, onHand: 9 });
    });

    it("shipmentsSince reports a shipment once, with its lines, our reference and the mapped location", async () => {
      const start = await drain((c) => erp.shipmentsSince(c), null);
      const { o, booked } = await book();
      await h.ship({ erpOrderId: booked.erpOrderId, orderId: o.orderId }, h.location.erp);
      const seen = await drain((c) => erp.shipmentsSince(c), start.cursor);
      const mine = seen.items.filter((s) => s.reference === o.orderId);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({ erpOrderId: booked.erpOrderId, location: h.location.switchyard });
      expect(mine[0]?.lines.map((l) => [l.sku.toUpperCase(), l.quantity])).toEqual(expect.arrayContaining([[h.skus[0].toUpperCase(), 2]]));
      const again = await drain((c) => erp.shipmentsSince(c), seen.cursor);
      expect(again.items.filter((s) => s.reference === o.orderId)).toEqual([]);
    });

    it("no credential or token appears in any result the suite saw", async () => {
      const secrets = (await h.secrets()).filter((s) => s.length >= 4);
      expect(secrets.length).toBeGreaterThan(0);
      expect(results.length).toBeGreaterThan(20);
      for (const r of results) {
        const text = JSON.stringify(r);
        for (const s of secrets) expect(text.includes(s), `a secret leaked into ${text.slice(0, 200)}`).toBe(false);
        const reason = (r as { reason?: string }).reason;
        if (reason) expect(reason.length).toBeLessThanOrEqual(500);
      }
    });
  });
}
