import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { admin, call, createKey, erpBookings, getOrder, postOrder, sampleOrder, stockedOrder, uid, waitForOrder } from "./helpers";
import { idempotencyObjectName } from "../core/keys";

describe("POST /v1/orders", () => {
  it("accepts an order, reserves it and books it in the ERP once, with a timeline", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    const res = await postOrder(key, body);
    expect(res.status).toBe(201);
    const created = (await res.json()) as { orderId: string; status: string; lines: { sku: string; quantity: number; reserved: number; backordered: number }[] };
    expect(created.orderId).toMatch(/^ord_/);
    expect(created.lines).toEqual([expect.objectContaining({ sku: body.lines[0]!.sku, quantity: 2 })]);

    const done = await waitForOrder(key, created.orderId, (o) => o.status === "erp_accepted");
    expect(done.erpOrderId).toMatch(/^ERP-/);
    const types = done.timeline.map((t) => t.type);
    expect(types).toEqual(expect.arrayContaining(["received", "reservation", "enqueued", "erp_attempt"]));
    const attempt = done.timeline.find((t) => t.type === "erp_attempt")!;
    expect(attempt.detail).toMatchObject({ attempt: 1, httpStatus: 201 });
    expect(typeof attempt.detail.latencyMs).toBe("number");
    expect(done.timeline.every((t) => t.detail.orchestrationId === done.timeline[0]!.detail.orchestrationId)).toBe(true);
    const bookings = await erpBookings(body.externalId);
    expect(bookings).toHaveLength(1);
    expect(bookings[0]).toMatchObject({ orderId: created.orderId, attempts: 1 });
  });

  it("replays the first answer for the same key and body, and refuses another body under that key", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    const idem = uid("idem");
    const first = await postOrder(key, body, idem);
    const firstBody = await first.text();
    expect(first.status).toBe(201);

    // Same JSON value with keys in another order is the same request.
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await postOrder(key, reordered, idem);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.text()).toBe(firstBody);

    const other = await postOrder(key, { ...body, currency: "EUR" }, idem);
    expect(other.status).toBe(422);
    expect(other.headers.get("content-type")).toContain("application/problem+json");
  });

  it("dedupes the same order sent under another key by business identity", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    const a = (await (await postOrder(key, body)).json()) as { orderId: string };
    const res = await postOrder(key, body);
    expect(res.status).toBe(200);
    const b = (await res.json()) as { orderId: string; outcome: string };
    expect(b).toMatchObject({ orderId: a.orderId, outcome: "duplicate" });
    await waitForOrder(key, a.orderId, (o) => o.status === "erp_accepted");
    expect(await erpBookings(body.externalId)).toHaveLength(1);
  });

  it("finds an order by channel and external id, and 404s an unknown one", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    const found = await call(`/v1/orders?channel=${body.channel}&externalId=${body.externalId}`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await found.json()) as { orderId: string }).orderId).toBe(orderId);
    const missing = await call(`/v1/orders/ord_nope`, { headers: { authorization: `Bearer ${key}` } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toContain("application/problem+json");
  });

  it("cancels an order and releases its holds", async () => {
    const key = await createKey();
    const { orderId } = (await (await postOrder(key, await stockedOrder())).json()) as { orderId: string };
    const res = await call(`/v1/orders/${orderId}/cancel`, { method: "POST", headers: { authorization: `Bearer ${key}` }, json: { reason: "customer changed mind" } });
    expect(res.status).toBe(200);
    const o = await getOrder(key, orderId);
    expect(o.status).toBe("cancelled");
    expect(o.lines.every((l) => l.reserved === 0)).toBe(true);
    expect(o.timeline.map((t) => t.type)).toContain("holds_released");
  });

  it("needs a key with the right scope", async () => {
    const readOnly = await createKey(["orders:read"]);
    expect((await postOrder("sy_wrong", sampleOrder())).status).toBe(401);
    expect((await postOrder(readOnly, sampleOrder())).status).toBe(403);
  });
});

describe("Idempotency-Key while the first request is still running", () => {
  it("answers 409 with Retry-After, then replays once the first finished", async () => {
    const res = await admin("/v1/admin/api-keys", "POST", { name: uid("k"), scopes: ["orders:write", "orders:read"] });
    const { id, key } = (await res.json()) as { id: string; key: string };
    const idem = uid("idem");
    // A first request holds the key (claimed, not finished): what a concurrent duplicate sees.
    const claim = env.TRANSACTIONS.getByName(idempotencyObjectName(id, idem));
    const body = await stockedOrder();
    const fingerprint = "in-flight-elsewhere";
    expect(await claim.claim("idem", fingerprint)).toEqual({ state: "new" });
    const busy = await postOrder(key, body, idem);
    expect(busy.status).toBe(409);
    expect(busy.headers.get("retry-after")).toBe("1");
    // The first request fails and lets go: the retry is processed afresh.
    await claim.abort("idem", fingerprint);
    expect((await postOrder(key, body, idem)).status).toBe(201);
  });
});

describe("API version policy", () => {
  it("answers the retired lookup with Deprecation, Sunset and its successor; the successor answers the same order", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    const old = await call(`/v1/orders?channel=${body.channel}&externalId=${body.externalId}`, { headers: { authorization: `Bearer ${key}` } });
    expect(old.status).toBe(200);
    expect(old.headers.get("deprecation")).toBe(`@${Date.parse("2026-12-01T00:00:00Z") / 1000}`);
    expect(old.headers.get("sunset")).toBe("Wed, 30 Jun 2027 00:00:00 GMT");
    expect(old.headers.get("link")).toBe('</v1/channels/{channel}/orders/{externalId}>; rel="successor-version"');
    const successor = await call(`/v1/channels/${body.channel}/orders/${body.externalId}`, { headers: { authorization: `Bearer ${key}` } });
    expect(successor.headers.get("deprecation")).toBeNull();
    expect(((await successor.json()) as { orderId: string }).orderId).toBe(orderId);
    expect(((await old.json()) as { orderId: string }).orderId).toBe(orderId);
  });
});
