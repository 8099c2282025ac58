/**
 * Reaching an order's object. By business identity (channel, externalId) for inbound events, or
 * by order id: the id is `ord_` + the object's own id (core/keys.ts), so every route that names an
 * order finds its object directly, without a D1 row that may not be written yet.
 *
 * @example const stub = orderStubById(env, "ord_3f…"); if (!stub) throw notFound;
 */
import { ORDER_ID, orderObjectName } from "../core/keys";
import type { Env } from "./env";

export function orderStub(env: Env, channel: string, externalId: string) {
  return env.TRANSACTIONS.getByName(orderObjectName(channel, externalId));
}

/** The order's object, or null when the id cannot be one of ours. */
export function orderStubById(env: Env, orderId: string) {
  const m = ORDER_ID.exec(orderId);
  if (!m) return null;
  try {
    return env.TRANSACTIONS.get(env.TRANSACTIONS.idFromString(m[1]!));
  } catch {
    // Not an id of this namespace.
    return null;
  }
}
