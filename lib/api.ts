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
import { ProblemError, type AppEnv } from "./http";

export { createRoute };

const docs = new OpenAPIHono();
docs.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", description: "An API key (partner endpoints) or ADMIN_TOKEN (admin endpoints)." });

/** Every declared route, for the document and for the test that checks real answers against it. */
export const declaredRoutes: RouteConfig[] = [];

const honoPath = (p: string) => p.replace(/\{([^}]+)\}/g, ":$1");

/** Answers every route may give: any authenticated one may be rate-limited, and anything may fail on our side. */
function withCommonAnswers(spec: RouteConfig): RouteConfig {
  const reads = spec.request?.body ? problems("body-not-received", "request-timeout", "payload-too-large") : {};
  const common = { ...reads, ...(spec.security ? problems("too-many-requests") : {}), ...problems("internal-error") };
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

/**
 * The API version policy for a route being retired: `Deprecation` (RFC 9745, the date it was
 * deprecated), `Sunset` (RFC 8594, when it stops) and a `Link` to its successor on every answer;
 * from the sunset on, `410 Gone` naming the successor. Declare the route with `deprecated: true`.
 *
 * @example route(app, createRoute({ ..., deprecated: true }), deprecation({ since: "2026-12-01", sunset: "2027-06-30", successor: "/v1/channels/{channel}/orders/{externalId}" }), handler)
 */
export function deprecation(opts: { since: string; sunset: string; successor: string }): MiddlewareHandler<AppEnv> {
  const since = Date.parse(`${opts.since}T00:00:00Z`);
  const sunset = Date.parse(`${opts.sunset}T00:00:00Z`);
  const headers = {
    deprecation: `@${Math.floor(since / 1000)}`,
    sunset: new Date(sunset).toUTCString(),
    link: `<${opts.successor}>; rel="successor-version"`,
  };
  return async (c, next) => {
    if (Date.now() >= sunset) throw new ProblemError(410, "Gone", `This route was retired on ${opts.sunset}; use ${opts.successor}.`, undefined, headers);
    await next();
    for (const [k, v] of Object.entries(headers)) c.res.headers.set(k, v);
  };
}
