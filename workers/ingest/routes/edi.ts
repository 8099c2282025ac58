/**
 * `POST /v1/edi/{connectionId}`: an X12 interchange in, its 997 out. A repeated interchange
 * control number from the same sender is a duplicate (the first 997 is returned again and
 * nothing is applied twice); a malformed interchange gets a rejecting 997, never a 5xx.
 */
import { Hono } from "hono";
import { sha256Hex, timingSafeEqualString } from "../../../core/crypto";
import { processInterchange } from "../../../core/x12";
import { applyChannelEvents } from "../../../lib/channel-events";
import { factScope, loadConnection } from "../../../lib/connections";
import { ProblemError, readBody, type AppEnv } from "../../../lib/http";
import { deliveryGuard, guarded } from "../../../lib/idempotency";

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
  const contentHash = await sha256Hex(text);
  const identity = result.controlNumber ? `${result.sender.qualifier}:${result.sender.id}:${result.controlNumber}` : `body:${contentHash}`;
  const ledger = deliveryGuard(c.env, conn.id, `edi:${identity}`);
  const eventId = `edi_${(await sha256Hex(`${conn.id}\n${identity}`)).slice(0, 26)}`;
  const r = await guarded(ledger.stub, ledger.key, contentHash, { wait: true }, async () => {
    for (const set of result.transactions) {
      if (!set.accepted) continue;
      await applyChannelEvents(c.env, set.events, { kind: "edi", connectionId: conn.id, deliveryId: `${result.controlNumber || identity}:${set.control}`, topic: set.set, scope: factScope(conn), eventId: `${eventId}:${set.control}` });
    }
    return { status: 200, body: result.ack997 };
  });
  // A control number reused for another interchange is still a duplicate of the first: nothing is applied.
  if (r.kind === "done") return x12(r.body, r.replayed ? "duplicate" : "accepted");
  if (r.kind === "mismatch") return x12(result.ack997, "duplicate");
  throw new ProblemError(503, "Interchange in progress", "This interchange is still being processed; retry.", undefined, { "retry-after": "5" });
});
