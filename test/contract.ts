// Every answer the test suite gets is checked against the API document (lib/api.ts): the route
// must be declared, the status documented for it, and a JSON body must parse with the documented
// schema. A violation replaces the answer with a 599 naming it, so whichever test made the call
// fails: the whole suite is the contract test.
import type { RouteConfig } from "@hono/zod-openapi";
import type { z } from "zod";
import { declaredRoutes } from "../lib/api";

const pattern = (path: string) => new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\\{[^}]+\\\}|\{[^}]+\}/g, "[^/]+")}$`);
let compiled: { spec: RouteConfig; re: RegExp; literal: number }[] | null = null;

function find(method: string, pathname: string): RouteConfig | undefined {
  compiled ??= declaredRoutes.map((spec) => ({ spec, re: pattern(spec.path), literal: spec.path.replace(/\{[^}]+\}/g, "").length }));
  // The most literal match wins (/v1/availability/query over /v1/availability/{sku}).
  return compiled
    .filter((c) => c.spec.method.toUpperCase() === method && c.re.test(pathname))
    .sort((a, b) => b.literal - a.literal)[0]?.spec;
}

function violation(what: string): Response {
  return new Response(JSON.stringify({ type: "/problems/contract-violation", title: "Contract violation", status: 599, detail: what }), {
    status: 599,
    headers: { "content-type": "application/problem+json" },
  });
}

export async function checkAgainstDocument(request: Request, response: Response): Promise<Response> {
  const { pathname } = new URL(request.url);
  const spec = find(request.method, pathname);
  if (!spec) return response.status === 404 || response.status === 405 ? response : violation(`${request.method} ${pathname} is not in the API document (answered ${response.status})`);
  const documented = spec.responses[response.status] ?? spec.responses[String(response.status) as unknown as number];
  if (!documented) return violation(`${request.method} ${spec.path} answered ${response.status}, not documented (documented: ${Object.keys(spec.responses).join(", ")})`);
  const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
  const content = (documented as { content?: Record<string, { schema?: z.ZodType }> }).content;
  if (!content || response.status === 304) return response;
  const entry = content[type];
  if (!entry) return violation(`${request.method} ${spec.path} ${response.status} answered ${type || "no content-type"}; documented ${Object.keys(content).join(", ")}`);
  if (!type.endsWith("json") || !entry.schema) return response;
  const text = await response.clone().text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return violation(`${request.method} ${spec.path} ${response.status}: the body is not JSON`);
  }
  const parsed = entry.schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
    return violation(`${request.method} ${spec.path} ${response.status}: the body does not match the document (${issues}); body ${text.slice(0, 300)}`);
  }
  return response;
}
