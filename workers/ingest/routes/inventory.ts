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
import { ProblemError, parseJsonBody, requireScope, type AppEnv } from "../../../lib/http";
import { withRetry } from "../../../lib/reservations";

export const MAX_EVENTS = 500;

const batchSchema = z.strictObject({
  events: z
    .array(
      inventoryEventSchema.superRefine((e, ctx) => {
        if (e.type === "snapshot" && !e.quantities) ctx.addIssue({ code: "custom", path: ["quantities"], message: "a snapshot carries quantities" });
        if (!e.quantities && !e.delta) ctx.addIssue({ code: "custom", path: ["delta"], message: "an event carries quantities or a delta" });
        for (const f of unownedFigures(e))
          ctx.addIssue({ code: "custom", path: [e.quantities && f in e.quantities ? "quantities" : "delta", f], message: `${f} is owned by ${FIGURE_OWNERS[f].join(" or ")}, not ${e.source}` });
      }),
    )
    .min(1)
    .max(MAX_EVENTS),
});

export const inventoryRoutes = new Hono<AppEnv>();

inventoryRoutes.post("/events", requireScope("inventory:write"), async (c) => {
  const { data } = await parseJsonBody(c, batchSchema);
  const bySku = new Map<string, typeof data.events>();
  for (const e of data.events) bySku.set(e.sku, [...(bySku.get(e.sku) ?? []), e]);
  // Each SKU's call is idempotent (eventIds), so retrying one, or the partner re-sending all, is safe.
  const outcomes = (await Promise.all([...bySku].map(([sku, events]) => withRetry(c.env, sku, (s) => s.applyEvents(events))))).flat();
  const count = (o: string) => outcomes.filter((x) => x === o).length;
  return c.json({ accepted: count("accepted"), duplicates: count("duplicate"), stale: count("stale") }, 202);
});

inventoryRoutes.get("/:sku", requireScope("ops:read"), async (c) => {
  const sku = c.req.param("sku");
  if (sku.length > 120) throw new ProblemError(400, "Validation failed", "sku is too long.", [{ path: "sku", message: "at most 120 characters" }]);
  return c.json(await c.env.INVENTORY.getByName(sku).state());
});
