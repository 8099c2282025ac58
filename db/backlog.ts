/**
 * The backlog per channel, from the orders projection: how many orders each channel has in each
 * status, and how many still wait for the ERP (hand-off pending or enqueued) with the oldest of
 * them. An ops view only: it trails the orders' own objects by the projection's delay.
 *
 * @example const channels = await backlogByChannel(env.DB); // [{ channel: "web", total: 3, byStatus: { erp_accepted: 3 }, ... }]
 */
import { and, count, inArray, min, ne } from "drizzle-orm";
import { database } from "./client";
import { orders } from "./schema";

export interface ChannelBacklog {
  channel: string;
  total: number;
  byStatus: Record<string, number>;
  /** Orders whose ERP hand-off has not been answered yet (pending or enqueued), cancelled ones aside. */
  awaitingErp: number;
  /** When the oldest of those was created (ISO), or null when none waits. */
  oldestAwaitingErpAt: string | null;
}

/** Orders per channel and status, and what waits for the ERP per channel, channels by name. */
export async function backlogByChannel(d1: D1Database): Promise<ChannelBacklog[]> {
  const db = database(d1);
  const [byStatus, waiting] = await Promise.all([
    db.select({ channel: orders.channel, status: orders.status, n: count() }).from(orders).groupBy(orders.channel, orders.status).all(),
    db
      .select({ channel: orders.channel, n: count(), oldest: min(orders.createdAt) })
      .from(orders)
      .where(and(inArray(orders.dispatchState, ["pending", "enqueued"]), ne(orders.status, "cancelled")))
      .groupBy(orders.channel)
      .all(),
  ]);
  const out = new Map<string, ChannelBacklog>();
  const entry = (channel: string) => {
    let e = out.get(channel);
    if (!e) out.set(channel, (e = { channel, total: 0, byStatus: {}, awaitingErp: 0, oldestAwaitingErpAt: null }));
    return e;
  };
  for (const r of byStatus) {
    const e = entry(r.channel);
    e.byStatus[r.status] = r.n;
    e.total += r.n;
  }
  for (const r of waiting) {
    const e = entry(r.channel);
    e.awaitingErp = r.n;
    e.oldestAwaitingErpAt = r.oldest ?? null;
  }
  return [...out.values()].sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0));
}
