/**
 * WMS/3PL execution facts: `POST /v1/shipments` (acknowledged, rejected, short_pick, shipped,
 * delivered) and `POST /v1/returns`. Each reaches the order's object from the order id alone and
 * is deduped there by its eventId. A fact the order's state does not allow is a 409 naming the
 * state and the refused event; one that arrives before the ERP accepted is kept and applied then.
 */
import { Hono } from "hono";
import { z } from "zod";
import { shipmentEventSchema } from "../../../core/canonical";
import { parseJsonBody, ProblemError, requireScope, type AppEnv } from "../../../lib/http";
import { orderStubById } from "../../../lib/orders";

export const shipmentRoutes = new Hono<AppEnv>();

const unknownOrder = (orderId: string) => new ProblemError(404, "Unknown order", `No order ${orderId}.`, [{ path: "orderId", message: "unknown order" }]);

shipmentRoutes.post("/v1/shipments", requireScope("shipments:write"), async (c) => {
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
      throw new ProblemError(409, "Transition refused", `The order is ${r.status}; a ${data.type} fact cannot follow it.`, [{ path: "type", message: `${r.status} does not allow ${data.type}` }]);
    default:
      return c.json({ eventId: data.eventId, orderId: data.orderId, outcome: r.outcome, status: r.order.status }, r.outcome === "duplicate" ? 200 : 202);
  }
});

const returnSchema = z.strictObject({
  eventId: z.string().trim().min(1).max(200),
  orderId: z.string().trim().min(1).max(200),
  lines: z.array(z.strictObject({ sku: z.string().trim().min(1).max(120), quantity: z.number().int().positive() })).min(1).max(500),
  reason: z.string().trim().min(1).max(500),
});

shipmentRoutes.post("/v1/returns", requireScope("returns:write"), async (c) => {
  const { data } = await parseJsonBody(c, returnSchema);
  const stub = orderStubById(c.env, data.orderId);
  if (!stub) throw unknownOrder(data.orderId);
  const r = await stub.recordReturn(data);
  if (r.outcome === "unknown_order") throw unknownOrder(data.orderId);
  if (r.outcome === "not_returnable") throw new ProblemError(409, "Not returnable", `The order is ${r.status}; only shipped or delivered orders take returns.`, [{ path: "orderId", message: `${r.status} does not allow returned` }]);
  return c.json({ rmaId: r.rmaId, orderId: data.orderId, status: r.status }, r.outcome === "duplicate" ? 200 : 201);
});
