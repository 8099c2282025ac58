/**
 * WMS/3PL execution facts: `POST /v1/shipments` (acknowledged, rejected, short_pick, shipped,
 * delivered) and `POST /v1/returns`. Each reaches the order's object from the order id alone and
 * is deduped there by its eventId. A fact the order's state does not allow is a 409 naming the
 * state and the refused event; one that arrives before the ERP accepted is kept and applied then.
 */
import { Hono } from "hono";
import { z } from "zod";
import { shipmentEventSchema } from "../../../core/canonical";
import { ORDER_STATUSES } from "../../../core/order-state";
import { createRoute, json, problems, route } from "../../../lib/api";
import { parseJsonBody, ProblemError, requireScope, type AppEnv } from "../../../lib/http";
import { orderStubById } from "../../../lib/orders";

export const shipmentRoutes = new Hono<AppEnv>();

const unknownOrder = (orderId: string) => new ProblemError(404, "Unknown order", `No order ${orderId}.`, [{ path: "orderId", message: "unknown order" }]);

const shipmentAnswer = z.object({
  eventId: z.string(),
  orderId: z.string(),
  outcome: z.enum(["accepted", "deferred", "duplicate"]),
  status: z.enum(ORDER_STATUSES),
});
const returnAnswer = z.object({ rmaId: z.string(), orderId: z.string(), status: z.enum(ORDER_STATUSES) });
const body = (schema: z.ZodType) => ({ body: { content: { "application/json": { schema } }, required: true } });

route(
  shipmentRoutes,
  createRoute({
    method: "post",
    path: "/v1/shipments",
    summary: "A warehouse or 3PL fact about an order (shipments:write)",
    security: [{ bearer: [] }],
    request: body(shipmentEventSchema),
    responses: {
      202: json(shipmentAnswer, "Applied, or kept until the ERP accepts the order (deferred)"),
      200: json(shipmentAnswer, "Seen before (same eventId): nothing applied twice"),
      ...problems("validation-failed", "unauthorized", "forbidden", "not-found", "conflict", "unsupported-media-type"),
    },
  }),
  requireScope("shipments:write"),
  async (c) => {
    const { data } = await parseJsonBody(c, shipmentEventSchema);
    const stub = orderStubById(c.env, data.orderId);
    if (!stub) throw unknownOrder(data.orderId);
    // A warehouse key reports for orders of every channel; channel connections are limited to their own.
    const r = await stub.recordShipment(data, { channels: "*" });
    switch (r.outcome) {
      case "unknown_order":
      case "foreign_channel":
        throw unknownOrder(data.orderId);
      case "refused":
        throw new ProblemError(409, "Transition refused", `The order is ${r.status}; a ${data.type} fact cannot follow it.`, [
          { path: "type", message: `${r.status} does not allow ${data.type}` },
        ]);
      default:
        return c.json({ eventId: data.eventId, orderId: data.orderId, outcome: r.outcome, status: r.order.status }, r.outcome === "duplicate" ? 200 : 202);
    }
  },
);

const returnSchema = z.strictObject({
  eventId: z.string().trim().min(1).max(200),
  orderId: z.string().trim().min(1).max(200),
  lines: z
    .array(z.strictObject({ sku: z.string().trim().min(1).max(120), quantity: z.number().int().positive() }))
    .min(1)
    .max(500),
  reason: z.string().trim().min(1).max(500),
});

route(
  shipmentRoutes,
  createRoute({
    method: "post",
    path: "/v1/returns",
    summary: "A return authorisation for shipped units (returns:write)",
    security: [{ bearer: [] }],
    request: body(returnSchema),
    responses: {
      201: json(returnAnswer, "Authorised"),
      200: json(returnAnswer, "Seen before (same eventId)"),
      ...problems("validation-failed", "unauthorized", "forbidden", "not-found", "conflict", "unsupported-media-type"),
    },
  }),
  requireScope("returns:write"),
  async (c) => {
    const { data } = await parseJsonBody(c, returnSchema);
    const stub = orderStubById(c.env, data.orderId);
    if (!stub) throw unknownOrder(data.orderId);
    const r = await stub.recordReturn(data);
    if (r.outcome === "unknown_order") throw unknownOrder(data.orderId);
    if (r.outcome === "not_returnable")
      throw new ProblemError(409, "Not returnable", `The order is ${r.status}; only shipped or delivered orders take returns.`, [
        { path: "orderId", message: `${r.status} does not allow returned` },
      ]);
    return c.json({ rmaId: r.rmaId, orderId: data.orderId, status: r.status }, r.outcome === "duplicate" ? 200 : 201);
  },
);
