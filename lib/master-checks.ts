/**
 * The order path's master-data checks (core/master/check.ts), with their one read: a single KV
 * bulk get of the order's keys (each line's product and this channel's alias of it, the customer
 * and its channel account, the channel's masterData policy, the "any master data" flag), written
 * by lib/master.ts after each D1 commit. Nothing is read while this isolate knows that no master
 * data exists (rechecked every 10 s) or that the channel turned the checks off: then the order
 * is exactly what it was before master data. Orders of more than 48 lines need one bulk get per
 * 100 keys, run in parallel.
 */
import type { CanonicalOrder, OrderSource } from "../core/canonical";
import { masterDataPolicySchema, type MasterDataPolicy } from "../core/inventory/policy";
import { masterKeys } from "../core/keys";
import { checkOrder, type CheckResult, type MasterVerdict } from "../core/master/check";
import type { Customer, SkuEntry } from "../core/master/model";
import type { Env } from "./env";
import { orderStub } from "./orders";

const RECHECK_MS = 10_000;
let present: { value: boolean; until: number } | null = null;
const channelOff = new Map<string, number>();

/** Called by every master-data write: orders in this isolate are checked from now on. */
export async function markMasterPresent(env: Env): Promise<void> {
  if (present?.value) return;
  await env.AVAILABILITY_KV.put(masterKeys.present, "1");
  present = { value: true, until: Infinity };
}

/** A channel policy changed in this isolate: forget whether its checks were off. */
export function forgetMasterPolicy(channel: string): void {
  channelOff.delete(channel);
}

/** The channel's masterData policy as the order path reads it (KV), written with the channel policy. */
export async function writeMasterPolicy(env: Env, channel: string, policy: MasterDataPolicy | undefined): Promise<void> {
  forgetMasterPolicy(channel);
  if (policy) await env.AVAILABILITY_KV.put(masterKeys.policy(channel), JSON.stringify(policy));
  else await env.AVAILABILITY_KV.delete(masterKeys.policy(channel));
}

/** The order checked against master data, or null when there is nothing to check it against. */
export async function checkAgainstMaster(env: Env, order: CanonicalOrder, now = Date.now()): Promise<CheckResult | null> {
  if (present && !present.value && now < present.until) return null;
  const off = channelOff.get(order.channel);
  if (off !== undefined && now < off) return null;
  const skus = [...new Set(order.lines.map((l) => l.sku))];
  const keys = [
    masterKeys.present,
    masterKeys.policy(order.channel),
    masterKeys.customer(order.customer.id),
    masterKeys.account(order.channel, order.customer.id),
    ...skus.flatMap((s) => [masterKeys.product(s), masterKeys.alias(order.channel, s)]),
  ];
  const chunks: string[][] = [];
  for (let i = 0; i < keys.length; i += 100) chunks.push(keys.slice(i, i + 100));
  const got = new Map<string, unknown>();
  for (const m of await Promise.all(chunks.map((c) => env.AVAILABILITY_KV.get<unknown>(c, "json")))) for (const [k, v] of m) got.set(k, v);
  const on = got.get(masterKeys.present) != null;
  present = { value: on, until: on ? Infinity : now + RECHECK_MS };
  if (!on) return null;
  const parsed = masterDataPolicySchema.safeParse(got.get(masterKeys.policy(order.channel)) ?? {});
  const policy = parsed.success ? parsed.data : {};
  if (policy.enabled === false) {
    channelOff.set(order.channel, now + RECHECK_MS);
    return null;
  }
  const entries = new Map<string, SkuEntry | null>();
  for (const s of skus) entries.set(s, (got.get(masterKeys.alias(order.channel, s)) ?? got.get(masterKeys.product(s)) ?? null) as SkuEntry | null);
  const own = got.get(masterKeys.customer(order.customer.id)) as Customer | null | undefined;
  const byAccount = got.get(masterKeys.account(order.channel, order.customer.id)) as Customer | null | undefined;
  return checkOrder(order, { policy, skus: entries, customer: own ?? byAccount ?? null, customerByAccount: !own && !!byAccount, now });
}

type SubmitResult = Awaited<ReturnType<ReturnType<typeof orderStub>["submitOrder"]>>;
export type Checked = { kind: "rejected"; check: CheckResult } | { kind: "submitted"; result: SubmitResult; check: CheckResult | null };

/**
 * Every inbound path's way into an order's object (API, webhooks, EDI, hydrated orders): checks
 * the order against master data, refuses it when the channel's policy says reject, and submits
 * the checked order (units in eaches, kits exploded) with the findings the object records.
 */
export async function submitChecked(env: Env, order: CanonicalOrder, source: OrderSource, sourceRef: Record<string, unknown>, opts: { answerAfter?: "all" | "reserve" | "stored" }): Promise<Checked> {
  const check = await checkAgainstMaster(env, order);
  if (check?.decision === "reject") return { kind: "rejected", check };
  const master = verdictOf(check);
  const result = await orderStub(env, order.channel, order.externalId).submitOrder(check?.order ?? order, source, sourceRef, { ...opts, ...(master ? { master } : {}) });
  return { kind: "submitted", result, check };
}

/** What the order's object records of a check (nothing when nothing was found). */
export function verdictOf(check: CheckResult | null): MasterVerdict | undefined {
  if (!check || check.decision === "reject") return undefined;
  // An order none of whose SKUs or customer has master data stays exactly what it was: nothing recorded.
  if (check.findings.every((f) => f.action === "accept" && (f.type === "unknown_sku" || f.type === "unknown_customer"))) return undefined;
  return { decision: check.decision, ...(check.reason ? { reason: check.reason } : {}), findings: check.findings };
}

/** One line per refusing finding, for a quarantine record or a problem's detail. */
export function refusal(check: CheckResult): { path: string; message: string }[] {
  return check.findings.filter((f) => f.action === "reject").map((f) => ({ path: f.path, message: `${f.type}: ${f.message}` }));
}
