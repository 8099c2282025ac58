/**
 * Hydrates id-only channel notifications: fetch the order from the channel's API with the
 * connection's credentials (channel-apis.ts), then submit the canonical order. Safe to repeat:
 * the order's TransactionDO dedupes by (channel, externalId, version). An order that cannot be
 * fetched or mapped becomes a `hydration` exception in ops; an API outage is retried.
 */
import { nextDelaySeconds } from "../../core/retry";
import { recordException } from "../../db/exceptions";
import { loadConnection } from "../../lib/connections";
import type { Env } from "../../lib/env";
import { newId } from "../../lib/ids";
import type { DispatchMessage } from "../../lib/messages";
import { allowPrivate } from "../../lib/outbound";
import { refusal, submitChecked } from "../../lib/master-checks";
import { fetchAmazonOrder, fetchBigCommerceOrder, Transient, type Fetched } from "./channel-apis";

type HydrateMessage = Extract<DispatchMessage, { kind: "channel.hydrate" }>;

export async function handleHydrate(msg: Message<HydrateMessage>, env: Env): Promise<void> {
  const m = msg.body;
  const base = { baseSeconds: Number(env.RETRY_BASE_SECONDS ?? "2") };
  try {
    const conn = await loadConnection(env, m.connectionId);
    if (!conn) throw new Error(`connection ${m.connectionId} no longer exists`);
    let fetched: Fetched;
    if (conn.kind === "bigcommerce") fetched = await fetchBigCommerceOrder(conn, m.externalId, m.channel, allowPrivate(env));
    else if (conn.kind === "amazon") fetched = await fetchAmazonOrder(conn, m.externalId, m.channel, allowPrivate(env));
    else throw new Error(`fetching orders from ${conn.kind} is not supported`);
    if (!fetched.ok) {
      await recordHydrationFailure(env, m, fetched.reason, fetched.detail);
      return msg.ack();
    }
    const checked = await submitChecked(env, fetched.order, "webhook", { connectionId: m.connectionId, hydratedFrom: conn.kind }, { answerAfter: "reserve" });
    if (checked.kind === "rejected") await recordHydrationFailure(env, m, "refused by master data", { errors: refusal(checked.check) });
    msg.ack();
  } catch (e) {
    if (e instanceof Transient || !(e instanceof Error) || e.name === "TimeoutError" || e instanceof TypeError) {
      msg.retry({ delaySeconds: nextDelaySeconds(msg.attempts, null, base) });
      return;
    }
    await recordHydrationFailure(env, m, e.message, {}).catch(() => undefined);
    msg.ack();
  }
}

function recordHydrationFailure(env: Env, m: HydrateMessage, reason: string, detail: Record<string, unknown>) {
  return recordException(env.DB, { id: newId("exc"), kind: "hydration", orderId: null, connectionId: m.connectionId, reason: reason.slice(0, 500), detail: { externalId: m.externalId, ...detail }, body: null, createdAt: new Date().toISOString() });
}
