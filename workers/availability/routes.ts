/**
 * The availability routes' declarations (the availability Worker serves them; the ingest Worker
 * lists them in /openapi.json too), with the schemas they validate with.
 */
import { z } from "zod";
import { createRoute, json, problems } from "../../lib/api";

export const MAX_SKUS = 100;
export const skuSchema = z.string().trim().min(1).max(120);
export const channelSchema = z.string().trim().min(1).max(100);
export const querySchema = z.strictObject({ channel: channelSchema, skus: z.array(skuSchema).min(1).max(MAX_SKUS) });
const item = z.object({ sku: z.string(), channel: z.string(), available: z.number().int(), asOf: z.string(), source: z.enum(["cache", "authoritative"]) });
const headers = "ETag (weak, over the figures) and If-None-Match → 304; Cache-Control no-cache when any figure came from the authority.";

export const singleRoute = createRoute({
  method: "get",
  path: "/v1/availability/{sku}",
  summary: "What one channel may sell of one SKU (availability:read)",
  description: headers,
  security: [{ bearer: [] }],
  request: { params: z.object({ sku: skuSchema }), query: z.object({ channel: channelSchema }) },
  responses: { 200: json(item, "The channel's figure"), 304: { description: "Not modified" }, ...problems("validation-failed", "unauthorized", "forbidden") },
});

export const batchRoute = createRoute({
  method: "post",
  path: "/v1/availability/query",
  summary: `Many SKUs for one channel, up to ${MAX_SKUS} (availability:read)`,
  description: headers,
  security: [{ bearer: [] }],
  request: { body: { content: { "application/json": { schema: querySchema } }, required: true } },
  responses: { 200: json(z.object({ items: z.array(item) }), "Each SKU's figure"), 304: { description: "Not modified" }, ...problems("validation-failed", "unauthorized", "forbidden", "unsupported-media-type") },
});
