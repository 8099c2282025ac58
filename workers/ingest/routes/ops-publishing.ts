/**
 * `GET /v1/ops/publishing` (ops:read): per channel connection with publish settings, what its
 * publisher holds — pending figures, failures, lag from stock fact to channel acknowledgment,
 * throttle and pause state, and (`limit` > 0) the last figure per SKU (lib/publishing-status.ts).
 */
import { Hono } from "hono";
import { z } from "zod";
import { createRoute, json, problems, route } from "../../../lib/api";
import { requireScope, validate, type AppEnv } from "../../../lib/http";
import { publishingStatus } from "../../../lib/publishing-status";

export const opsPublishingRoutes = new Hono<AppEnv>();

const query = z.object({ limit: z.coerce.number().int().min(0).max(500).default(50).describe("SKUs listed per connection (0: none)") });
const ms = z.number().int().nullable();
const skuView = z.object({
  sku: z.string(),
  channelLocation: z.string().optional(),
  published: z.number().int().describe("The newest figure for the channel (sent, or waiting to be)"),
  acknowledged: z.number().int().nullable().describe("What the channel last acknowledged"),
  at: z.string().nullable().describe("When it acknowledged it"),
  state: z.enum(["pending", "idle", "rejected", "dead"]),
  lastError: z.string().optional(),
});
const connectionView = z.object({
  connectionId: z.string(),
  channel: z.string(),
  kind: z.string(),
  items: z.object({ pending: z.number().int(), rejected: z.number().int(), dead: z.number().int(), idle: z.number().int() }),
  lagMs: z.object({ p50: ms, p99: ms, samples: z.number().int() }),
  calls: z.number().int(),
  batches: z.number().int(),
  failures: z.number().int(),
  acknowledged: z.number().int(),
  folded: z.number().int(),
  lastOkAt: z.string().nullable(),
  disabled: z.string().optional(),
  pausedUntil: z.string().optional(),
  pausedReason: z.string().optional(),
  throttledUntil: z.string().optional(),
  throttleReason: z.string().optional(),
  lastError: z.string().optional(),
  skus: z.array(skuView).optional(),
});
const answer = z.object({
  totals: z.object({ connections: z.number().int(), pending: z.number().int(), failed: z.number().int(), deadLettersOpen: z.number().int(), lagP50Ms: ms, lagP99Ms: ms, calls: z.number().int() }),
  connections: z.array(connectionView),
  at: z.string(),
});

route(
  opsPublishingRoutes,
  createRoute({
    method: "get",
    path: "/v1/ops/publishing",
    summary: "Channel publishing per connection: pending, failures, lag, throttling, last figure per SKU (ops:read)",
    security: [{ bearer: [] }],
    tags: ["ops"],
    request: { query },
    responses: { 200: json(answer, "Every connection with publish settings"), ...problems("validation-failed", "unauthorized", "forbidden") },
  }),
  requireScope("ops:read"),
  async (c) => {
    const q = validate(query, c.req.query());
    return c.json(await publishingStatus(c.env, q.limit));
  },
);
