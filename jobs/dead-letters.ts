/**
 * Replaying dead letters: the order's ERP hand-off (through its own object, which re-sends it)
 * or the subscriber delivery is queued again. The order's object is reached from the order id
 * alone (core/keys.ts), never through a D1 row.
 */
import { getDeadLetter, markReplayed } from "../db/dead-letters";
import { setDeliveryState } from "../db/outbound-events";
import type { Env } from "../lib/env";
import type { DispatchMessage, EventMessage } from "../lib/messages";
import { orderStubById } from "../lib/orders";
import { publisherObjectName } from "../core/keys";

export async function replayDeadLetter(env: Env, id: string, opts: { dryRun?: boolean } = {}) {
  const row = await getDeadLetter(env.DB, id);
  if (!row) return null;
  if (opts.dryRun) return { id, kind: row.kind, orderId: row.orderId, replayed: false, dryRun: true };
  if (row.kind === "channel.publish") {
    // The connection's publisher sends the item's newest figure again (not necessarily this one: a newer one wins).
    const b = row.body as { connectionId: string; sku: string; channelLocation?: string; seq: number };
    await env.PUBLISHERS.getByName(publisherObjectName(b.connectionId)).replay({ sku: b.sku, channelLocation: b.channelLocation ?? "", seq: b.seq });
  } else if (row.kind === "publish.figures") {
    // A projection run's figures that never reached the publishers: hand them over again (older figures are dropped there).
    await env.DISPATCH_QUEUE.send(row.body as unknown as DispatchMessage);
  } else if (row.kind === "event.deliver") {
    const m = row.body as unknown as EventMessage;
    await setDeliveryState(env.DB, m.eventId, m.subscriptionId, "queued");
    await env.EVENTS_QUEUE.send(m);
  } else if (row.orderId) {
    const stub = orderStubById(env, row.orderId);
    if (stub) {
      if (row.kind === "erp.cancel") await env.DISPATCH_QUEUE.send(row.body as unknown as DispatchMessage);
      else await stub.requeue(`dead letter ${id} replayed`);
    }
  }
  await markReplayed(env.DB, id, new Date().toISOString());
  return { id, kind: row.kind, orderId: row.orderId, replayed: true };
}
