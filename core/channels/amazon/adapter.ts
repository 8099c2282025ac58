/**
 * Amazon SP-API notifications through an EventBridge API destination. SP-API notifications are
 * not signed; the API destination's connection sends `x-api-key: <secret>`, compared here in
 * constant time. The body is the EventBridge envelope whose `detail` is the notification (a bare
 * notification, as an input transformer may send, is read too).
 */
import { err, ok, type ChannelEvent, type Result } from "../../canonical";
import { invalidPayload, parseJsonBody, timeVersion } from "../payload";
import { bodyDigestId, header, verifySharedSecret } from "../signature";
import type { ChannelAdapter, ParseFailure } from "../types";
import {
  fbaInventorySchema,
  mapFbaInventory,
  mapOrderChange,
  mapOrderStatusChange,
  notificationSchema,
  orderChangeSchema,
  orderStatusChangeSchema,
} from "./map";

type Json = Record<string, unknown>;
const MAPPED = new Set(["ORDER_CHANGE", "ORDER_STATUS_CHANGE", "FBA_INVENTORY_AVAILABILITY_CHANGES"]);
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

/** The notification and the path prefix its issues are reported under. */
function unwrapEnvelope(body: unknown): { notification: unknown; prefix: string; envelope?: Json } {
  if (isObject(body) && "detail" in body) return { notification: body.detail, prefix: "detail", envelope: body };
  return { notification: body, prefix: "" };
}

export const amazonAdapter: ChannelAdapter = {
  async verify(req, conn) {
    const checked = await verifySharedSecret(header(req.headers, "x-api-key"), conn.secret);
    if (!checked.ok) return checked;
    // Authenticated: reading the ids out of the body is now safe. An unreadable body still gets
    // a stable id so parse can report invalid_json against it.
    const json = parseJsonBody(req.body);
    const { notification, envelope } = unwrapEnvelope(json.ok ? json.value : null);
    const n = isObject(notification) ? notification : {};
    const meta = isObject(n.NotificationMetadata) ? n.NotificationMetadata : {};
    const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
    return ok({
      deliveryId: str(meta.NotificationId) ?? str(envelope?.id) ?? (await bodyDigestId(req.body)),
      topic: str(n.NotificationType) ?? "",
    });
  },

  parse(req, conn): Result<ChannelEvent[], ParseFailure> {
    const json = parseJsonBody(req.body);
    if (!json.ok) return json;
    const { notification, prefix, envelope } = unwrapEnvelope(json.value);
    const n = notificationSchema.safeParse(notification);
    if (!n.success) return invalidPayload(n.error, prefix);
    const { NotificationType: type, Payload: payload } = n.data;
    if (!MAPPED.has(type)) return ok([{ kind: "ignored", reason: `amazon notification ${type} is not mapped` }]);
    const at = (p: string) => (prefix ? `${prefix}.${p}` : p);
    const time = [n.data.EventTime, n.data.NotificationMetadata?.PublishTime, envelope?.time].find(
      (t): t is string => typeof t === "string" && timeVersion(t) !== null,
    );
    if (!time) return err({ reason: "invalid_payload", issues: [{ path: at("EventTime"), message: "no usable EventTime or PublishTime" }] });
    const version = timeVersion(time)!;

    switch (type) {
      case "ORDER_CHANGE": {
        const p = orderChangeSchema.safeParse(payload);
        return p.success ? ok(mapOrderChange(p.data, conn.channel, version)) : invalidPayload(p.error, at("Payload"));
      }
      case "ORDER_STATUS_CHANGE": {
        const p = orderStatusChangeSchema.safeParse(payload);
        return p.success ? ok(mapOrderStatusChange(p.data, conn.channel, version)) : invalidPayload(p.error, at("Payload"));
      }
      case "FBA_INVENTORY_AVAILABILITY_CHANGES": {
        const p = fbaInventorySchema.safeParse(payload);
        const observedAt = new Date(version).toISOString();
        return p.success ? ok(mapFbaInventory(p.data, conn.channel, observedAt)) : invalidPayload(p.error, at("Payload"));
      }
      default:
        return ok([{ kind: "ignored", reason: `amazon notification ${type} is not mapped` }]);
    }
  },
};
