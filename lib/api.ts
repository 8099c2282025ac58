/**
 * The API document and the routes are one thing: each route is declared once with
 * `createRoute` (method, path, the zod schemas it validates with, its answers), registered in
 * the OpenAPI registry (served at /openapi.json) and mounted with its handlers. Handlers still
 * validate with lib/http.ts (size limits, deadlines, deep or malformed JSON, problem+json), on
 * the same schema objects the document shows.
 *
 * @example route(app, createRoute({ method: "get", path: "/v1/orders/{id}", responses: { 200: json(orderDetail, "The order") } }), requireScope("orders:read"), handler);
 */
import { createRoute, OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Hono, MiddlewareHandler } from "hono";
import { z } from "zod";
import { PROBLEM_TYPES, type ProblemSlug } from "../core/problems";
import type { AppEnv } from "./http";

export { createRoute };

const docs = new OpenAPIHono();
docs.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "An API key (partner endpoints) or ADMIN_TOKEN (admin endpoints)." });

/** Every declared route, for the document and for the test that checks real answers against it. */
export const declaredRoutes: RouteConfig[] = [];

const honoPath = (p: string) => p.replace(/\{([^}]+)\}/g, ":$1");

/** Answers every route may give: any authenticated one may be rate-limited, and anything may fail on our side. */
function withCommonAnswers(spec: RouteConfig): RouteConfig {
  const common = { ...(spec.security ? problems("too-many-requests") : {}), ...problems("internal-error") };
  return { ...spec, responses: { ...common, ...spec.responses } };
}

/** Declares a route that another Worker serves (availability), so the one document lists it. */
export function declare(spec: RouteConfig): void {
  const full = withCommonAnswers(spec);
  declaredRoutes.push(full);
  docs.openAPIRegistry.registerPath(full);
}

/** Declares a route in the API document and mounts its handlers on `app`. */
export function route(app: Hono<AppEnv>, spec: RouteConfig, ...handlers: MiddlewareHandler<AppEnv>[]): void {
  declare(spec);
  app.on(spec.method.toUpperCase(), honoPath(spec.path), ...(handlers as [MiddlewareHandler<AppEnv>]));
}

export const problemSchema = z.object({
  type: z.string().describe("A URI naming the problem type; GET it for its description."),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});

/** A JSON answer. */
export const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });

/** The problem+json answers a route may give, by status, each naming its problem types. */
export function problems(...slugs: ProblemSlug[]): Record<number, { description: string; content: { "application/problem+json": { schema: typeof problemSchema } } }> {
  const out: Record<number, { description: string; content: { "application/problem+json": { schema: typeof problemSchema } } }> = {};
  for (const slug of slugs) {
    const p = PROBLEM_TYPES[slug];
    const prior = out[p.status];
    out[p.status] = { description: prior ? `${prior.description}; ${p.title} (/problems/${slug})` : `${p.title} (/problems/${slug})`, content: { "application/problem+json": { schema: problemSchema } } };
  }
  return out;
}

/** The OpenAPI 3.1 document of every declared route. */
export function apiDocument(serverUrl?: string) {
  return docs.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Switchyard",
      version: "1",
      description: "Order-and-inventory orchestration for distributors. Errors are RFC 9457 problem+json; each `type` is a URI under /problems/ that describes it.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
  });
}
