/**
 * What the service says about itself: the root, the health check, the OpenAPI document (every
 * declared route, the availability Worker's included) and the problem types it answers with.
 */
import { Hono } from "hono";
import { z } from "zod";
import { PROBLEM_TYPES, type ProblemSlug } from "../../../core/problems";
import { apiDocument, createRoute, declare, json, problems, route } from "../../../lib/api";
import { param, ProblemError, type AppEnv } from "../../../lib/http";
import { batchRoute, singleRoute } from "../../availability/routes";

export const metaRoutes = new Hono<AppEnv>();
declare(singleRoute);
declare(batchRoute);

route(
  metaRoutes,
  createRoute({ method: "get", path: "/healthz", summary: "Liveness", tags: ["meta"], security: [], responses: { 200: json(z.object({ ok: z.literal(true) }), "Alive") } }),
  async (c) => c.json({ ok: true as const }),
);

route(
  metaRoutes,
  createRoute({ method: "get", path: "/openapi.json", summary: "This document", tags: ["meta"], security: [], responses: { 200: json(z.record(z.string(), z.unknown()), "OpenAPI 3.1") } }),
  async (c) => c.json(apiDocument(new URL(c.req.url).origin)),
);

const problemType = z.object({ type: z.string(), status: z.number().int(), title: z.string(), description: z.string() });

route(
  metaRoutes,
  createRoute({
    method: "get",
    path: "/problems/{slug}",
    summary: "What a problem type means (the `type` URI of every error answer)",
    tags: ["meta"], security: [],
    request: { params: z.object({ slug: z.enum(Object.keys(PROBLEM_TYPES) as [ProblemSlug, ...ProblemSlug[]]) }) },
    responses: { 200: json(problemType, "The problem type"), ...problems("not-found") },
  }),
  async (c) => {
    const slug = param(c, "slug");
    if (!Object.hasOwn(PROBLEM_TYPES, slug)) throw new ProblemError(404, "Not found", `No problem type ${slug}.`);
    const p = PROBLEM_TYPES[slug as ProblemSlug];
    return c.json({ type: `/problems/${slug}`, ...p });
  },
);

route(
  metaRoutes,
  createRoute({
    method: "get",
    path: "/",
    summary: "Where things are",
    tags: ["meta"], security: [],
    responses: { 200: json(z.object({ service: z.string(), openapi: z.string(), ops: z.string(), docs: z.string() }), "Pointers") },
  }),
  async (c) => c.json({ service: "switchyard", openapi: "/openapi.json", ops: "/ops", docs: "README.md" }),
);
