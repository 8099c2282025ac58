/**
 * `GET /v1/ops/backlog` (ops:read): orders by status per channel and what each channel still has
 * waiting for the ERP, read from the D1 projection for the /ops dashboard's backlog card.
 */
import { Hono } from "hono";
import { z } from "zod";
import { backlogByChannel } from "../../../db/backlog";
import { createRoute, json, problems, route } from "../../../lib/api";
import { requireScope, type AppEnv } from "../../../lib/http";

export const opsBacklogRoutes = new Hono<AppEnv>();

const channelBacklog = z.object({
  channel: z.string(),
  total: z.number().int(),
  byStatus: z.record(z.string(), z.number().int()).describe("Orders of this channel per status"),
  awaitingErp: z.number().int().describe("Orders whose ERP hand-off is pending or enqueued (cancelled ones aside)"),
  oldestAwaitingErpAt: z.string().nullable().describe("When the oldest of those was created"),
});
const backlogAnswer = z.object({ channels: z.array(channelBacklog), at: z.string() });

route(
  opsBacklogRoutes,
  createRoute({
    method: "get",
    path: "/v1/ops/backlog",
    summary: "Orders by status per channel, and what waits for the ERP per channel (ops:read)",
    description: "Read from the orders projection, which trails each order's own object by a moment.",
    security: [{ bearer: [] }],
    tags: ["ops"],
    responses: { 200: json(backlogAnswer, "Channels by name"), ...problems("unauthorized", "forbidden") },
  }),
  requireScope("ops:read"),
  async (c) => c.json({ channels: await backlogByChannel(c.env.DB), at: new Date().toISOString() }),
);
