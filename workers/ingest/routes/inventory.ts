/**
 * `POST /v1/inventory/events` (inventory:write): stock facts from the ERP, WMS and 3PLs.
 * Validated whole, then grouped by SKU and applied by each SKU's InventoryDO, which dedupes on
 * `eventId` and orders per source and location (core/inventory/events.ts) — so a partner may
 * re-send a batch after any failure, and a 5xx here always means "send it again".
 * `GET /v1/inventory/{sku}` (ops:read): every figure the SKU's authority holds, for ops.
 * Mounted by the ingest app at `/v1/inventory`.
 */
import { Hono } from "hono";
import { z } from "zod";
import { inventoryEventSchema } from "../../../core/canonical";
import { unownedFigures } from "../../../core/inventory/events";
import { FIGURE_OWNERS } from "../../../core/inventory/position";
import { createRoute, json, problems, route } from "../../../lib/api";
import { param, ProblemError, parseJsonBody, requireScope, type AppEnv } from "../../../lib/http";
import { withRetry } from "../../../lib/reservations";

export const MAX_EVENTS = 500;

const batchSchema = z.strictObject({
  events: z
    .array(
      inventoryEventSchema.superRefine((e, ctx) => {
        if (e.type === "snapshot" && !e.quantities) ctx.addIssue({ code: "custom", path: ["quantities"], message: "a snapshot carries quantities" });
        if (!e.quantities && !e.delta) ctx.addIssue({ code: "custom", path: ["delta"], message: "an event carries quantities or a delta" });
        for (const f of unownedFigures(e))
          ctx.addIssue({
            code: "custom",
            path: [e.quantities && f in e.quantities ? "quantities" : "delta", f],
            message: `${f} is owned by ${FIGURE_OWNERS[f].join(" or ")}, not ${e.source}`,
          });
      }),
    )
    .min(1)
    .max(MAX_EVENTS),
});

export const inventoryRoutes = new Hono<AppEnv>();

const eventsAnswer = z.object({ accepted: z.number().int(), duplicates: z.number().int(), stale: z.number().int() });

route(
  inventoryRoutes,
  createRoute({
    method: "post",
    path: "/v1/inventory/events",
    summary: "Stock facts from the ERP, a WMS or a 3PL (inventory:write); a snapshot's asOf is its watermark",
    security: [{ bearer: [] }],
    request: { body: { content: { "application/json": { schema: batchSchema } }, required: true } },
    responses: {
      202: json(eventsAnswer, "Applied by each SKU's authority, deduped by eventId"),
      ...problems("validation-failed", "unauthorized", "forbidden", "payload-too-large", "unsupported-media-type"),
    },
  }),
  requireScope("inventory:write"),
  async (c) => {
    const { data } = await parseJsonBody(c, batchSchema);
    const bySku = new Map<string, typeof data.events>();
    for (const e of data.events) bySku.set(e.sku, [...(bySku.get(e.sku) ?? []), e]);
    // Each SKU's call is idempotent (eventIds), so retrying one, or the partner re-sending all, is safe.
    const outcomes = (await Promise.all([...bySku].map(([sku, events]) => withRetry(c.env, sku, (s) => s.applyEvents(events))))).flat();
    const count = (o: string) => outcomes.filter((x) => x === o).length;
    return c.json({ accepted: count("accepted"), duplicates: count("duplicate"), stale: count("stale") }, 202);
  },
);

route(
  inventoryRoutes,
  createRoute({
    method: "get",
    path: "/v1/inventory/{sku}",
    summary: "Every figure a SKU's authority holds (ops:read)",
    security: [{ bearer: [] }],
    request: { params: z.object({ sku: z.string().max(120) }), query: z.object({ holds: z.enum(["true", "false"]).optional().describe("true: also list the units held per order") }) },
    responses: {
      200: json(
        z.object({ sku: z.string().nullable(), locations: z.array(z.record(z.string(), z.unknown())), channels: z.record(z.string(), z.number()) }).loose(),
        "Positions, holds, free and sellable per location; held per channel; projections",
      ),
      ...problems("validation-failed", "unauthorized", "forbidden"),
    },
  }),
  requireScope("ops:read"),
  async (c) => {
    const sku = param(c, "sku");
    if (sku.length > 120) throw new ProblemError(400, "Validation failed", "sku is too long.", [{ path: "sku", message: "at most 120 characters" }]);
    const stub = c.env.INVENTORY.getByName(sku);
  const [state, holds] = await Promise.all([stub.state(), c.req.query("holds") === "true" ? stub.holdsByOrder() : null]);
  return c.json({ ...state, ...(holds ? { holdsByOrder: holds } : {}) });
  },
);
