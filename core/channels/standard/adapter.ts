/**
 * Standard Webhooks senders (B2B portals, Svix-powered platforms) posting Switchyard-shaped
 * data: `{ type, timestamp, data }` where data is our own order, inventory or shipment body.
 */
import { z } from "zod";
import {
  canonicalOrderSchema,
  err,
  inventoryEventSchema,
  ok,
  shipmentEventSchema,
  type ChannelEvent,
  type Result,
} from "../../canonical";
import { compact, invalidPayload, parseJsonBody, timeVersion } from "../payload";
import type { ChannelAdapter, ConnectionInfo, ParseFailure } from "../types";
import { verifyStandardSignature } from "./signature";

const envelopeSchema = z.looseObject({ type: z.string().min(1), timestamp: z.string().nullish(), data: z.unknown() });

const channelField = canonicalOrderSchema.shape.channel.optional();
/** Our order body; `channel` defaults to the connection's, `version` to the event's timestamp. */
const orderDataSchema = canonicalOrderSchema.extend({ channel: channelField, version: canonicalOrderSchema.shape.version.optional() });
const cancelDataSchema = z.strictObject({
  channel: channelField,
  externalId: canonicalOrderSchema.shape.externalId,
  version: z.number().int().nonnegative().optional(),
  reason: z.string().max(500).optional(),
});
const shipmentDataSchema = shipmentEventSchema
  .omit({ orderId: true })
  .extend({ orderId: z.string().min(1).optional(), externalId: z.string().min(1).optional(), channel: channelField })
  .refine((s) => s.orderId || s.externalId, { message: "orderId or externalId is required", path: ["orderId"] });

const SHIPMENT_TYPES = new Set(shipmentEventSchema.shape.type.options as readonly string[]);

export const standardAdapter: ChannelAdapter = {
  async verify(req, conn) {
    const checked = await verifyStandardSignature(req.headers, req.body, conn.secret, req.now);
    if (!checked.ok) return checked;
    // The event type lives in the (now authenticated) body.
    const json = parseJsonBody(req.body);
    const type = json.ok ? (json.value as { type?: unknown } | null)?.type : undefined;
    return ok({ deliveryId: checked.value.id, topic: typeof type === "string" ? type : "" });
  },

  parse(req, conn): Result<ChannelEvent[], ParseFailure> {
    const json = parseJsonBody(req.body);
    if (!json.ok) return json;
    const env = envelopeSchema.safeParse(json.value);
    if (!env.success) return invalidPayload(env.error);
    const { type, data } = env.data;
    // The payload's own timestamp orders revisions; the signed header time is the fallback.
    const headerTs = Number(req.headers.get("webhook-timestamp") ?? req.headers.get("svix-timestamp"));
    const eventVersion = timeVersion(env.data.timestamp) ?? (Number.isFinite(headerTs) ? headerTs * 1000 : req.now);

    if (type === "order.created" || type === "order.updated") {
      const d = orderDataSchema.safeParse(data);
      if (!d.success) return invalidPayload(d.error, "data");
      const wrong = foreignChannel(d.data.channel, conn);
      if (wrong) return wrong;
      return ok([{ kind: "order", order: { ...d.data, channel: conn.channel, version: d.data.version ?? eventVersion } }]);
    }
    if (type === "order.cancelled") {
      const d = cancelDataSchema.safeParse(data);
      if (!d.success) return invalidPayload(d.error, "data");
      const wrong = foreignChannel(d.data.channel, conn);
      if (wrong) return wrong;
      const { externalId, reason } = d.data;
      return ok([compact({ kind: "cancellation" as const, channel: conn.channel, externalId, version: d.data.version ?? eventVersion, reason })]);
    }
    if (type.startsWith("inventory.")) {
      const d = inventoryEventSchema.safeParse(data);
      return d.success ? ok([{ kind: "inventory", event: d.data }]) : invalidPayload(d.error, "data");
    }
    if (type.startsWith("shipment.")) {
      // `shipment.shipped` may leave data.type out: the event type names it.
      const suffix = type.slice("shipment.".length);
      const withType = isObject(data) && data.type === undefined && SHIPMENT_TYPES.has(suffix) ? { ...data, type: suffix } : data;
      const d = shipmentDataSchema.safeParse(withType);
      if (!d.success) return invalidPayload(d.error, "data");
      const wrong = foreignChannel(d.data.channel, conn);
      if (wrong) return wrong;
      const { orderId, externalId, channel: _c, ...event } = d.data;
      const orderRef = orderId ? { orderId } : { channel: conn.channel, externalId };
      return ok([{ kind: "shipment", event: { ...event, orderRef } }]);
    }
    return ok([{ kind: "ignored", reason: `standard webhook type ${type} is not mapped` }]);
  },
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A connection belongs to one channel: a sender naming another is refused, not re-routed. */
function foreignChannel(channel: string | undefined, conn: ConnectionInfo): Result<never, ParseFailure> | null {
  if (channel === undefined || channel === conn.channel) return null;
  return err({ reason: "invalid_payload", issues: [{ path: "data.channel", message: `must be this connection's channel "${conn.channel}"` }] });
}
