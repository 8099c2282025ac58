/**
 * The HTTP boundary shared by the Workers: one error type (RFC 9457 problem+json), one error
 * handler, body parsing with size limits and zod validation, and auth middleware.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { fieldIssues, type FieldIssue } from "../core/canonical";
import { sha256Hex, timingSafeEqualString } from "../core/crypto";
import type { Env } from "./env";
import { IsolateCache } from "./isolate-cache";

export type ApiKeyPrincipal = { kind: "api_key"; id: string; name: string; scopes: string[]; ratePerMinute: number | null };
export type Principal = ApiKeyPrincipal | { kind: "admin" };

export type AppEnv = { Bindings: Env; Variables: { principal: Principal } };

export const MAX_BODY_BYTES = 1024 * 1024;

/** The one error type at the HTTP boundary; anything else becomes a logged, generic 500. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export function problemResponse(status: number, title: string, detail?: string, errors?: FieldIssue[], headers: Record<string, string> = {}): Response {
  const body: Record<string, unknown> = { type: "about:blank", title, status };
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
  console.error(JSON.stringify({ level: "error", msg: "unhandled", path: new URL(c.req.url).pathname, error: String(e) }));
  return problemResponse(500, "Internal error", "The request could not be completed; it is safe to retry.");
}

export const notFound = (c: Context) => problemResponse(404, "Not found", `No route for ${c.req.method} ${new URL(c.req.url).pathname}`);

/** Reads the raw body, refusing more than `limit` bytes (413) before and while reading. */
export async function readBody(req: Request, limit = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? "0");
  if (declared > limit) throw new ProblemError(413, "Payload too large", `The body is over ${limit} bytes.`);
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new ProblemError(413, "Payload too large", `The body is over ${limit} bytes.`);
    }
    chunks.push(value);
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

export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProblemError(400, "Invalid JSON", "The request body is not valid JSON.", [{ path: "(body)", message: "invalid JSON" }]);
  }
}

/** Validates `value` with `schema`; a failure is a 400 naming each bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new ProblemError(400, "Validation failed", "One or more fields are invalid.", fieldIssues(r.error));
  return r.data;
}

/** Reads, size-checks, JSON-parses and validates the body. Returns the data and the JSON as sent. */
export async function parseJsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<{ data: z.infer<S>; json: unknown }> {
  const type = c.req.header("content-type") ?? "";
  if (type && !type.includes("json")) throw new ProblemError(415, "Unsupported media type", "Send application/json.");
  const json = parseJsonText(new TextDecoder().decode(await readBody(c.req.raw)));
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

// Keys are looked up by hash on every request; a short per-isolate cache keeps D1 off the hot path.
const keyCache = new IsolateCache<ApiKeyPrincipal | null>(10_000, 5000);

export function forgetCachedKeys(): void {
  keyCache.clear();
}

async function lookupKey(env: Env, token: string): Promise<ApiKeyPrincipal | null> {
  const hash = await sha256Hex(token);
  return keyCache.get(hash, async () => {
    const row = await env.DB.prepare("SELECT id, name, scopes, rate_per_minute FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL")
      .bind(hash)
      .first<{ id: string; name: string; scopes: string; rate_per_minute: number | null }>();
    return row ? { kind: "api_key", id: row.id, name: row.name, scopes: JSON.parse(row.scopes) as string[], ratePerMinute: row.rate_per_minute } : null;
  });
}

// Fixed one-minute windows per key and isolate: a cheap guard against a runaway client.
// (Rate-limit bindings replace this on Cloudflare where configured; see README.)
const windows = new Map<string, { start: number; count: number }>();
function overRate(p: ApiKeyPrincipal): number | null {
  if (!p.ratePerMinute) return null;
  const now = Date.now();
  const w = windows.get(p.id);
  if (!w || now - w.start >= 60_000) {
    windows.set(p.id, { start: now, count: 1 });
    return null;
  }
  w.count++;
  return w.count > p.ratePerMinute ? Math.ceil((w.start + 60_000 - now) / 1000) : null;
}

/** Partner endpoints: an API key with `scope` (the admin token passes every scope). */
export function requireScope(scope: string): MiddlewareHandler<AppEnv> {
  return async function requireScopeMw(c, next) {
    const token = bearer(c);
    if (isAdminToken(c.env, token)) {
      c.set("principal", { kind: "admin" });
      return next();
    }
    const p = token ? await lookupKey(c.env, token) : null;
    if (!p) throw new ProblemError(401, "Unauthorized", "A valid API key is required.", undefined, { "www-authenticate": "Bearer" });
    if (!p.scopes.includes(scope)) throw new ProblemError(403, "Forbidden", `This key lacks the ${scope} scope.`);
    const wait = overRate(p);
    if (wait !== null) throw new ProblemError(429, "Too many requests", "This key is over its rate.", undefined, { "retry-after": String(wait) });
    c.set("principal", p);
    await next();
  };
}
