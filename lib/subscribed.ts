/**
 * Which outbound event types anyone is subscribed to. Producers (the order's projection, the
 * SKU's availability projection) record an event in D1 only when some subscription's patterns
 * match it: an event nobody subscribed to was four to five rows written (the row and its
 * indexes), then marked dispatched, for nothing. Read once per isolate per 5 s like policies; the
 * subscription admin routes clear it in their isolate, so a new subscription sees the changes
 * projected after it is answered there, and elsewhere within 5 s.
 */
import { matches } from "../core/event-patterns";
import { listSubscriptions } from "../db/subscriptions";
import type { Env } from "./env";
import { IsolateCache } from "./isolate-cache";

export const SUBSCRIPTIONS_TTL_MS = 5_000;
const cache = new IsolateCache<string[][]>(SUBSCRIPTIONS_TTL_MS, 1);

/** A filter over event types: true when at least one subscription wants the type. */
export async function subscribedTypes(env: Env): Promise<(type: string) => boolean> {
  const all = await cache.get("*", async () => (await listSubscriptions(env.DB)).map((s) => s.events));
  if (!all.length) return () => false;
  return (type) => all.some((patterns) => matches(patterns, type));
}

export function forgetSubscriptions(): void {
  cache.clear();
}
