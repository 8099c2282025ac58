/** Channel policies, stored as the JSON of `channelPolicySchema` (validated by the caller). */
import { asc, eq } from "drizzle-orm";
import { database } from "./client";
import { channelPolicies } from "./schema";

export type PolicyRow = typeof channelPolicies.$inferSelect;

export function getPolicyRow(d1: D1Database, channel: string): Promise<PolicyRow | undefined> {
  return database(d1).select().from(channelPolicies).where(eq(channelPolicies.channel, channel)).get();
}

export function listPolicyRows(d1: D1Database): Promise<PolicyRow[]> {
  return database(d1).select().from(channelPolicies).orderBy(asc(channelPolicies.channel)).all();
}

export async function upsertPolicy(d1: D1Database, channel: string, policy: Record<string, unknown>, at: string): Promise<PolicyRow | undefined> {
  const previous = await getPolicyRow(d1, channel);
  await database(d1)
    .insert(channelPolicies)
    .values({ channel, policy, updatedAt: at })
    .onConflictDoUpdate({ target: channelPolicies.channel, set: { policy, updatedAt: at } });
  return previous;
}
