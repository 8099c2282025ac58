/**
 * `POST /v1/edi/{connectionId}`: an X12 interchange in, its 997 out. A repeated interchange
 * control number from the same sender is a duplicate (the first 997 is returned again and
 * nothing is applied twice); a malformed interchange gets a rejecting 997, never a 5xx.
 */
import { Hono } from "hono";
import { sha256Hex, timingSafeEqualString } from "../../../core/crypto";
import { processInterchange } from "../../../core/x12";
import { applyChannelEvents } from "../../../lib/channel-events";
import { loadConnection } from "../../../lib/connections";
import { ProblemError, readBody, type AppEnv } from "../../../lib/http";

export const ediRoutes = new Hono<AppEnv>();

const x12 = (body: string, status: string) =>
  new Response(body, { status: 200, headers: { "content-type": "application/edi-x12", "x-switchyard-status": status } });

ediRoutes.post("/:connectionId", async (c) => {
  const conn = await loadConnection(c.env, c.req.param("connectionId"));
  if (!conn || conn.kind !== "x12") throw new ProblemError(404, "Unknown connection", "No EDI connection with this id.");
  const token = /^Bearer\s+(.+)$/i.exec(c.req.header("authorization") ?? "")?.[1]?.trim() ?? "";
  if (!token || !timingSafeEqualString(token, conn.secret)) throw new ProblemError(401, "Unauthorized", "Send the connection secret as a Bearer token.");
  const text = new TextDecoder().decode(await readBody(c.req.raw));
  const location = typeof conn.settings.defaultLocation === "string" ? conn.settings.defaultLocation : undefined;
  const result = processInterchange(text, { channel: conn.channel, now: new Date(), ...(location ? { defaultLocation: location } : {}) });
  if (!result.ok) return x12(result.ack997, "rejected");

  // The interchange control number from one sender identifies a transmission; bare GS/ST
  // streams without an ISA have none, so their content is the identity instead.
  const identity = result.controlNumber ? `${result.sender.qualifier}:${result.sender.id}:${result.controlNumber}` : `body:${await sha256Hex(text)}`;
  const key = `edi:${conn.id}:${identity}`;
  const fingerprint = await sha256Hex(key);
  const guard = c.env.TRANSACTIONS.getByName(key);
  const claim = await guard.begin(fingerprint, { wait: true });
  if (claim.state === "replay") return x12(claim.body, "duplicate");
  if (claim.state !== "new") throw new ProblemError(503, "Interchange in progress", "This interchange is still being processed; retry.", undefined, { "retry-after": "5" });
  try {
    for (const set of result.transactions) {
      if (!set.accepted) continue;
      await applyChannelEvents(c.env, set.events, { kind: "edi", connectionId: conn.id, deliveryId: `${result.controlNumber || identity}:${set.control}`, topic: set.set });
    }
    await guard.complete(fingerprint, 200, result.ack997);
    return x12(result.ack997, "accepted");
  } catch (e) {
    await guard.abort(fingerprint);
    throw e;
  }
});
