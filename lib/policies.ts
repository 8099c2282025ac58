/**
 * Channel policies, read through one per-isolate cache: every order and every low-stock
 * availability answer needs its channel's policy, and projections need all of them. A stored
 * policy that no longer validates is treated as absent (the default policy) and logged.
 * `null` is the default policy: every location the SKU has, no caps, no backorder.
 */
import { channelPolicySchema, type PolicyOrDefault } from "../core/inventory/policy";
import { getPolicyRow, listPolicyRows } from "../db/policies";
import type { Env } from "./env";
import { IsolateCache } from "./isolate-cache";
import { log } from "./log";

const TTL_MS = 5_000;
const one = new IsolateCache<PolicyOrDefault>(TTL_MS);
const all = new IsolateCache<Map<string, PolicyOrDefault>>(TTL_MS, 1);

function parse(channel: string, policy: unknown): PolicyOrDefault {
  const parsed = channelPolicySchema.safeParse(policy);
  if (parsed.success) return parsed.data;
  log.error("invalid channel policy ignored", { channel });
  return null;
}

/** One channel's policy (others see a change within 5 s; this isolate at once after `forgetPolicy`). */
export function loadPolicy(env: Env, channel: string): Promise<PolicyOrDefault> {
  return one.get(channel, async () => {
    const row = await getPolicyRow(env.DB, channel);
    return row ? parse(channel, row.policy) : null;
  });
}

/** Every configured policy, by channel. */
export function loadPolicies(env: Env): Promise<Map<string, PolicyOrDefault>> {
  return all.get("*", async () => new Map((await listPolicyRows(env.DB)).map((r) => [r.channel, parse(r.channel, r.policy)])));
}

export function forgetPolicy(channel: string): void {
  one.delete(channel);
  all.clear();
}
