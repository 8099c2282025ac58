/**
 * `POST /v1/edi/{connectionId}`: an X12 transmission in, its acknowledgments out. A transmission
 * may carry several interchanges (legal X12): each is processed on its own, and a repeated
 * interchange control number from the same sender is a duplicate of that interchange (its first
 * 997 is returned again and nothing is applied twice). A malformed interchange gets a rejecting
 * 997 or TA1, never a 5xx.
 */
import { Hono } from "hono";
import { z } from "zod";
import { sha256Hex, timingSafeEqualString } from "../../../core/crypto";
import { processTransmission, type InterchangeResult } from "../../../core/x12";
import { createRoute, problems, route } from "../../../lib/api";
import { applyChannelEvents } from "../../../lib/channel-events";
import { factScope, loadConnection, type Connection } from "../../../lib/connections";
import { inboundMetrics, noteConnection } from "../../../lib/inbound-metrics";
import type { Env } from "../../../lib/env";
import { param, ProblemError, readRequestBody, type AppEnv } from "../../../lib/http";
import { deliveryGuard, guarded } from "../../../lib/idempotency";
import { enforceRate } from "../../../lib/rate-limits";

export const ediRoutes = new Hono<AppEnv>();
ediRoutes.use("/v1/edi/:connectionId", inboundMetrics("edi"));

type Outcome = "accepted" | "duplicate" | "rejected";

/** One interchange: applied once per (sender, control number), its 997 kept for repeats. */
async function handleInterchange(env: Env, conn: Connection, ic: InterchangeResult, text: string): Promise<{ ack: string; outcome: Outcome }> {
  if (!ic.ok) return { ack: ic.ack997, outcome: "rejected" };
  // Bare GS/ST streams without an ISA have no control number: their content is the identity.
  const contentHash = await sha256Hex(text);
  const identity = ic.controlNumber ? `${ic.sender.qualifier}:${ic.sender.id}:${ic.controlNumber}` : `body:${contentHash}`;
  const ledger = deliveryGuard(env, conn.id, `edi:${identity}`);
  const eventId = `edi_${(await sha256Hex(`${conn.id}\n${identity}`)).slice(0, 26)}`;
  const r = await guarded(ledger.stub, ledger.key, identity, { wait: true }, async () => {
    for (const set of ic.transactions) {
      if (!set.accepted) continue;
      const deliveryId = `${ic.controlNumber || identity}:${set.control}`;
      await applyChannelEvents(env, set.events, {
        kind: "edi",
        connectionId: conn.id,
        deliveryId,
        topic: set.set,
        scope: factScope(conn),
        eventId: `${eventId}:${set.control}`,
      });
    }
    return { status: 200, body: ic.ack997 };
  });
  if (r.kind === "done") return { ack: r.body, outcome: r.replayed ? "duplicate" : "accepted" };
  throw new ProblemError(503, "Unavailable", "An interchange of this transmission is still being processed; retry.", undefined, { "retry-after": "5" });
}

route(
  ediRoutes,
  createRoute({
    method: "post",
    path: "/v1/edi/{connectionId}",
    summary: "An X12 transmission (850, 945, 944, 947, 846) from an EDI partner; answered with its 997s",
    description:
      "Authorization: Bearer <the connection's secret>. X-Switchyard-Status: accepted | duplicate | rejected | partial (some interchanges of several).",
    security: [{ bearer: [] }],
    request: { params: z.object({ connectionId: z.string() }), body: { content: { "application/edi-x12": { schema: z.string() } }, required: true } },
    responses: {
      200: {
        description: "The functional acknowledgments (997, or TA1 for an interchange that could not be read), one per interchange",
        content: { "application/edi-x12": { schema: z.string() } },
      },
      ...problems("unauthorized", "not-found", "payload-too-large", "unavailable"),
    },
  }),
  async (c) => {
    const conn = await loadConnection(c.env, param(c, "connectionId"));
    if (!conn || conn.kind !== "x12") throw new ProblemError(404, "Unknown connection", "No EDI connection with this id.");
    noteConnection(c, conn);
    const token = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1]?.trim() ?? "";
    if (!token || !timingSafeEqualString(token, conn.secret)) throw new ProblemError(401, "Unauthorized", "Send the connection secret as a Bearer token.");
    await enforceRate(c.env, `connection:${conn.id}`, Number(conn.settings.ratePerMinute) || null);
    const text = new TextDecoder().decode(await readRequestBody(c));
    const location = typeof conn.settings.defaultLocation === "string" ? conn.settings.defaultLocation : undefined;
    const transmission = processTransmission(text, { channel: conn.channel, now: new Date(), ...(location ? { defaultLocation: location } : {}) });
    const results: { ack: string; outcome: Outcome }[] = [];
    // One at a time, in order: an interchange's orders may be revised by the next one.
    for (const ic of transmission.interchanges) results.push(await handleInterchange(c.env, conn, ic, text));
    const kinds = new Set(results.map((r) => r.outcome));
    const status = kinds.size === 1 ? [...kinds][0]! : "partial";
    return new Response(results.map((r) => r.ack).join(""), { status: 200, headers: { "content-type": "application/edi-x12", "x-switchyard-status": status } });
  },
);
