/**
 * `POST /v1/returns/{rmaId}/receipt`: the warehouse received returned units and says what
 * becomes of them — `restock` (sellable again: availability rises, waiting backorders fill) or
 * `scrap` (damaged). The RMA id names its order, so the fact reaches the order's object from it
 * alone; deduped there by eventId, and never more than the units still pending per SKU.
 */
import { Hono } from "hono";
import { z } from "zod";
import { orderIdOfRma } from "../../../core/keys";
import { createRoute, json, problems, route } from "../../../lib/api";
import { param, parseJsonBody, ProblemError, requireScope, type AppEnv } from "../../../lib/http";
import { orderStubById } from "../../../lib/orders";

export const returnRoutes = new Hono<AppEnv>();

const receiptSchema = z.strictObject({
  eventId: z.string().trim().min(1).max(200),
  lines: z
    .array(z.strictObject({ sku: z.string().trim().min(1).max(120), quantity: z.number().int().positive().max(1_000_000), disposition: z.enum(["restock", "scrap"]) }))
    .min(1)
    .max(500),
});
const rmaAnswer = z.object({
  rmaId: z.string(),
  orderId: z.string(),
  outcome: z.enum(["accepted", "duplicate"]),
  lines: z.array(z.object({ sku: z.string(), quantity: z.number().int(), location: z.string().nullable(), pending: z.number().int(), restocked: z.number().int(), scrapped: z.number().int() })),
});

route(
  returnRoutes,
  createRoute({
    method: "post",
    path: "/v1/returns/{rmaId}/receipt",
    summary: "Returned units received at the warehouse: restock or scrap them (returns:write)",
    security: [{ bearer: [] }],
    request: { params: z.object({ rmaId: z.string() }), body: { content: { "application/json": { schema: receiptSchema } }, required: true } },
    responses: {
      202: json(rmaAnswer, "Applied: the stock moves follow"),
      200: json(rmaAnswer, "Seen before (same eventId)"),
      ...problems("validation-failed", "unauthorized", "forbidden", "not-found", "conflict", "unsupported-media-type"),
    },
  }),
  requireScope("returns:write"),
  async (c) => {
    const rmaId = param(c, "rmaId");
    const { data } = await parseJsonBody(c, receiptSchema);
    const orderId = orderIdOfRma(rmaId);
    const stub = orderId ? orderStubById(c.env, orderId) : null;
    const unknown = () => new ProblemError(404, "Unknown return", `No return authorisation ${rmaId}.`, [{ path: "rmaId", message: "unknown RMA" }]);
    if (!stub || !orderId) throw unknown();
    const r = await stub.recordReturnReceipt(rmaId, data);
    if (r.outcome === "unknown_rma") throw unknown();
    if (r.outcome === "too_many")
      throw new ProblemError(409, "Conflict", `Only ${r.pending} unit(s) of ${r.sku} are still pending on ${rmaId}.`, [{ path: "lines", message: `${r.sku}: at most ${r.pending}` }]);
    return c.json({ rmaId, orderId, outcome: r.outcome, lines: r.rma.lines }, r.outcome === "duplicate" ? 200 : 202);
  },
);
