/**
 * `POST /v1/webhooks/{connectionId}`: verify on the raw bytes → transport dedupe (a
 * TransactionDO per delivery id) → parse and normalise → business dedupe and record (the
 * order's TransactionDO) → answer. Nothing here waits for the ERP. A verified payload that
 * fails validation is quarantined with its body and cause and answered 200, so the provider
 * does not disable the hook; a failure of our own is a 5xx, so the provider retries.
 */
import { Hono } from "hono";
import { adapters } from "../../../core/channels";
import { sha256Hex } from "../../../core/crypto";
import { applyChannelEvents } from "../../../lib/channel-events";
import { loadConnection } from "../../../lib/connections";
import { ProblemError, readBody, type AppEnv } from "../../../lib/http";

export const webhookRoutes = new Hono<AppEnv>();

const verifyTitles: Record<string, string> = {
  missing_signature: "Missing signature",
  bad_signature: "Bad signature",
  malformed_signature: "Malformed signature",
  timestamp_out_of_window: "Timestamp outside the allowed window",
};

webhookRoutes.post("/:connectionId", async (c) => {
  const body = await readBody(c.req.raw);
  const conn = await loadConnection(c.env, c.req.param("connectionId"));
  if (!conn || conn.kind === "x12") throw new ProblemError(404, "Unknown connection", "No webhook connection with this id.");
  const adapter = adapters[conn.kind];
  const req = { headers: c.req.raw.headers, body, now: Date.now() };
  const info = { id: conn.id, channel: conn.channel, secret: conn.secret, settings: conn.settings };
  const verified = await adapter.verify(req, info);
  if (!verified.ok) throw new ProblemError(401, verifyTitles[verified.error.reason] ?? "Unauthorized", "The delivery could not be authenticated.");
  const delivery = verified.value;

  const fingerprint = await sha256Hex(`${conn.id}\n${delivery.deliveryId}`);
  // The same delivery always gets the same event id, whichever copy is answered.
  const eventId = `evt_${fingerprint.slice(0, 26)}`;
  const parsed = adapter.parse(req, info, delivery);

  // The common case, one order: its TransactionDO dedupes the delivery id and the version in one
  // call, so the hot path makes no separate trip to a delivery guard.
  const source = { kind: "webhook" as const, connectionId: conn.id, deliveryId: delivery.deliveryId, topic: delivery.topic };
  if (parsed.ok && parsed.value.length === 1 && parsed.value[0]!.kind === "order") {
    const applied = await applyChannelEvents(c.env, parsed.value, source);
    return c.json({ status: applied.status, eventId, ...(applied.orderId ? { orderId: applied.orderId } : {}) });
  }

  // Everything else: transport dedupe in a TransactionDO per delivery; copies of one delivery
  // wait for the first and get its answer.
  const guard = c.env.TRANSACTIONS.getByName(`delivery:${conn.id}:${delivery.deliveryId}`);
  const claim = await guard.begin(fingerprint, { wait: true });
  if (claim.state === "replay") return c.json({ ...(JSON.parse(claim.body) as object), status: "duplicate" });
  if (claim.state !== "new") throw new ProblemError(503, "Delivery in progress", "Another copy of this delivery is still being processed; retry.", undefined, { "retry-after": "5" });

  try {
    let answer: Record<string, unknown>;
    if (!parsed.ok) {
      const cause = parsed.error;
      await c.env.DB.prepare("INSERT INTO exceptions (id, kind, connection_id, reason, detail, body, created_at) VALUES (?, 'quarantine', ?, ?, ?, ?, ?)")
        .bind(
          eventId,
          conn.id,
          cause.reason === "invalid_payload" ? `invalid payload: ${cause.issues.map((i) => `${i.path} ${i.message}`).join("; ").slice(0, 500)}` : cause.reason,
          JSON.stringify({ ...cause, deliveryId: delivery.deliveryId, topic: delivery.topic, channel: conn.channel }),
          new TextDecoder().decode(body),
          new Date().toISOString(),
        )
        .run();
      answer = { status: "quarantined", eventId };
    } else {
      const applied = await applyChannelEvents(c.env, parsed.value, source);
      answer = { status: applied.status, eventId, ...(applied.orderId ? { orderId: applied.orderId } : {}) };
    }
    await guard.complete(fingerprint, 200, JSON.stringify(answer));
    return c.json(answer);
  } catch (e) {
    await guard.abort(fingerprint);
    throw e;
  }
});
