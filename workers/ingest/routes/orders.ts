/**
 * The governed order API: `POST /v1/orders` with Idempotency-Key semantics, reads, cancel.
 * Path: validate → claim the key (lib/idempotency.ts) → submit to the order's object (durable,
 * reserved, recorded, enqueued) → store the answer for replays. Reads and cancels reach the
 * order's object from its id alone: nothing here reads D1.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { addressSchema, canonicalOrderSchema, customerSchema, decimalString, orderLineSchema, orderSourceSchema } from "../../../core/canonical";
import { sha256Hex } from "../../../core/crypto";
import { idempotencyObjectName } from "../../../core/keys";
import { ORDER_STATUSES } from "../../../core/order-state";
import { createRoute, deprecation, json, problems, route } from "../../../lib/api";
import { guarded } from "../../../lib/idempotency";
import { param, parseJsonBody, parseOptionalJsonBody, ProblemError, problemResponse, requireScope, validate, type AppEnv } from "../../../lib/http";
import { orderStub, orderStubById } from "../../../lib/orders";
import { checkAgainstMaster, refusal, verdictOf } from "../../../lib/master-checks";

export const apiOrderSchema = z.strictObject({
  channel: canonicalOrderSchema.shape.channel,
  externalId: canonicalOrderSchema.shape.externalId,
  /** Optional revision number: a higher one updates the order, a lower one is stale. */
  version: z.number().int().nonnegative().optional(),
  customer: customerSchema,
  shipTo: addressSchema.optional(),
  currency: canonicalOrderSchema.shape.currency,
  lines: z
    .array(orderLineSchema.omit({ ordered: true, kit: true }).extend({ unitPrice: decimalString.optional() }))
    .min(1)
    .max(500),
  placedAt: z.iso.datetime({ offset: true }).optional(),
  notes: z.string().max(2000).optional(),
});

const lineView = z.object({ sku: z.string(), quantity: z.number().int(), reserved: z.number().int(), backordered: z.number().int() });
export const orderAnswerSchema = z.object({
  orderId: z.string(),
  orchestrationId: z.string(),
  outcome: z.enum(["accepted", "updated", "duplicate", "stale"]),
  status: z.enum(ORDER_STATUSES),
  lines: z.array(lineView),
});
export const orderDetailSchema = z.object({
  orderId: z.string(),
  orchestrationId: z.string(),
  channel: z.string(),
  externalId: z.string(),
  version: z.number().int(),
  status: z.enum(ORDER_STATUSES),
  source: orderSourceSchema,
  dispatchState: z.enum(["pending", "enqueued", "confirmed", "rejected", "dead", "skipped"]),
  erpOrderId: z.string().optional(),
  exceptionReason: z.string().optional(),
  exception: z.object({ reason: z.string(), detail: z.string().nullable() }).optional(),
  lines: z.array(lineView.extend({ lineNo: z.number().int(), unitPrice: z.string().optional(), shipped: z.number().int() })),
  timeline: z.array(z.object({ at: z.string(), type: z.string(), source: z.string(), detail: z.record(z.string(), z.unknown()) })),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const cancelAnswerSchema = z.object({ orderId: z.string(), outcome: z.enum(["cancelled", "already_cancelled"]), status: z.enum(ORDER_STATUSES) });
const cancelBodySchema = z.strictObject({ reason: z.string().max(500).optional() });
const orderIdParam = z.object({ id: z.string().describe("ord_… as returned when the order was accepted") });
const auth = [{ bearer: [] }];

export const orderRoutes = new Hono<AppEnv>();

const notFound = (what: string) => new ProblemError(404, "Not found", `No order ${what}.`);

route(
  orderRoutes,
  createRoute({
    method: "post",
    path: "/v1/orders",
    summary: "Submit an order (orders:write)",
    security: auth,
    request: {
      headers: z.object({ "idempotency-key": z.string().max(200) }),
      body: { content: { "application/json": { schema: apiOrderSchema } }, required: true },
    },
    responses: {
      201: json(orderAnswerSchema, "A new order: durable, reserved and on its way to the ERP"),
      200: json(
        orderAnswerSchema,
        "The same order by business identity (duplicate, updated or stale); a replayed Idempotency-Key carries Idempotent-Replayed: true",
      ),
      ...problems(
        "validation-failed",
        "idempotency-key-required",
        "unauthorized",
        "forbidden",
        "conflict",
        "payload-too-large",
        "unsupported-media-type",
        "idempotency-key-reused",
        "master-data-rejected",
        "too-many-requests",
      ),
    },
  }),
  requireScope("orders:write"),
  async (c) => {
    const key = c.req.header("idempotency-key");
    if (!key)
      throw new ProblemError(400, "Idempotency-Key required", "Send an Idempotency-Key header (any unique string up to 200 characters).", [
        { path: "header.Idempotency-Key", message: "required" },
      ]);
    if (key.length > 200)
      throw new ProblemError(400, "Invalid Idempotency-Key", "The Idempotency-Key is longer than 200 characters.", [
        { path: "header.Idempotency-Key", message: "too long" },
      ]);
    const { data: body, json: parsed } = await parseJsonBody(c, apiOrderSchema);

    const principal = c.get("principal");
    const owner = principal.kind === "admin" ? "admin" : principal.id;
    // Same body means the same JSON value: key order and whitespace do not make a new request.
    const fingerprint = await sha256Hex(JSON.stringify(parsed, Object.keys(flatKeys(parsed)).sort()));
    const { version, ...rest } = body;
    const order = canonicalOrderSchema.parse({ ...rest, version: version ?? 0 });
    const r = await guarded(c.env.TRANSACTIONS.getByName(idempotencyObjectName(owner, key)), "idem", fingerprint, {}, async () => {
      // A refusal is the key's answer like any other (replayed, not re-checked); the order records nothing.
      const check = await checkAgainstMaster(c.env, order);
      if (check?.decision === "reject") {
        const errors = refusal(check);
        return { status: 422, body: await problemResponse(422, "Refused by master data", `The order fails ${errors.length} master-data check(s) the ${order.channel} channel rejects.`, errors).text() };
      }
      const master = verdictOf(check);
      const result = await orderStub(c.env, order.channel, order.externalId).submitOrder(check?.order ?? order, "api", { idempotencyKey: key }, { answerAfter: "reserve", ...(master ? { master } : {}) });
      const answer = {
        orderId: result.order.orderId,
        orchestrationId: result.order.orchestrationId,
        outcome: result.outcome,
        status: result.order.status,
        lines: result.order.lines,
      };
      return { status: result.outcome === "accepted" ? 201 : 200, body: JSON.stringify(answer) };
    });
    if (r.kind === "in_flight")
      throw new ProblemError(409, "Request in progress", "A request with this Idempotency-Key is still being processed; retry shortly.", undefined, {
        "retry-after": "1",
      });
    if (r.kind === "mismatch") throw new ProblemError(422, "Idempotency-Key reused", "This Idempotency-Key was used with a different request body.");
    return new Response(r.body, {
      status: r.status,
      headers: { "content-type": r.status >= 400 ? "application/problem+json" : "application/json", ...(r.replayed ? { "idempotent-replayed": "true" } : {}) },
    });
  },
);

const byIdentity = z.object({ channel: z.string().min(1).max(100), externalId: z.string().min(1).max(200) });

async function detailByIdentity(c: Context<AppEnv>, q: z.infer<typeof byIdentity>) {
  const detail = await orderStub(c.env, q.channel, q.externalId).getDetail();
  if (!detail) throw notFound(`${q.externalId} on channel ${q.channel}`);
  return c.json(detail);
}

route(
  orderRoutes,
  createRoute({
    method: "get",
    path: "/v1/channels/{channel}/orders/{externalId}",
    summary: "An order by its channel and external id (orders:read)",
    security: auth,
    request: { params: byIdentity },
    responses: { 200: json(orderDetailSchema, "The order with its timeline, read from its own object"), ...problems("validation-failed", "unauthorized", "forbidden", "not-found") },
  }),
  requireScope("orders:read"),
  async (c) => detailByIdentity(c, validate(byIdentity, { channel: param(c, "channel"), externalId: param(c, "externalId") })),
);

route(
  orderRoutes,
  createRoute({
    method: "get",
    path: "/v1/orders",
    summary: "An order by channel and external id (orders:read). Deprecated: use /v1/channels/{channel}/orders/{externalId}",
    description: "Answers carry Deprecation, Sunset (2027-06-30) and a Link to the successor; from the sunset on, 410.",
    deprecated: true,
    security: auth,
    request: { query: byIdentity },
    responses: { 200: json(orderDetailSchema, "The order with its timeline, read from its own object"), ...problems("validation-failed", "unauthorized", "forbidden", "not-found", "gone") },
  }),
  requireScope("orders:read"),
  deprecation({ since: "2026-12-01", sunset: "2027-06-30", successor: "/v1/channels/{channel}/orders/{externalId}" }),
  async (c) => detailByIdentity(c, validate(byIdentity, c.req.query())),
);

route(
  orderRoutes,
  createRoute({
    method: "get",
    path: "/v1/orders/{id}",
    summary: "An order by id (orders:read)",
    security: auth,
    request: { params: orderIdParam },
    responses: { 200: json(orderDetailSchema, "The order with its timeline, read from its own object"), ...problems("unauthorized", "forbidden", "not-found") },
  }),
  requireScope("orders:read"),
  async (c) => {
    const detail = await orderStubById(c.env, param(c, "id"))?.getDetail();
    if (!detail) throw notFound(param(c, "id"));
    return c.json(detail);
  },
);

route(
  orderRoutes,
  createRoute({
    method: "post",
    path: "/v1/orders/{id}/cancel",
    summary: "Cancel an order (orders:write); holds are released at once, the ERP is told when it has the order",
    security: auth,
    request: { params: orderIdParam, body: { content: { "application/json": { schema: cancelBodySchema } }, required: false } },
    responses: {
      200: json(cancelAnswerSchema, "Cancelled (or already cancelled)"),
      ...problems("validation-failed", "unauthorized", "forbidden", "not-found", "conflict", "unsupported-media-type"),
    },
  }),
  requireScope("orders:write"),
  async (c) => {
    const stub = orderStubById(c.env, param(c, "id"));
    if (!stub) throw notFound(param(c, "id"));
    const body = await parseOptionalJsonBody(c, cancelBodySchema);
    const r = await stub.cancelOrder("api", body.reason ?? "cancelled through the API");
    if (r.outcome === "unknown_order") throw notFound(param(c, "id"));
    if (r.outcome === "not_cancellable")
      throw new ProblemError(409, "Not cancellable", `The order is ${r.order.status} and can no longer be cancelled.`, [
        { path: "status", message: `${r.order.status} does not allow cancelled` },
      ]);
    return c.json({ orderId: r.order.orderId, outcome: r.outcome, status: r.order.status });
  },
);

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
