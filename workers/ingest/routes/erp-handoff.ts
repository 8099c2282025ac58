/**
 * Operator actions on an order's ERP hand-off. `retry-erp` queues the booking again after the
 * cause of a rejection or a dead letter was fixed (the customer or item now exists in the ERP,
 * the credentials were corrected): the order's own object re-sends it, and the connector's
 * lookup by reference keeps it one sales order even if an earlier attempt did land.
 */
import { Hono } from "hono";
import { z } from "zod";
import { createRoute, json, problems, route } from "../../../lib/api";
import { audit } from "../../../lib/audit";
import { param, ProblemError, requireScope, type AppEnv } from "../../../lib/http";
import { orderStubById } from "../../../lib/orders";

const RETRYABLE = new Set(["rejected", "dead"]);

export const erpHandoffRoutes = new Hono<AppEnv>();

route(
  erpHandoffRoutes,
  createRoute({
    method: "post",
    path: "/v1/orders/{id}/retry-erp",
    summary: "Send an order the ERP rejected (or that dead-lettered) to the ERP again, once the cause is fixed (ops:write)",
    security: [{ bearer: [] }],
    tags: ["ops"],
    request: { params: z.object({ id: z.string().describe("ord_…") }), body: { content: { "application/json": { schema: z.strictObject({ reason: z.string().max(500).optional() }) } }, required: false } },
    responses: {
      202: json(z.object({ orderId: z.string(), dispatchState: z.string(), status: z.string() }), "Queued for the ERP again"),
      ...problems("unauthorized", "forbidden", "not-found", "conflict"),
    },
  }),
  requireScope("ops:write"),
  async (c) => {
    const orderId = param(c, "id");
    const stub = orderStubById(c.env, orderId);
    const before = stub ? await stub.erpPayload() : null;
    if (!stub || !before) throw new ProblemError(404, "Not found", `No order ${orderId}.`);
    if (before.status === "cancelled" || !RETRYABLE.has(before.dispatchState))
      throw new ProblemError(409, "Conflict", `The order's ERP hand-off is ${before.dispatchState} (order ${before.status}): only a rejected or dead-lettered hand-off can be retried.`);
    const principal = c.get("principal");
    const view = await stub.requeue(`retry-erp by ${principal.kind === "admin" ? "admin" : principal.name}`);
    const after = await stub.erpPayload();
    await audit(c, { action: "order.retry_erp", resource: "order", id: orderId, before: { status: before.status }, after: { dispatchState: after?.dispatchState ?? "pending" } });
    return c.json({ orderId, dispatchState: after?.dispatchState ?? "pending", status: view?.status ?? before.status }, 202);
  },
);
