/**
 * Releasing an order to the warehouses and 3PLs that ship it, and what follows: once the ERP
 * accepted, each location holding units of the order gets a release to its fulfiller (one per
 * location, numbered r1, r2, … per order); every release owes messages (the release, later
 * perhaps its cancel), delivered as owed effects with backoff; each release has its own
 * acknowledgement deadline, and one that passes — or a rejection — is rerouted or held per the
 * channel's `reroute` policy. Timers: `fulfil` is the earliest due message or deadline.
 *
 * Everything here runs inside the order's object: state changes are synchronous and committed
 * with their owed effects; the I/O (fulfiller calls, reroutes in the SKUs' objects) happens in
 * `run`, whose result is applied to fresh state (order-effects.ts).
 */
import type { ShipmentEvent } from "../../core/canonical";
import type { Release, Unreleased } from "../../core/fulfilment/types";
import { canTransition } from "../../core/order-state";
import type { Env } from "../../lib/env";
import { fulfillerAt, loadFulfillers } from "../../lib/fulfilment";
import { loadPolicy } from "../../lib/policies";
import { relocateLine } from "../../lib/reservations";
import type { Timers } from "../timers";
import { deliverMessages, owe, type Apply } from "./order-release-delivery";
import type { OrderStore } from "./order-store";
import type { OrderState } from "./order-types";

const LIVE = new Set<Release["state"]>(["open", "acknowledged", "timed_out"]);
const WAITING = new Set<Release["state"]>(["open", "timed_out", "rerouting"]);
const DONE_STATUSES = new Set(["cancelled", "shipped", "delivered", "closed", "returned"]);

export class OrderRelease {
  constructor(
    private readonly env: Env,
    private readonly store: OrderStore,
    private readonly timers: Timers,
    private readonly commit: (s: OrderState) => void,
  ) {}

  // --- hooks called by the order's other modules (synchronous, inside their write) -------------

  /** The ERP accepted: every held unit waits to be released. Facts that came first mean the warehouse has it already. */
  onErpAccepted(s: OrderState): void {
    if (s.releases !== undefined || s.status !== "erp_accepted") return;
    s.releases = [];
    s.unreleased = s.lines.flatMap((l) => (l.heldAt ?? []).map((a) => ({ lineNo: l.lineNo, sku: l.sku, location: a.location, quantity: a.quantity })));
    if (s.unreleased.length) owe(s, "plan_release");
  }

  /** Holds added or moved after acceptance (a fill, a short pick's re-allocation): release them too. */
  releaseMore(s: OrderState, units: Unreleased[]): void {
    if (s.releases === undefined || !units.length) return; // before acceptance, onErpAccepted releases them from heldAt
    s.unreleased = [...(s.unreleased ?? []), ...units.filter((u) => u.quantity > 0)];
    owe(s, "plan_release");
  }

  /** An acknowledgement: true when no release is still waiting for one (the order may move to acknowledged). */
  onAcknowledged(s: OrderState, ev: ShipmentEvent): boolean {
    if (!s.releases?.length) return true;
    const live = this.#at(s, ev.location);
    if (!live.length) {
      const late = [...s.releases].reverse().find((x) => x.location === ev.location);
      if (late) this.store.append(s, "late_acknowledgement", `${ev.source}:${ev.location}`, { releaseId: late.id, state: late.state, note: "the release was already withdrawn or rerouted" });
      return false;
    }
    // A fact names a location, not a release: it acknowledges every release standing there.
    for (const r of live) {
      if (r.state === "acknowledged") continue;
      r.state = "acknowledged";
      r.ackDueAt = null;
      this.store.append(s, "release_acknowledged", `${ev.source}:${ev.location}`, { releaseId: r.id, fulfillerId: r.fulfillerId, location: r.location });
    }
    this.arm(s);
    const all = !s.releases.some((x) => WAITING.has(x.state));
    if (!all && s.status === "exception" && s.exceptionReason === undefined && canTransition(s.status, "released")) this.store.transition(s, "released", "switchyard");
    return all;
  }

  /** A rejection by the fulfiller of a release: true when it was one of ours (then it is rerouted or held). */
  onRejected(s: OrderState, ev: ShipmentEvent): boolean {
    const live = this.#at(s, ev.location);
    for (const r of live) this.fail(s, r, "rejected", `${ev.source} at ${ev.location} rejected release ${r.id}`);
    return live.length > 0;
  }

  /** A shipment from a released location: that release is done (a shipment is an acknowledgement too). */
  onShipped(s: OrderState, ev: ShipmentEvent): void {
    const live = this.#at(s, ev.location);
    if (!live.length) {
      // A fulfiller that shipped after its release was withdrawn (a cancel does not stop a truck): flag it for a person.
      const gone = [...(s.releases ?? [])].reverse().find((x) => x.location === ev.location && x.state === "cancelled");
      if (gone) this.store.append(s, "shipped_after_withdrawal", `${ev.source}:${ev.location}`, { releaseId: gone.id, eventId: ev.eventId, lines: ev.lines });
      return;
    }
    for (const r of live) {
      r.state = "shipped";
      r.ackDueAt = null;
    }
    this.arm(s);
  }

  /**
   * A short pick at a released location: the fulfiller had the release (an acknowledgement), and
   * each short-picked line leaves it — the line's remaining units are re-allocated elsewhere as a
   * whole (lib/reservations.ts reallocateLine), so the fulfiller gives up that line. A release
   * with nothing left is closed without a cancel (the fulfiller said so itself).
   */
  onShortPick(s: OrderState, ev: ShipmentEvent): void {
    const short = new Set(ev.lines.filter((l) => l.quantity > 0).map((l) => l.sku));
    for (const r of this.#at(s, ev.location)) {
      r.ackDueAt = null;
      r.state = "acknowledged";
      r.lines = r.lines.filter((l) => !short.has(l.sku));
      if (r.lines.length) continue;
      r.state = "cancelled";
      this.store.append(s, "release_closed", `${ev.source}:${ev.location}`, { releaseId: r.id, location: r.location, reason: "every line in it was short-picked" });
    }
    this.arm(s);
  }

  /** The order was cancelled: every live release is withdrawn and its fulfiller told. */
  onCancelled(s: OrderState): void {
    s.unreleased = [];
    for (const r of s.releases ?? []) if (LIVE.has(r.state) || r.state === "rerouting") this.#withdraw(s, r, true, "the order was cancelled");
    this.arm(s);
  }

  /** Alarm: deadlines that passed, messages due. */
  onAlarm(now: number): void {
    if (!this.timers.isDue("fulfil", now)) return;
    this.timers.clear("fulfil");
    const s = this.store.load();
    if (!s?.releases) return;
    for (const r of s.releases) if (r.state === "open" && r.ackDueAt !== null && r.ackDueAt <= now) this.fail(s, r, "timed_out", `no acknowledgement from ${r.fulfillerId} by ${new Date(r.ackDueAt).toISOString()}`);
    if (s.releases.some((r) => r.messages.some((m) => m.state === "pending" && m.nextAt <= now))) owe(s, "dispatch_fulfilment");
    this.arm(s);
    this.commit(s);
  }

  /** Points the `fulfil` timer at the earliest message or deadline due. */
  arm(s: OrderState): void {
    const times = (s.releases ?? []).flatMap((r) => [...r.messages.filter((m) => m.state === "pending").map((m) => m.nextAt), ...(r.state === "open" && r.ackDueAt !== null ? [r.ackDueAt] : [])]);
    if (times.length) this.timers.reset("fulfil", Math.min(...times));
    else this.timers.clear("fulfil");
  }

  // --- owed effects -------------------------------------------------------------------------

  run(effect: "plan_release" | "dispatch_fulfilment" | "reroute", s: OrderState): Promise<Apply> {
    if (effect === "plan_release") return this.#plan(s);
    if (effect === "dispatch_fulfilment") return deliverMessages(this.env, this.store, this, s);
    return this.#reroute(s);
  }

  async #plan(s: OrderState): Promise<Apply> {
    if (!s.unreleased?.length) return () => {};
    const [fulfillers, policy] = await Promise.all([loadFulfillers(this.env), loadPolicy(this.env, s.channel)]);
    const fallback = Number(this.env.ACK_DEADLINE_SECONDS || "0");
    return (f) => {
      if (DONE_STATUSES.has(f.status) || f.dispatch.state !== "confirmed") return;
      const todo = f.unreleased ?? [];
      f.unreleased = [];
      f.releases ??= [];
      const made: Release[] = [];
      for (const [location, units] of groupBy(todo, (u) => u.location)) {
        const ful = fulfillerAt(fulfillers, location);
        const lines = [...groupBy(units, (u) => String(u.lineNo)).values()].map((us) => ({ lineNo: us[0]!.lineNo, sku: us[0]!.sku, quantity: us.reduce((n, u) => n + u.quantity, 0) }));
        if (!ful) {
          this.store.append(f, "not_released", "switchyard", { location, lines, reason: "no fulfiller serves this location" });
          continue;
        }
        const now = Date.now();
        const seconds = ful.ackDeadlineSeconds ?? policy?.ackDeadlineSeconds ?? fallback;
        const r: Release = {
          id: `r${f.releases.length + 1}`,
          fulfillerId: ful.id,
          kind: ful.kind,
          location,
          lines,
          state: "open",
          createdAt: new Date(now).toISOString(),
          ackDueAt: seconds > 0 ? now + seconds * 1000 : null,
          onFailure: policy?.reroute ?? "hold",
          messages: [{ type: "release", state: "pending", attempts: 0, nextAt: now }],
        };
        f.releases.push(r);
        made.push(r);
        this.store.append(f, "released", "switchyard", { releaseId: r.id, fulfillerId: r.fulfillerId, kind: r.kind, location, lines, acknowledgeBy: r.ackDueAt === null ? null : new Date(r.ackDueAt).toISOString(), onFailure: r.onFailure });
      }
      if (!made.length) return;
      // From here each fulfiller has its own deadline: the order-wide one set at acceptance gives way.
      if (f.ackDueAt !== undefined) {
        f.ackDueAt = undefined;
        this.timers.clear("ack");
      }
      if (["erp_accepted", "reallocated", "backordered"].includes(f.status)) this.store.transition(f, "released", "switchyard", { releases: made.map((r) => `${r.id}@${r.location}`) });
      owe(f, "dispatch_fulfilment");
      this.arm(f);
    };
  }

  async #reroute(s: OrderState): Promise<Apply> {
    const todo = (s.releases ?? []).filter((r) => r.state === "rerouting" && !r.handled);
    if (!todo.length) return () => {};
    const policy = await loadPolicy(this.env, s.channel);
    const exclude = s.refusedAt ?? [];
    const moves = await Promise.all(
      todo.flatMap((r) =>
        r.lines.map(async (l) => ({
          releaseId: r.id,
          line: l,
          out: await relocateLine(this.env, { key: `${s.orderId}:${r.id}:${l.lineNo}`, orderId: s.orderId, lineNo: l.lineNo, sku: l.sku, from: r.location, quantity: l.quantity, exclude, policy, at: Date.now() }),
        })),
      ),
    );
    return (f) => {
      let rerouted = false;
      for (const sent of todo) {
        const r = f.releases?.find((x) => x.id === sent.id);
        if (!r || r.state !== "rerouting" || r.handled) continue;
        r.handled = true;
        const mine = moves.filter((m) => m.releaseId === r.id);
        const moved = mine.filter((m) => m.out.moved > 0);
        const stuck = mine.filter((m) => m.out.moved === 0).map((m) => m.line);
        for (const m of moved) {
          const line = f.lines.find((l) => l.lineNo === m.line.lineNo);
          if (line) line.heldAt = moveHeld(line.heldAt ?? [], r.location, m.out.moved, m.out.allocations);
          f.unreleased = [...(f.unreleased ?? []), ...m.out.allocations.map((a) => ({ lineNo: m.line.lineNo, sku: m.line.sku, location: a.location, quantity: a.quantity }))];
        }
        const src = "switchyard";
        if (moved.length) {
          rerouted = true;
          this.store.append(f, "rerouted", src, { releaseId: r.id, from: r.location, why: r.failure, lines: moved.map((m) => ({ lineNo: m.line.lineNo, sku: m.line.sku, quantity: m.out.moved, to: m.out.allocations })) });
        }
        if (!stuck.length) {
          this.#withdraw(f, r, r.failure === "timed_out", `rerouted: ${r.failure === "timed_out" ? "no acknowledgement in time" : "rejected"}`);
          continue;
        }
        this.store.append(f, "reroute_unresolved", src, { releaseId: r.id, location: r.location, lines: stuck, reason: "no other eligible location has the stock for all of the line" });
        if (moved.length && r.failure === "timed_out") {
          // What could not move is asked for again at the same place: a release names only what the fulfiller should ship.
          this.#withdraw(f, r, true, "replaced: part of the release was rerouted");
          f.unreleased = [...(f.unreleased ?? []), ...stuck.map((l) => ({ ...l, location: r.location }))];
          continue;
        }
        r.state = r.failure ?? "timed_out";
        this.#exception(f, r, `no other location could take ${stuck.map((l) => `${l.quantity} × ${l.sku}`).join(", ")} from ${r.location}`);
      }
      if (rerouted) {
        if (canTransition(f.status, "reallocated")) this.store.transition(f, "reallocated", "switchyard", { reason: "reroute" });
        owe(f, "plan_release");
      }
      owe(f, "dispatch_fulfilment");
      this.arm(f);
    };
  }

  // --- internals ------------------------------------------------------------------------------

  /** The releases standing at a location (a fill or a replacement can add a second one there). */
  #at(s: OrderState, location: string): Release[] {
    return (s.releases ?? []).filter((r) => r.location === location && LIVE.has(r.state));
  }

  /** A timeout or a rejection: reroute when the policy said so at release, else hold for a person (also used by the delivery). */
  fail(s: OrderState, r: Release, why: "timed_out" | "rejected", reason: string): void {
    r.ackDueAt = null;
    s.refusedAt = [...new Set([...(s.refusedAt ?? []), r.location])];
    this.store.append(s, `release_${why}`, "switchyard", { releaseId: r.id, fulfillerId: r.fulfillerId, location: r.location, reason, next: r.onFailure });
    r.failure = why;
    if (r.onFailure === "reallocate") {
      r.state = "rerouting";
      owe(s, "reroute");
    } else {
      r.state = why;
      r.handled = true;
      this.#exception(s, r, reason);
    }
    this.arm(s);
  }

  #exception(s: OrderState, r: Release, detail: string): void {
    s.exceptionReason = r.failure === "rejected" ? "fulfiller_rejected" : "ack_timeout";
    s.exceptionDetail = detail;
    if (canTransition(s.status, "exception")) this.store.transition(s, "exception", "switchyard", { reason: s.exceptionReason, detail, releaseId: r.id });
  }

  /** Withdraws a release; its fulfiller is told when it may have it (a release message was at least tried). */
  #withdraw(s: OrderState, r: Release, tell: boolean, reason: string): void {
    r.state = "cancelled";
    r.ackDueAt = null;
    const rel = r.messages.find((m) => m.type === "release");
    if (rel?.state === "pending" && rel.attempts === 0) rel.state = "dropped";
    else if (tell && !r.messages.some((m) => m.type === "cancel")) r.messages.push({ type: "cancel", state: "pending", attempts: 0, nextAt: Date.now() });
    if (rel?.state === "pending") rel.state = "dropped";
    this.store.append(s, "release_cancelled", "switchyard", { releaseId: r.id, fulfillerId: r.fulfillerId, location: r.location, reason, told: r.messages.some((m) => m.type === "cancel") });
    owe(s, "dispatch_fulfilment");
  }
}


function groupBy<T>(xs: readonly T[], key: (x: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return m;
}

/** A line's holdings after `q` units moved from `from` to `to`. */
export function moveHeld(held: readonly { location: string; quantity: number }[], from: string, q: number, to: readonly { location: string; quantity: number }[]) {
  const m = new Map(held.map((h) => [h.location, h.quantity]));
  m.set(from, (m.get(from) ?? 0) - q);
  for (const a of to) m.set(a.location, (m.get(a.location) ?? 0) + a.quantity);
  return [...m].filter(([, n]) => n > 0).map(([location, quantity]) => ({ location, quantity }));
}
