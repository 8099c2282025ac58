/**
 * Master data (docs/master-data.md): `PUT /v1/master/{products|customers|price-lists}/{id}`
 * (master:write) upserts one record by version (a lower one is `409 stale`, an equal one repeats
 * the stored write), `GET` of each (orders:read), and bulk NDJSON `POST /v1/master/{products|
 * customers}` as a job (GET /v1/jobs/{jobId}). Every applied write is audited and sends a
 * `master.*_changed` event to subscribers.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { customerBodySchema, customerIdSchema, priceListBodySchema, priceListIdSchema, productBodySchema, skuSchema } from "../../../core/master/model";
import { createRoute, json, problems, route } from "../../../lib/api";
import { audit } from "../../../lib/audit";
import { param, parseJsonBody, ProblemError, requireScope, validate, type AppEnv } from "../../../lib/http";
import { putCustomer, putPriceList, putProduct, readCustomer, readProduct } from "../../../lib/master";
import { getPriceList } from "../../../db/master";
import type { UpsertOutcome } from "../../../core/master/model";
import { startJob, jobAnswer } from "./jobs";

export const masterRoutes = new Hono<AppEnv>();

const auth = [{ bearer: [] }];
const tags = ["master data"];
const record = z.object({ version: z.number().int(), owner: z.string(), updatedAt: z.string() }).loose();
const written = z.object({ outcome: z.enum(["created", "updated", "unchanged"]), record }).loose();
const writeProblems = problems("validation-failed", "unauthorized", "forbidden", "stale", "payload-too-large", "unsupported-media-type");

function answer(c: Context<AppEnv>, outcome: UpsertOutcome, version: number, sent: number, rec: unknown) {
  if (outcome === "stale")
    throw new ProblemError(409, "Stale version", `The stored record has version ${version}; version ${sent} is older and was not applied.`, [{ path: "version", message: `must be at least ${version}` }]);
  return c.json({ outcome, record: rec }, outcome === "created" ? 201 : 200);
}

const kinds = [
  { path: "products", param: "sku", idSchema: skuSchema, body: productBodySchema, resource: "master_product" },
  { path: "customers", param: "id", idSchema: customerIdSchema, body: customerBodySchema, resource: "master_customer" },
] as const;

for (const k of kinds) {
  route(
    masterRoutes,
    createRoute({
      method: "put",
      path: `/v1/master/${k.path}/{${k.param}}`,
      summary: `Create or update one ${k.path.slice(0, -1)} by version (master:write)`,
      security: auth,
      tags: [...tags],
      request: { params: z.object({ [k.param]: k.idSchema }), body: { content: { "application/json": { schema: k.body } }, required: true } },
      responses: { 201: json(written, "Created"), 200: json(written, "Updated, or the same version again (unchanged)"), ...writeProblems },
    }),
    requireScope("master:write"),
    async (c) => {
      const id = validate(k.idSchema, param(c, k.param));
      if (k.path === "products") {
        const { data } = await parseJsonBody(c, productBodySchema);
        if (data.components?.some((x) => x.sku === id)) throw new ProblemError(400, "Validation failed", "A kit cannot contain itself.", [{ path: "components", message: `${id} is the kit itself` }]);
        const r = await putProduct(c.env, id, data);
        if (r.outcome === "created" || r.outcome === "updated") await audit(c, { action: "master_product.put", resource: k.resource, id, before: r.before, after: data });
        return answer(c, r.outcome, r.version, data.version, r.record);
      }
      const { data } = await parseJsonBody(c, customerBodySchema);
      const r = await putCustomer(c.env, id, data);
      if (r.outcome === "created" || r.outcome === "updated") await audit(c, { action: "master_customer.put", resource: k.resource, id, before: r.before, after: data });
      return answer(c, r.outcome, r.version, data.version, r.record);
    },
  );

  route(
    masterRoutes,
    createRoute({
      method: "get",
      path: `/v1/master/${k.path}/{${k.param}}`,
      summary: `One ${k.path.slice(0, -1)} (orders:read)`,
      security: auth,
      tags: [...tags],
      request: { params: z.object({ [k.param]: k.idSchema }) },
      responses: { 200: json(record, "The record as stored"), ...problems("validation-failed", "unauthorized", "forbidden", "not-found") },
    }),
    requireScope("orders:read"),
    async (c) => {
      const id = validate(k.idSchema, param(c, k.param));
      const rec = k.path === "products" ? await readProduct(c.env, id) : await readCustomer(c.env, id);
      if (!rec) throw new ProblemError(404, "Not found", `No ${k.path.slice(0, -1)} ${id}.`);
      return c.json(rec);
    },
  );

  route(
    masterRoutes,
    createRoute({
      method: "post",
      path: `/v1/master/${k.path}`,
      summary: `Bulk ${k.path} as NDJSON, one record per line with its ${k.param} (gzip allowed); a job (master:write)`,
      description: "The body is streamed, never held whole. Answers 202 with the job id once every line is read and queued; GET /v1/jobs/{jobId} reports progress.",
      security: auth,
      tags: [...tags],
      request: { body: { content: { "application/x-ndjson": { schema: z.string() }, "application/gzip": { schema: z.string() } }, required: true } },
      responses: { 202: json(jobAnswer, "Read and queued"), ...problems("validation-failed", "unauthorized", "forbidden", "unsupported-media-type") },
    }),
    requireScope("master:write"),
    (c) => startJob(c, k.path),
  );
}

const priceList = z.object({ id: z.string(), currency: z.string(), validFrom: z.string(), version: z.number().int(), prices: z.array(z.object({ sku: z.string(), unitPrice: z.string() })) }).loose();

route(
  masterRoutes,
  createRoute({
    method: "put",
    path: "/v1/master/price-lists/{id}",
    summary: "Create or replace one price list by version (master:write): per channel or price group, effective dates, currency",
    security: auth,
    tags,
    request: { params: z.object({ id: priceListIdSchema }), body: { content: { "application/json": { schema: priceListBodySchema } }, required: true } },
    responses: { 201: json(z.object({ outcome: z.enum(["created", "updated", "unchanged"]), record: priceList }), "Created"), 200: json(z.object({ outcome: z.enum(["created", "updated", "unchanged"]), record: priceList }), "Updated or unchanged"), ...writeProblems },
  }),
  requireScope("master:write"),
  async (c) => {
    const id = validate(priceListIdSchema, param(c, "id"));
    const { data } = await parseJsonBody(c, priceListBodySchema);
    const r = await putPriceList(c.env, id, data);
    if (r.outcome === "created" || r.outcome === "updated") await audit(c, { action: "master_price_list.put", resource: "master_price_list", id, before: r.before, after: { ...data, prices: data.prices.length } });
    return answer(c, r.outcome, r.version, data.version, r.outcome === "stale" ? null : await getPriceList(c.env.DB, id));
  },
);

route(
  masterRoutes,
  createRoute({
    method: "get",
    path: "/v1/master/price-lists/{id}",
    summary: "One price list with its prices (orders:read)",
    security: auth,
    tags,
    request: { params: z.object({ id: priceListIdSchema }) },
    responses: { 200: json(priceList, "The price list as stored"), ...problems("validation-failed", "unauthorized", "forbidden", "not-found") },
  }),
  requireScope("orders:read"),
  async (c) => {
    const id = validate(priceListIdSchema, param(c, "id"));
    const pl = await getPriceList(c.env.DB, id);
    if (!pl) throw new ProblemError(404, "Not found", `No price list ${id}.`);
    return c.json(pl);
  },
);
