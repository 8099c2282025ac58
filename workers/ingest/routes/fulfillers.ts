/**
 * Admin API for fulfillers (docs/fulfilment.md): `PUT /v1/admin/fulfillers/{id}` configures the
 * WMS or 3PL that picks and ships for some locations. A location has at most one fulfiller (409
 * names the one holding it); the URL is checked against the outbound policy on save and again
 * before each call; the secret is sealed and never read back.
 */
import { Hono } from "hono";
import { z } from "zod";
import { encryptSecret } from "../../../core/crypto";
import { fulfillerBodySchema } from "../../../core/fulfilment/fulfiller";
import { claimedElsewhere, deleteFulfiller, getFulfiller, listFulfillers, upsertFulfiller, type FulfillerRow } from "../../../db/fulfillers";
import { createRoute, json, problems, route } from "../../../lib/api";
import { audit } from "../../../lib/audit";
import { forgetFulfillers } from "../../../lib/fulfilment";
import { param, parseJsonBody, ProblemError, requireAdmin, validate, type AppEnv } from "../../../lib/http";
import { outboundUrl } from "../../../lib/outbound";
import { idParam } from "./admin";

export const fulfillerRoutes = new Hono<AppEnv>();
fulfillerRoutes.use("/v1/admin/fulfillers/*", requireAdmin);
fulfillerRoutes.use("/v1/admin/fulfillers", requireAdmin);

const view = (r: FulfillerRow) => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  locations: r.locations,
  url: r.url,
  ackDeadlineSeconds: r.ackDeadlineSeconds,
  settings: r.settings,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});
const fulfillerView = z.object({
  id: z.string(),
  kind: z.enum(["standard", "x12"]),
  name: z.string().nullable(),
  locations: z.array(z.string()),
  url: z.string(),
  ackDeadlineSeconds: z.number().int().nullable(),
  settings: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  updatedAt: z.string(),
});
const admin = { security: [{ bearer: [] }], tags: ["admin"] };
const idOnly = { params: z.object({ id: idParam }) };

route(
  fulfillerRoutes,
  createRoute({
    method: "put",
    path: "/v1/admin/fulfillers/{id}",
    summary: "Create or replace a fulfiller: the WMS (standard: signed release events) or 3PL (x12: 940s) of some locations",
    ...admin,
    request: { ...idOnly, body: { content: { "application/json": { schema: fulfillerBodySchema } }, required: true } },
    responses: {
      201: json(fulfillerView, "Created"),
      200: json(fulfillerView, "Replaced"),
      ...problems("validation-failed", "unauthorized", "conflict", "payload-too-large", "unsupported-media-type"),
    },
  }),
  async (c) => {
    const id = validate(idParam, param(c, "id"));
    const { data } = await parseJsonBody(c, fulfillerBodySchema);
    const url = outboundUrl(c.env, data.url, "url");
    const taken = await claimedElsewhere(c.env.DB, id, data.locations);
    const conflict = () =>
      new ProblemError(409, "Conflict", `Each location has one fulfiller: ${taken.map((t) => `${t.location} is ${t.fulfillerId}'s`).join(", ") || "a location was just taken"}.`, taken.map((t) => ({ path: "locations", message: `${t.location} belongs to fulfiller ${t.fulfillerId}` })));
    if (taken.length) throw conflict();
    const now = new Date().toISOString();
    const saved = await upsertFulfiller(c.env.DB, {
      id,
      kind: data.kind,
      name: data.name ?? null,
      locations: data.locations,
      url,
      secretEnc: await encryptSecret(c.env.SECRETS_KEY, data.secret),
      ackDeadlineSeconds: data.ackDeadlineSeconds ?? null,
      settings: data.settings ?? {},
      updatedAt: now,
    }).catch((e: unknown) => {
      // Another fulfiller took one of the locations between the check and the write.
      if (String(e).includes("UNIQUE")) throw conflict();
      throw e;
    });
    forgetFulfillers();
    await audit(c, { action: "fulfiller.put", resource: "fulfiller", id, after: view(saved.row) });
    return c.json(view(saved.row), saved.existed ? 200 : 201);
  },
);

route(
  fulfillerRoutes,
  createRoute({ method: "get", path: "/v1/admin/fulfillers", summary: "List fulfillers (never their secrets)", ...admin, responses: { 200: json(z.object({ items: z.array(fulfillerView) }), "Fulfillers"), ...problems("unauthorized") } }),
  async (c) => c.json({ items: (await listFulfillers(c.env.DB)).map(view) }),
);

route(
  fulfillerRoutes,
  createRoute({ method: "get", path: "/v1/admin/fulfillers/{id}", summary: "One fulfiller", ...admin, request: idOnly, responses: { 200: json(fulfillerView, "The fulfiller"), ...problems("unauthorized", "not-found") } }),
  async (c) => {
    const row = await getFulfiller(c.env.DB, param(c, "id"));
    if (!row) throw new ProblemError(404, "Not found", `No fulfiller ${param(c, "id")}.`);
    return c.json(view(row));
  },
);

route(
  fulfillerRoutes,
  createRoute({
    method: "delete",
    path: "/v1/admin/fulfillers/{id}",
    summary: "Delete a fulfiller: its locations are no longer released to anyone (open releases keep their state)",
    ...admin,
    request: idOnly,
    responses: { 200: json(z.object({ id: z.string(), deleted: z.literal(true) }), "Deleted"), ...problems("unauthorized", "not-found") },
  }),
  async (c) => {
    if (!(await deleteFulfiller(c.env.DB, param(c, "id")))) throw new ProblemError(404, "Not found", `No fulfiller ${param(c, "id")}.`);
    forgetFulfillers();
    await audit(c, { action: "fulfiller.delete", resource: "fulfiller", id: param(c, "id") });
    return c.json({ id: param(c, "id"), deleted: true as const });
  },
);
