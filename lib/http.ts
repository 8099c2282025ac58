/**
 * The HTTP boundary shared by the Workers: one error type (RFC 9457 problem+json), one error
 * handler, body parsing with size limits and zod validation, and auth middleware.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { fieldIssues, type FieldIssue } from "../core/canonical";
import { problemSlug } from "../core/problems";
import { sha256Hex, timingSafeEqualString } from "../core/crypto";
import type { Scope } from "../core/scopes";
import { firstMalformedString, jsonDepth } from "../core/text";
import { activeKeyByHash } from "../db/api-keys";
import type { Env } from "./env";
import { log } from "./log";
import { ProblemError } from "./problem";
import { enforceRate } from "./rate-limits";

export type ApiKeyPrincipal = { kind: "api_key"; id: string; name: string; scopes: string[]; ratePerMinute: number | null };
export type Principal = ApiKeyPrincipal | { kind: "admin" };

export type AppEnv = { Bindings: Env; Variables: { principal: Principal } };

export const MAX_BODY_BYTES = 1024 * 1024;
/** A body that has not arrived whole by then is refused: a stalled sender cannot hold a request open. */
export const BODY_READ_TIMEOUT_MS = 10_000;
/** JSON nested deeper than this is refused before any schema sees it. */
export const MAX_JSON_DEPTH = 64;

export { ProblemError };

export function problemResponse(status: number, title: string, detail?: string, errors?: FieldIssue[], headers: Record<string, string> = {}): Response {
  const body: Record<string, unknown> = { type: `/problems/${problemSlug(status, title)}`, title, status };
  if (detail) body.detail = detail;
  if (errors) body.errors = errors;
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/problem+json", ...headers },
  });
}

/** hono `onError`: maps ProblemError to its problem+json; never leaks a stack trace. */
export function onError(e: Error, c: Context): Response {
  if (e instanceof ProblemError) return problemResponse(e.status, e.title, e.detail, e.errors, e.headers);
  const status = (e as { status?: unknown }).status;
  if (typeof status === "number" && status >= 400 && status < 500) return problemResponse(status, e.message || "Bad request");
  log.error("unhandled", { path: new URL(c.req.url).pathname, error: String(e), cause: e.cause === undefined ? undefined : String(e.cause) });
  return problemResponse(500, "Internal error", "The request could not be completed; it is safe to retry.");
}

export const notFound = (c: Context) => problemResponse(404, "Not found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);

/**
 * Reads the raw body, refusing more than `limit` bytes (413) before and while reading, and a
 * body that has not arrived whole within BODY_READ_TIMEOUT_MS (408). A client that hangs up
 * mid-body ends the request quietly (its answer has nowhere to go).
 */
export async function readBody(req: Request, limit = MAX_BODY_BYTES, timeoutMs = BODY_READ_TIMEOUT_MS): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw new ProblemError(413, "Payload too large", `The body is over ${limit} bytes.`);
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ProblemError(408, "Request timeout", `The body did not arrive within ${timeoutMs / 1000} s.`)), timeoutMs);
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), stalled]);
      if (done) break;
      size += value.byteLength;
      if (size > limit) throw new ProblemError(413, "Payload too large", `The body is over ${limit} bytes.`);
      chunks.push(value);
    }
  } catch (e) {
    void reader.cancel().catch(() => undefined);
    if (e instanceof ProblemError) throw e;
    throw new ProblemError(400, "Body not received", "The client closed the connection before the body was complete.");
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let o = 0;
  for (const ch of chunks) {
    out.set(ch, o);
    o += ch.byteLength;
  }
  return out;
}

/** Parses JSON text we were sent: invalid JSON, JSON nested too deep, and strings that are not well-formed Unicode are 400s naming where. */
export function parseJsonText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ProblemError(400, "Invalid JSON", "The request body is not valid JSON.", [{ path: "(body)", message: "invalid JSON" }]);
  }
  if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) throw new ProblemError(400, "JSON nested too deep", `The body nests deeper than ${MAX_JSON_DEPTH} levels.`, [{ path: "(body)", message: `nested deeper than ${MAX_JSON_DEPTH}` }]);
  const bad = firstMalformedString(value);
  if (bad) throw new ProblemError(400, "Validation failed", "A string is not well-formed Unicode (a lone surrogate).", [{ path: bad, message: "not well-formed Unicode" }]);
  return value;
}

/** JSON endpoints: no content-type means JSON; a declared non-JSON type is 415. */
export function requireJsonContentType(c: Context): void {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type && type !== "application/json" && !type.endsWith("+json")) throw new ProblemError(415, "Unsupported media type", `Send application/json (got ${type}).`);
}

/** An optional JSON body (empty means `{}`), checked like any other. */
export async function parseOptionalJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  requireJsonContentType(c);
  const raw = new TextDecoder().decode(await readRequestBody(c));
  return validate(schema, raw.trim() ? parseJsonText(raw) : {});
}

/** Validates `value` with `schema`; a failure is a 400 naming each bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ProblemError(400, "Validation failed", "One or more fields are invalid.", fieldIssues(r.error));
  return r.data;
}

/** The read deadline for request bodies: BODY_READ_TIMEOUT_MS, else 10 s. */
export function bodyTimeout(env: { BODY_READ_TIMEOUT_MS?: string }): number {
  return Number(env.BODY_READ_TIMEOUT_MS) || BODY_READ_TIMEOUT_MS;
}

/** The request's raw body under the size limit and read deadline. */
export function readRequestBody(c: Context, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  return readBody(c.req.raw, limit, bodyTimeout(c.env as Env));
}

/** Reads, size-checks, JSON-parses and validates the body. Returns the data and the JSON as sent. */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<{ data: z.infer<S>; json: unknown }> {
  requireJsonContentType(c);
  const json = parseJsonText(new TextDecoder().decode(await readRequestBody(c)));
  return { data: validate(schema, json), json };
}

function bearer(c: Context): string | null {
  const h = c.req.header("authorization") ?? "";
  const m = /^Bearer\s+(.+)$/i.exec(h);
  return m ? m[1]!.trim() : null;
}

function isAdminToken(env: Env, token: string | null): boolean {
  return !!token && !!env.ADMIN_TOKEN && timingSafeEqualString(token, env.ADMIN_TOKEN);
}

/** Admin endpoints: `Authorization: Bearer <ADMIN_TOKEN>`. */
export const requireAdmin: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (!isAdminToken(c.env, bearer(c))) throw new ProblemError(401, "Unauthorized", "A valid admin token is required.", undefined, { "www-authenticate": "Bearer" });
  c.set("principal", { kind: "admin" });
  await next();
};

/**
 * Keys are looked up by hash in D1 on every request, not cached: a revoked key stops working
 * at once, in every isolate. (The read is one indexed row.)
 */
async function lookupKey(env: Env, token: string): Promise<ApiKeyPrincipal | null> {
  const row = await activeKeyByHash(env.DB, await sha256Hex(token));
  return row ? { kind: "api_key", id: row.id, name: row.name, scopes: row.scopes, ratePerMinute: row.ratePerMinute } : null;
}

/** Partner endpoints: an API key with `scope`, or any of `alternatives` (the admin token passes every scope). */
export function requireScope(scope: Scope, ...alternatives: Scope[]): MiddlewareHandler<AppEnv> {
  return async function requireScopeMw(c, next) {
    const token = bearer(c);
    if (isAdminToken(c.env, token)) {
      c.set("principal", { kind: "admin" });
      return next();
    }
    const p = token ? await lookupKey(c.env, token) : null;
    if (!p) throw new ProblemError(401, "Unauthorized", "A valid API key is required.", undefined, { "www-authenticate": "Bearer" });
    if (![scope, ...alternatives].some((x) => p.scopes.includes(x))) throw new ProblemError(403, "Forbidden", `This key lacks the ${[scope, ...alternatives].join(" or ")} scope.`);
    await enforceRate(c.env, `key:${p.id}`, p.ratePerMinute);
    c.set("principal", p);
    await next();
  };
}

/** A path parameter of the route (declared in its `{name}`). */
export function param(c: Context, name: string): string {
  return c.req.param(name) ?? "";
}
