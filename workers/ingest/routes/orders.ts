/**
 * The governed order API: `POST /v1/orders` with Idempotency-Key semantics, reads, cancel.
 * Path: validate → claim the key (lib/idempotency.ts) → submit to the order's object (durable,
 * reserved, recorded, enqueued) → store the answer for replays. Reads and cancels reach the
 * order's object from its id alone: nothing here reads D1.
 */
import { Hono } from "hono";
import { z } from "zod";
import { addressSchema, canonicalOrderSchema, customerSchema, decimalString, orderLineSchema } from "../../../core/canonical";
import { sha256Hex } from "../../../core/crypto";
import { idempotencyObjectName } from "../../../core/keys";
import { guarded } from "../../../lib/idempotency";
import { parseJsonBody, parseOptionalJsonBody, ProblemError, requireScope, validate, type AppEnv } from "../../../lib/http";
import { orderStub, orderStubById } from "../../../lib/orders";

export const apiOrderSchema = z.strictObject({
  channel: canonicalOrderSchema.shape.channel,
  externalId: canonicalOrderSchema.shape.externalId,
  /** Optional revision number: a higher one updates the order, a lower one is stale. */
  version: z.number().int().nonnegative().optional(),
  customer: customerSchema,
  shipTo: addressSchema.optional(),
  currency: canonicalOrderSchema.shape.currency,
  lines: z.array(orderLineSchema.extend({ unitPrice: decimalString.optional() })).min(1).max(500),
  placedAt: z.iso.datetime({ offset: true }).optional(),
  notes: z.string().max(2000).optional(),
});

export const orderRoutes = new Hono<AppEnv>();

const notFound = (what: string) => new ProblemError(404, "Not found", `No order ${what}.`);

orderRoutes.post("/", requireScope("orders:write"), async (c) => {
  const key = c.req.header("idempotency-key");
  if (!key) throw new ProblemError(400, "Idempotency-Key required", "Send an Idempotency-Key header (any unique string up to 200 characters).", [{ path: "header.Idempotency-Key", message: "required" }]);
  if (key.length > 200) throw new ProblemError(400, "Invalid Idempotency-Key", "The Idempotency-Key is longer than 200 characters.", [{ path: "header.Idempotency-Key", message: "too long" }]);
  const { data: body, json: parsed } = await parseJsonBody(c, apiOrderSchema);

  const principal = c.get("principal");
  const owner = principal.kind === "admin" ? "admin" : principal.id;
  // Same body means the same JSON value: key order and whitespace do not make a new request.
  const fingerprint = await sha256Hex(JSON.stringify(parsed, Object.keys(flatKeys(parsed)).sort()));
  const r = await guarded(c.env.TRANSACTIONS.getByName(idempotencyObjectName(owner, key)), "idem", fingerprint, {}, async () => {
    const { version, ...rest } = body;
    const order = canonicalOrderSchema.parse({ ...rest, version: version ?? 0 });
    const result = await orderStub(c.env, order.channel, order.externalId).submitOrder(order, "api", { idempotencyKey: key });
    const answer = { orderId: result.order.orderId, orchestrationId: result.order.orchestrationId, outcome: result.outcome, status: result.order.status, lines: result.order.lines };
    return { status: result.outcome === "accepted" ? 201 : 200, body: JSON.stringify(answer) };
  });
  if (r.kind === "in_flight") throw new ProblemError(409, "Request in progress", "A request with this Idempotency-Key is still being processed; retry shortly.", undefined, { "retry-after": "1" });
  if (r.kind === "mismatch") throw new ProblemError(422, "Idempotency-Key reused", "This Idempotency-Key was used with a different request body.");
  return new Response(r.body, { status: r.status, headers: { "content-type": "application/json", ...(r.replayed ? { "idempotent-replayed": "true" } : {}) } });
});

orderRoutes.get("/", requireScope("orders:read"), async (c) => {
  const q = validate(z.object({ channel: z.string().min(1).max(100), externalId: z.string().min(1).max(200) }), c.req.query());
  const detail = await orderStub(c.env, q.channel, q.externalId).getDetail();
  if (!detail) throw notFound(`${q.externalId} on channel ${q.channel}`);
  return c.json(detail);
});

orderRoutes.get("/:id", requireScope("orders:read"), async (c) => {
  const detail = await orderStubById(c.env, c.req.param("id"))?.getDetail();
  if (!detail) throw notFound(c.req.param("id"));
  return c.json(detail);
});

orderRoutes.post("/:id/cancel", requireScope("orders:write"), async (c) => {
  const stub = orderStubById(c.env, c.req.param("id"));
  if (!stub) throw notFound(c.req.param("id"));
  const body = await parseOptionalJsonBody(c, z.strictObject({ reason: z.string().max(500).optional() }));
  const r = await stub.cancelOrder("api", body.reason ?? "cancelled through the API");
  if (r.outcome === "unknown_order") throw notFound(c.req.param("id"));
  if (r.outcome === "not_cancellable") throw new ProblemError(409, "Not cancellable", `The order is ${r.order.status} and can no longer be cancelled.`, [{ path: "status", message: `${r.order.status} does not allow cancelled` }]);
  return c.json({ orderId: r.order.orderId, outcome: r.outcome, status: r.order.status });
});

/** Collects every key name in a JSON value, so JSON.stringify can sort keys at every depth. */
function flatKeys(v: unknown, acc: Record<string, true> = {}): Record<string, true> {
  if (Array.isArray(v)) for (const x of v) flatKeys(x, acc);
  else if (v && typeof v === "object")
    for (const [k, x] of Object.entries(v)) {
      acc[k] = true;
      flatKeys(x, acc);
    }
  return acc;
}
