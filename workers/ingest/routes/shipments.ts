/**
 * WMS/3PL execution facts: `POST /v1/shipments` (acknowledged, rejected, short_pick, shipped,
 * delivered) and `POST /v1/returns`. Each is deduped by its eventId in the order's TransactionDO.
 */
import { Hono } from "hono";
import { z } from "zod";
import { shipmentEventSchema } from "../../../core/canonical";
import { parseJsonBody, ProblemError, requireScope, type AppEnv } from "../../../lib/http";
import { findOrderRow, orderStub } from "../../../lib/orders";

export const shipmentRoutes = new Hono<AppEnv>();

shipmentRoutes.post("/v1/shipments", requireScope("shipments:write"), async (c) => {
  const { data } = await parseJsonBody(c, shipmentEventSchema);
  const row = await findOrderRow(c.env, data.orderId);
  if (!row) throw new ProblemError(404, "Unknown order", `No order ${data.orderId}.`, [{ path: "orderId", message: "unknown order" }]);
  const r = await orderStub(c.env, row.channel, row.external_id).recordShipment(data);
  return c.json({ eventId: data.eventId, orderId: data.orderId, outcome: r.outcome, status: r.order?.status }, r.outcome === "duplicate" ? 200 : 202);
});

const returnSchema = z.strictObject({
  eventId: z.string().trim().min(1).max(200),
  orderId: z.string().trim().min(1).max(200),
  lines: z.array(z.strictObject({ sku: z.string().trim().min(1).max(120), quantity: z.number().int().positive() })).min(1).max(500),
  reason: z.string().trim().min(1).max(500),
});

shipmentRoutes.post("/v1/returns", requireScope("returns:write"), async (c) => {
  const { data } = await parseJsonBody(c, returnSchema);
  const row = await findOrderRow(c.env, data.orderId);
  if (!row) throw new ProblemError(404, "Unknown order", `No order ${data.orderId}.`, [{ path: "orderId", message: "unknown order" }]);
  const r = await orderStub(c.env, row.channel, row.external_id).recordReturn(data);
  if (r.outcome === "not_returnable") throw new ProblemError(409, "Not returnable", `The order is ${r.status}; only shipped or delivered orders take returns.`);
  return c.json({ rmaId: r.rmaId, orderId: data.orderId, status: r.status }, r.outcome === "duplicate" ? 200 : 201);
});
