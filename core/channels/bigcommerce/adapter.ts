/**
 * BigCommerce: callbacks are unsigned; the hook is created with a custom header
 * `Authorization: Bearer <secret>`, compared here in constant time. Payloads are thin (ids
 * only), so orders become `order_reference` events for a fetcher to hydrate with
 * bigcommerceOrderToCanonical.
 */
import { z } from "zod";
import { err, ok, type ChannelEvent, type Result } from "../../canonical";
import { externalIdSchema, invalidPayload, parseJsonBody } from "../payload";
import { bodyDigestId, header, verifySharedSecret } from "../signature";
import type { ChannelAdapter, ParseFailure } from "../types";
import { BIGCOMMERCE_STATUSES } from "./order";

const callbackSchema = z.looseObject({
  scope: z.string().min(1),
  created_at: z.number().int().nonnegative(),
  hash: z.string().nullish(),
  data: z.looseObject({
    id: externalIdSchema,
    status: z.looseObject({ previous_status_id: z.number().int().nullish(), new_status_id: z.number().int() }).nullish(),
  }),
});

/** Order scopes that change nothing we book. */
const IGNORED_ORDER_SCOPES = new Set(["store/order/archived", "store/order/message/created"]);
const CANCELLED = 5;

export const bigcommerceAdapter: ChannelAdapter = {
  async verify(req, conn) {
    const auth = header(req.headers, "authorization");
    if (!auth) return err({ reason: "missing_signature" });
    const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
    if (!bearer) return err({ reason: "malformed_signature" });
    const checked = await verifySharedSecret(bearer[1]!, conn.secret);
    if (!checked.ok) return checked;
    const json = parseJsonBody(req.body);
    const body = json.ok && typeof json.value === "object" && json.value ? (json.value as Record<string, unknown>) : {};
    // `hash` is a SHA-1 of the callback's data, identical when BigCommerce re-sends one event over
    // its ~48 h of retries. Two different updates of one order carry the same data ({type, id}),
    // hence the same hash: created_at keeps them apart while retries still collide.
    const hash = typeof body.hash === "string" && body.hash ? body.hash : undefined;
    const createdAt = typeof body.created_at === "number" ? body.created_at : undefined;
    return ok({
      deliveryId: hash ? (createdAt !== undefined ? `${hash}.${createdAt}` : hash) : await bodyDigestId(req.body),
      topic: typeof body.scope === "string" ? body.scope : "",
    });
  },

  parse(req, conn): Result<ChannelEvent[], ParseFailure> {
    const json = parseJsonBody(req.body);
    if (!json.ok) return json;
    const scope = (json.value as { scope?: unknown } | null)?.scope;
    if (typeof scope === "string" && (!scope.startsWith("store/order/") || IGNORED_ORDER_SCOPES.has(scope))) {
      return ok([{ kind: "ignored", reason: `bigcommerce scope ${scope} is not mapped` }]);
    }
    const cb = callbackSchema.safeParse(json.value);
    if (!cb.success) return invalidPayload(cb.error);
    const { data } = cb.data;
    const base = { channel: conn.channel, externalId: data.id, version: cb.data.created_at * 1000 };

    if (cb.data.scope === "store/order/statusUpdated") {
      if (!data.status) return err({ reason: "invalid_payload", issues: [{ path: "data.status", message: "required for statusUpdated" }] });
      const id = data.status.new_status_id;
      const status = BIGCOMMERCE_STATUSES[id] ?? `status ${id}`;
      if (id === CANCELLED) return ok([{ kind: "cancellation", ...base, reason: status }]);
      return ok([{ kind: "order_reference", ...base, status }]);
    }
    // created, updated, refund/created, ...: fetch the order as it is now.
    return ok([{ kind: "order_reference", ...base }]);
  },
};
