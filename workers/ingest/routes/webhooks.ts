/**
 * `POST /v1/webhooks/{connectionId}`: verify on the raw bytes → transport dedupe in the
 * connection's delivery ledger (a delivery id seen with other content is a duplicate, never
 * applied) → parse and normalise → business dedupe and record (the order's object) → answer.
 * Nothing here waits for the ERP. A verified payload that fails validation is quarantined with
 * its body and cause and answered 200, so the provider does not disable the hook; a failure of
 * our own is a 5xx, so the provider retries.
 */
import { Hono } from "hono";
import { z } from "zod";
import { adapters } from "../../../core/channels";
import { sha256Hex } from "../../../core/crypto";
import { recordException } from "../../../db/exceptions";
import { applyChannelEvents, type Applied } from "../../../lib/channel-events";
import { factScope, loadConnection } from "../../../lib/connections";
import { createRoute, json, problems, route } from "../../../lib/api";
import { param, ProblemError, readRequestBody, type AppEnv } from "../../../lib/http";
import { deliveryGuard, guarded } from "../../../lib/idempotency";
import { inboundMetrics, noteConnection, noteOutcome } from "../../../lib/inbound-metrics";
import { enforceRate } from "../../../lib/rate-limits";

export const webhookRoutes = new Hono<AppEnv>();
// Counted per channel and connection once answered; nothing on the answer's path waits for it.
webhookRoutes.use("/v1/webhooks/:connectionId", inboundMetrics("webhook"));

const verifyTitles: Record<string, string> = {
  missing_signature: "Missing signature",
  bad_signature: "Bad signature",
  malformed_signature: "Malformed signature",
  timestamp_out_of_window: "Timestamp outside the allowed window",
};

const deliveryAnswer = z.object({
  status: z.enum(["accepted", "duplicate", "stale", "quarantined"]),
  eventId: z.string().describe("The same for every copy of one delivery"),
  orderId: z.string().optional(),
});

route(
  webhookRoutes,
  createRoute({
    method: "post",
    path: "/v1/webhooks/{connectionId}",
    summary: "A channel's webhook delivery, verified by the provider's own signature scheme",
    security: [],
    description:
      "Shopify X-Shopify-Hmac-Sha256; WooCommerce X-WC-Webhook-Signature; Amazon x-api-key; BigCommerce Authorization: Bearer; Standard Webhooks webhook-id / webhook-timestamp / webhook-signature. A 200 means the event is durable.",
    request: { params: z.object({ connectionId: z.string() }), body: { content: { "application/json": { schema: z.unknown() } }, required: true } },
    responses: {
      200: json(deliveryAnswer, "Verified and recorded (or quarantined: verified, but its payload failed validation)"),
      ...problems("unauthorized", "not-found", "payload-too-large", "request-timeout", "unavailable"),
    },
  }),
  async (c) => {
    const body = await readRequestBody(c);
    const conn = await loadConnection(c.env, param(c, "connectionId"));
    if (!conn || conn.kind === "x12") throw new ProblemError(404, "Unknown connection", "No webhook connection with this id.");
    noteConnection(c, conn);
    const reply = (a: { status: string } & Record<string, unknown>) => {
      noteOutcome(c, a.status);
      return c.json(a);
    };
    const adapter = adapters[conn.kind];
    const req = { headers: c.req.raw.headers, body, now: Date.now() };
    const info = { id: conn.id, channel: conn.channel, secret: conn.secret, settings: conn.settings };
    const verified = await adapter.verify(req, info);
    if (!verified.ok) throw new ProblemError(401, verifyTitles[verified.error.reason] ?? "Unauthorized", "The delivery could not be authenticated.");
    const delivery = verified.value;
  // Counted after verification: a flood of forged deliveries cannot spend a partner's allowance.
  await enforceRate(c.env, `connection:${conn.id}`, Number(conn.settings.ratePerMinute) || null);

    // The same delivery always gets the same event id, whichever copy is answered; the body's
    // digest is what the ledger compares, so a delivery id reused for other content is caught.
    const [idHash, bodyHash] = await Promise.all([sha256Hex(`${conn.id}\n${delivery.deliveryId}`), delivery.bodyDigest ?? sha256Hex(body)]);
    const eventId = `evt_${idHash.slice(0, 26)}`;
    const source = { kind: "webhook" as const, connectionId: conn.id, deliveryId: delivery.deliveryId, topic: delivery.topic, scope: factScope(conn), eventId };
    const answer = (a: Pick<Applied, "status" | "orderId">) => ({ status: a.status, eventId, ...(a.orderId ? { orderId: a.orderId } : {}) });
    const parsed = adapter.parse(req, info, delivery);
    const ledger = deliveryGuard(c.env, conn.id, delivery.deliveryId);

    // The common case, one order: the order's object dedupes the delivery and the version and
    // answers copies itself. The ledger only has to catch a delivery id reused for other content,
    // which a content-addressed id (the body's digest: Shopify) cannot be, so those skip it: one
    // Durable Object call per order.
    if (parsed.ok && parsed.value.length === 1 && parsed.value[0]!.kind === "order") {
      if (!delivery.bodyDigest && (await ledger.stub.remember(ledger.key, bodyHash)) === "conflict") return reply({ status: "duplicate", eventId });
      return reply(answer(await applyChannelEvents(c.env, parsed.value, source)));
    }

    // Everything else: claimed in the ledger; copies of one delivery wait for the first and get its answer.
    const r = await guarded(ledger.stub, ledger.key, bodyHash, { wait: true }, async () => {
      let a: Record<string, unknown>;
      if (!parsed.ok) {
        const cause = parsed.error;
        const text = new TextDecoder().decode(body);
        await recordException(c.env.DB, {
          id: eventId,
          kind: "quarantine",
          orderId: null,
          connectionId: conn.id,
          reason:
            cause.reason === "invalid_payload"
              ? `invalid payload: ${cause.issues
                  .map((i) => `${i.path} ${i.message}`)
                  .join("; ")
                  .slice(0, 500)}`
              : cause.reason,
          detail: { ...cause, deliveryId: delivery.deliveryId, topic: delivery.topic, channel: conn.channel },
          body: text.isWellFormed() ? text : text.toWellFormed(),
          createdAt: new Date().toISOString(),
        });
        a = { status: "quarantined", eventId };
      } else {
        a = answer(await applyChannelEvents(c.env, parsed.value, source));
      }
      return { status: 200, body: JSON.stringify(a) };
    });
    if (r.kind === "done") return reply(r.replayed ? { ...(JSON.parse(r.body) as { status: string }), status: "duplicate" } : (JSON.parse(r.body) as { status: string }));
    if (r.kind === "mismatch") return reply({ status: "duplicate", eventId });
    throw new ProblemError(503, "Unavailable", "Another copy of this delivery is still being processed; retry.", undefined, { "retry-after": "5" });
  },
);
