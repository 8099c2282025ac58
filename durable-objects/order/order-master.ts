/**
 * The order side of master data: what the checks found (lib/master-checks.ts) is kept on the
 * timeline, an `exception` finding stops the order before anything is reserved or sent, and a
 * customer's credit hold keeps the order (its stock held) away from the ERP until the hold lifts.
 * The hold registers with the customer's registry (durable-objects/master) as an owed effect, so
 * a crash cannot strand it; the registry answers "not held" when the hold lifted meanwhile, and
 * calls `release` on every registered order when it lifts later.
 */
import { holdsObjectName } from "../../core/keys";
import type { MasterVerdict } from "../../core/master/check";
import { statusFromLines } from "../../core/order-state";
import type { Env } from "../../lib/env";
import type { OrderStore } from "./order-store";
import type { OrderState } from "./order-types";

/** A new order's verdict, applied in the same write that creates it. */
export function applyVerdict(store: OrderStore, s: OrderState, v: MasterVerdict): void {
  store.append(s, "master_data", "switchyard", { decision: v.decision, ...(v.reason ? { reason: v.reason } : {}), findings: v.findings });
  if (v.decision === "exception") {
    const first = v.findings.find((f) => f.action === "exception");
    s.exceptionReason = v.reason ?? "validation";
    s.exceptionDetail = first?.message ?? "master data check";
    s.pending = [];
    s.dispatch.state = "skipped";
    store.transition(s, "exception", "master_data", { reason: s.exceptionReason, detail: s.exceptionDetail });
  } else if (v.decision === "hold") {
    s.creditHold = { customerId: s.order.customer.id, since: new Date().toISOString() };
    s.pending = s.pending.filter((e) => e !== "enqueue");
    s.pending.push("credit_hold");
  }
}

/** Owed effect: register with the customer's registry; held → `exception` (credit_hold), else on to the ERP. */
export async function registerCreditHold(env: Env, store: OrderStore, s: OrderState): Promise<(f: OrderState) => void> {
  if (!s.creditHold || s.status === "cancelled" || s.dispatch.state === "skipped") return () => {};
  const r = await env.MASTER.getByName(holdsObjectName(s.creditHold.customerId)).register(s.orderId);
  return (f) => {
    if (f.status === "cancelled" || f.dispatch.state === "skipped" || !f.creditHold || f.creditHold.releasedAt) return;
    if (!r.held) {
      release(store, f, "the customer is no longer on credit hold");
      return;
    }
    f.exceptionReason = "credit_hold";
    f.exceptionDetail = `customer ${f.creditHold.customerId} is on credit hold`;
    store.transition(f, "exception", "master_data", { reason: "credit_hold", detail: f.exceptionDetail });
  };
}

/** The hold lifted: back to the reservation's status and on to the ERP. False when there was nothing to release. */
export function release(store: OrderStore, s: OrderState, reason: string): boolean {
  if (!s.creditHold || s.creditHold.releasedAt || s.status === "cancelled" || s.dispatch.state === "skipped") return false;
  s.creditHold.releasedAt = new Date().toISOString();
  store.append(s, "credit_hold_released", "master_data", { reason });
  if (s.status === "exception" && s.exceptionReason === "credit_hold") {
    s.exceptionReason = undefined;
    s.exceptionDetail = undefined;
    const next = statusFromLines(s.lines);
    if (next !== "rejected") store.transition(s, next, "master_data");
  }
  if (!s.pending.includes("enqueue")) s.pending.push("enqueue");
  return true;
}
