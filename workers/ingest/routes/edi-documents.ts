/**
 * `GET /v1/edi/{connectionId}/documents`: the outbox of an EDI partner — every 855 and 856
 * Switchyard wrote to it, with its control numbers and delivery state, oldest first from a
 * cursor. Authorised like the partner's own posts (Bearer <connection secret>), so a partner
 * that cannot take our POSTs can poll instead. (The 846 publisher keeps its own outbox.)
 */
import { Hono } from "hono";
import { z } from "zod";
import { timingSafeEqualString } from "../../../core/crypto";
import { createRoute, json, problems, route } from "../../../lib/api";
import { loadConnection } from "../../../lib/connections";
import { partnerStub } from "../../../lib/fulfilment";
import { publisherObjectName } from "../../../core/keys";
import { param, ProblemError, validate, type AppEnv } from "../../../lib/http";

export const ediDocumentRoutes = new Hono<AppEnv>();

const query = z.object({
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
  kind: z.enum(["846", "855", "856"]).optional().describe("846: the inventory advice this connection's publisher wrote (its own outbox)"),
});
const documentView = z.object({
  id: z.number().int().describe("The cursor: pass it as `after` for the next page"),
  kind: z.string(),
  orderId: z.string().nullable(),
  isa13: z.string(),
  gs06: z.string(),
  st02: z.string(),
  createdAt: z.string(),
  delivery: z.object({ state: z.string(), attempts: z.number().int(), lastStatus: z.number().int().nullable(), lastError: z.string().nullable(), deliveredAt: z.string().nullable() }),
  text: z.string().describe("The interchange, ISA to IEA"),
});

route(
  ediDocumentRoutes,
  createRoute({
    method: "get",
    path: "/v1/edi/{connectionId}/documents",
    summary: "The 855s and 856s sent to an EDI partner (its outbox), oldest first; `kind=846` lists the inventory advice its publisher wrote",
    security: [{ bearer: [] }],
    request: { params: z.object({ connectionId: z.string() }), query },
    responses: { 200: json(z.object({ items: z.array(documentView), next: z.number().int().nullable() }), "Documents"), ...problems("validation-failed", "unauthorized", "not-found") },
  }),
  async (c) => {
    const conn = await loadConnection(c.env, param(c, "connectionId"));
    if (!conn || conn.kind !== "x12") throw new ProblemError(404, "Unknown connection", "No EDI connection with this id.");
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1]?.trim() ?? "";
    if (!token || !timingSafeEqualString(token, conn.secret)) throw new ProblemError(401, "Unauthorized", "Send the connection secret as a Bearer token.");
    const q = validate(query, c.req.query());
    if (q.kind === "846") return c.json(await c.env.PUBLISHERS.getByName(publisherObjectName(conn.id)).outbox(q));
    return c.json(await partnerStub(c.env, "edi", conn.id).documents(q));
  },
);
