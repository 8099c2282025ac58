/**
 * Delivering a release's messages (the release, later perhaps its cancel) to its fulfiller: the
 * owed effect `dispatch_fulfilment`. Every message due is sent (lib/fulfilment.ts), then the
 * outcomes are applied to fresh state: delivered; retried with full-jitter backoff honouring
 * Retry-After (at least 1 s); refused — a release refused outright is a rejection; or given up
 * after RELEASE_MAX_ATTEMPTS, when the release's deadline reroutes it. A message withdrawn while
 * it was on its way but delivered anyway owes the fulfiller a cancel.
 */
import { nextDelaySeconds } from "../../core/retry";
import type { Env } from "../../lib/env";
import { loadFulfillers, sendReleaseMessage, type SendResult } from "../../lib/fulfilment";
import type { OrderStore } from "./order-store";
import type { OrderState } from "./order-types";

export type Apply = (fresh: OrderState) => void;

/** What the delivery needs of the release module: its timer and its failure path. */
export interface ReleaseHooks {
  arm(s: OrderState): void;
  fail(s: OrderState, r: NonNullable<OrderState["releases"]>[number], why: "timed_out" | "rejected", reason: string): void;
}

/** Owes an effect once (the drain runs it after the current one). */
export function owe(s: OrderState, e: "plan_release" | "dispatch_fulfilment" | "reroute"): void {
  if (!s.pending.includes(e)) s.pending.push(e);
}

/** Attempts at one release message before it is given up (the acknowledgement deadline then reroutes). */
export const RELEASE_MAX_ATTEMPTS = 8;

/**
 * Sends every message due and returns how to apply the outcomes to fresh state.
 * @example const apply = await deliverMessages(env, store, release, s); apply(store.load()!);
 */
export async function deliverMessages(env: Env, store: OrderStore, release: ReleaseHooks, s: OrderState): Promise<Apply> {
  const now = Date.now();
  const due = (s.releases ?? []).flatMap((r) => r.messages.filter((m) => m.state === "pending" && m.nextAt <= now).map((m) => ({ r, type: m.type })));
  if (!due.length) return (f) => release.arm(f);
  const fulfillers = await loadFulfillers(env);
  const o = { orderId: s.orderId, orchestrationId: s.orchestrationId, order: s.order };
  const results = await Promise.all(
    due.map(async ({ r, type }): Promise<SendResult> => {
      const ful = fulfillers.find((x) => x.id === r.fulfillerId);
      if (!ful) return { outcome: "refused", status: 0, reason: `fulfiller ${r.fulfillerId} is no longer configured` };
      return sendReleaseMessage(env, ful, o, r, type, r.state === "cancelled" ? "withdrawn by Switchyard" : undefined);
    }),
  );
  const base = { baseSeconds: Number(env.RETRY_BASE_SECONDS ?? "2") };
  return (f) => {
    due.forEach(({ r: sent, type }, i) => {
      const res = results[i]!;
      const r = f.releases?.find((x) => x.id === sent.id);
      const m = r?.messages.find((x) => x.type === type);
      if (!r || !m || (m.state !== "pending" && m.state !== "dropped")) return;
      const wasDropped = m.state === "dropped";
      m.attempts += 1;
      m.lastStatus = res.status;
      if (res.orderNumber) r.orderNumber = res.orderNumber;
      const detail = { releaseId: r.id, fulfillerId: r.fulfillerId, location: r.location, attempts: m.attempts, httpStatus: res.status || null, ...(res.orderNumber ? { orderNumber: res.orderNumber } : {}), ...(res.isa13 ? { isa13: res.isa13 } : {}) };
      const what = type === "release" ? "release" : "release_cancel";
      if (res.outcome === "delivered") {
        m.state = "delivered";
        m.deliveredAt = new Date().toISOString();
        store.append(f, `${what}_delivered`, "switchyard", detail);
        // Withdrawn while this was on its way: the fulfiller has it now, so it must hear the cancel.
        if (wasDropped && !r.messages.some((x) => x.type === "cancel")) r.messages.push({ type: "cancel", state: "pending", attempts: 0, nextAt: Date.now() });
        return;
      }
      m.lastError = res.reason;
      if (wasDropped) return;
      if (res.outcome === "refused" || m.attempts >= RELEASE_MAX_ATTEMPTS) {
        m.state = "failed";
        store.append(f, `${what}_${res.outcome === "refused" ? "refused" : "delivery_failed"}`, "switchyard", { ...detail, reason: res.reason });
        // A fulfiller that refuses the release outright has rejected it (an exhausted one is left to its deadline).
        if (type === "release" && res.outcome === "refused" && r.state === "open") release.fail(f, r, "rejected", `${r.fulfillerId} refused release ${r.id}: ${res.reason}`);
        return;
      }
      const delay = Math.max(1, nextDelaySeconds(m.attempts, res.outcome === "retry" ? res.retryAfter : null, base));
      m.nextAt = Date.now() + delay * 1000;
      store.append(f, `${what}_attempt`, "switchyard", { ...detail, error: res.reason, retryInSeconds: delay });
    });
    if (f.releases?.some((r) => r.messages.some((m) => m.state === "pending" && m.nextAt <= Date.now()))) owe(f, "dispatch_fulfilment");
    release.arm(f);
  };
}
