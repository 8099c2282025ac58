// Fuzzing the public surface through HTTP (fast-check): mutated real fixtures, random JSON,
// random headers and content types, mutated X12. Whatever arrives: never a 5xx, never a hang,
// an error is always problem+json (or a 997/TA1 for EDI), and an order that was accepted is
// whole — its lines are there and every unit is accounted for (reserved, backordered or
// rejected).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hmacSha256, toBase64 } from "../core/crypto";
import { admin, call, createKey, getOrder, uid } from "./helpers";
import shopifyCreate from "./fixtures/shopify/docs-sample_2025-04_orders_create.json";
import wooOrder from "./fixtures/woocommerce/wc-v3-docs_order-727_processing.json";
import edi850 from "./fixtures/x12/node-x12/850.edi?raw";

const RUNS = 60;

/** Replaces, drops or retypes values at random paths of a JSON value. */
function mutate(base: unknown): fc.Arbitrary<unknown> {
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    paths.push(p);
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...p, i]));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, [...p, k]);
  };
  walk(base, []);
  const weird = fc.oneof(fc.jsonValue(), fc.constantFrom(null, "", -1, 1e308, "\ud800", "x".repeat(5000), [], {}, "0".repeat(400), "'; DROP TABLE orders;--", "<script>"));
  return fc.array(fc.tuple(fc.constantFrom(...paths.slice(1)), fc.oneof(weird, fc.constant(undefined))), { minLength: 1, maxLength: 4 }).map((edits) => {
    const copy = structuredClone(base) as Record<string | number, unknown>;
    for (const [path, value] of edits) {
      let at: Record<string | number, unknown> | undefined = copy;
      for (const k of path.slice(0, -1)) at = at?.[k] as Record<string | number, unknown> | undefined;
      if (at && typeof at === "object") {
        if (value === undefined) delete at[path.at(-1)!];
        else at[path.at(-1)!] = value;
      }
    }
    return copy;
  });
}

async function expectWellFormed(res: Response): Promise<unknown> {
  expect(res.status, `a ${res.status}`).toBeLessThan(500);
  const type = res.headers.get("content-type") ?? "";
  if (res.status >= 400) {
    expect(type).toContain("application/problem+json");
    const p = (await res.json()) as { status: number; title: string };
    expect(p.status).toBe(res.status);
    return p;
  }
  return type.includes("json") ? res.json() : res.text();
}

async function expectWhole(key: string, orderId: string) {
  const o = await getOrder(key, orderId);
  expect(o.lines.length).toBeGreaterThan(0);
  if (!["received", "validated"].includes(o.status)) {
    // Reserved, backordered or rejected: every unit is accounted for once the reservation ran.
    const reservation = o.timeline.find((t) => t.type === "reservation");
    if (reservation) for (const l of reservation.detail.lines as { quantity: number; reserved: number; backordered: number; rejected: number }[]) expect(l.reserved + l.backordered + l.rejected).toBe(l.quantity);
  }
}

describe("fuzzing the public surface", () => {
  it("POST /v1/orders: mutated bodies and random JSON never 5xx, and accepted orders are whole", async () => {
    const key = await createKey();
    const base = { channel: "fuzz", externalId: "PO-FUZZ", customer: { id: "C-1", name: "Fuzz" }, currency: "USD", lines: [{ sku: "FUZZ-SKU", quantity: 2, unitPrice: "1.00" }] };
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutate(base), fc.jsonValue()), fc.constantFrom("application/json", "", "text/plain", "application/json; charset=utf-8", "application/x-www-form-urlencoded"), async (body, type) => {
        const withId = body && typeof body === "object" && !Array.isArray(body) && "externalId" in body ? { ...body, externalId: uid("PO") } : body;
        const res = await call("/v1/orders", { method: "POST", headers: { authorization: `Bearer ${key}`, "idempotency-key": uid(), "content-type": type }, body: JSON.stringify(withId) });
        const answer = await expectWellFormed(res);
        if (res.status === 201) await expectWhole(key, (answer as { orderId: string }).orderId);
      }),
      { numRuns: RUNS },
    );
  });

  it("webhooks: mutated Shopify and WooCommerce orders, validly signed, are accepted or quarantined, never a 5xx", async () => {
    const key = await createKey();
    const shop = uid("shop");
    const woo = uid("woo");
    await admin(`/v1/admin/connections/${shop}`, "PUT", { kind: "shopify", secret: "shpss_fuzz" });
    await admin(`/v1/admin/connections/${woo}`, "PUT", { kind: "woocommerce", secret: "woo-fuzz-secret" });
    const cases = fc.oneof(
      mutate({ ...shopifyCreate.response, cancelled_at: null }).map((b) => ({ conn: shop, secret: "shpss_fuzz", body: b, headers: { "x-shopify-topic": "orders/create" }, header: "x-shopify-hmac-sha256" })),
      mutate(wooOrder).map((b) => ({ conn: woo, secret: "woo-fuzz-secret", body: b, headers: { "x-wc-webhook-topic": "order.created", "x-wc-webhook-delivery-id": uid("d") }, header: "x-wc-webhook-signature" })),
    );
    await fc.assert(
      fc.asyncProperty(cases, async (c) => {
        const text = JSON.stringify(c.body) ?? "null";
        const res = await call(`/v1/webhooks/${c.conn}`, { method: "POST", headers: { ...c.headers, [c.header]: toBase64(await hmacSha256(c.secret, text)) }, body: text });
        const answer = (await expectWellFormed(res)) as { status: string; orderId?: string };
        expect(res.status).toBe(200);
        expect(["accepted", "duplicate", "stale", "quarantined"]).toContain(answer.status);
        if (answer.status === "accepted" && answer.orderId) await expectWhole(key, answer.orderId);
      }),
      { numRuns: RUNS },
    );
  });

  it("webhooks: random headers, signatures and bodies are refused with 401/404, never a 5xx", async () => {
    const id = uid("shop");
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "shopify", secret: "shpss_fuzz_headers" });
    const header = fc.tuple(fc.constantFrom("x-shopify-hmac-sha256", "X-SHOPIFY-HMAC-SHA256", "x-shopify-topic", "x-shopify-webhook-id", "content-type", "webhook-signature", "authorization"), fc.string({ maxLength: 80 }));
    await fc.assert(
      fc.asyncProperty(fc.array(header, { maxLength: 6 }), fc.string({ maxLength: 500 }), fc.constantFrom(id, "nope", "%2e%2e", uid("x")), async (headers, body, conn) => {
        const h = new Headers();
        for (const [k, v] of headers) {
          try {
            h.append(k, v);
          } catch {
            // not a legal header value: a client could not send it either
          }
        }
        const res = await call(`/v1/webhooks/${encodeURIComponent(conn)}`, { method: "POST", headers: Object.fromEntries(h), body });
        await expectWellFormed(res);
        expect([401, 404, 413]).toContain(res.status);
      }),
      { numRuns: RUNS },
    );
  });

  it("EDI: mutated 850s and garbage always get a 997 or TA1, never a 5xx", async () => {
    const id = uid("edi");
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "x12", secret: "fuzz-edi-secret" });
    const text = edi850 as unknown as string;
    const mutated = fc.oneof(
      fc.tuple(fc.nat(text.length - 1), fc.nat(40), fc.string({ maxLength: 20 })).map(([at, cut, put]) => text.slice(0, at) + put + text.slice(at + cut)),
      fc.tuple(fc.nat(text.length - 1)).map(([at]) => text.slice(0, at)),
      fc.uint8Array({ maxLength: 600 }).map((b) => new TextDecoder().decode(b)),
      fc.constant(text.replaceAll("~", "\n").replaceAll("*", "|")),
    );
    await fc.assert(
      fc.asyncProperty(mutated, async (body) => {
        const res = await call(`/v1/edi/${id}`, { method: "POST", headers: { authorization: "Bearer fuzz-edi-secret", "content-type": "application/edi-x12" }, body });
        expect(res.status).toBe(200);
        const ack = await res.text();
        expect(ack).toMatch(/^ISA/);
        expect(ack).toMatch(/TA1|AK9/);
      }),
      { numRuns: RUNS },
    );
  });

  it("JSON nested 10,000 deep is refused with a clear 400 everywhere a body is read", async () => {
    const key = await createKey();
    const deep = "[".repeat(10_000) + "]".repeat(10_000);
    for (const [path, auth] of [
      ["/v1/orders", key],
      ["/v1/inventory/events", key],
      ["/v1/shipments", key],
      ["/v1/admin/api-keys", "test-admin-token"],
    ] as const) {
      const res = await call(path, { method: "POST", headers: { authorization: `Bearer ${auth}`, "idempotency-key": uid() }, body: deep });
      const p = (await expectWellFormed(res)) as { title: string };
      expect(res.status).toBe(400);
      expect(p.title).toMatch(/deep|JSON/);
    }
    const shop = uid("shop");
    await admin(`/v1/admin/connections/${shop}`, "PUT", { kind: "shopify", secret: "shpss_deep" });
    const res = await call(`/v1/webhooks/${shop}`, { method: "POST", headers: { "x-shopify-topic": "orders/create", "x-shopify-hmac-sha256": toBase64(await hmacSha256("shpss_deep", deep)) }, body: deep });
    expect(((await res.json()) as { status: string }).status).toBe("quarantined");
  });
});
