/**
 * Test support: a small model of the world around one SKU (physical stock, an ERP with its own
 * book and delayed snapshots, channels ordering concurrently) and a fast-check arbitrary of
 * interleavings, run against any inventory authority (the in-memory ledger or a real
 * InventoryDO stub). After every step it checks, against the world's truth:
 * - no oversell: a unit is only ever held where it was truly free;
 * - the authority's view is never more generous than the truth (free ≤ true free);
 * - channel pools hold; counters equal rows (the authority's `describe` is checked by the caller);
 * and at the end, once every event is delivered and a fresh snapshot is merged, the view is the
 * truth exactly: nothing double counted, nothing leaked.
 */
import fc from "fast-check";
import type { InventoryEvent } from "../canonical";
import type { ReserveRequest, ReserveResult, LocationView } from "./ledger";
import type { PolicyOrDefault } from "./policy";

export interface Authority {
  reserve(r: ReserveRequest): Promise<ReserveResult>;
  release(r: { orderId: string; reason: string }): Promise<number>;
  consume(r: { orderId: string; location: string; quantity: number; at: number; eventId: string }): Promise<unknown>;
  markSeen(r: { orderId: string; at: number }): Promise<unknown>;
  applyEvents(events: InventoryEvent[]): Promise<string[]>;
  describe(): Promise<{ locations: LocationView[]; channels: Record<string, number> }>;
}

export const LOCATIONS = ["DC1", "DC2"] as const;
export const CHANNELS: Record<string, PolicyOrDefault> = {
  web: { locations: ["DC1", "DC2"] },
  amazon: { locations: ["DC2"], pool: 6 },
  edi: null,
};
const channelNames = Object.keys(CHANNELS);

export type Step =
  | { op: "reserve"; channel: number; quantity: number }
  | { op: "retry"; order: number }
  | { op: "cancel"; order: number }
  | { op: "accept"; order: number; lag: number }
  | { op: "ship"; order: number }
  | { op: "snapshot"; location: number }
  | { op: "receipt"; location: number; quantity: number }
  | { op: "shrink"; location: number; quantity: number }
  | { op: "deliver"; pick: number }
  | { op: "redeliver"; pick: number };

export const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant("reserve" as const), channel: fc.nat(2), quantity: fc.integer({ min: 1, max: 5 }) }), weight: 5 },
  fc.record({ op: fc.constant("retry" as const), order: fc.nat() }),
  fc.record({ op: fc.constant("cancel" as const), order: fc.nat() }),
  { arbitrary: fc.record({ op: fc.constant("accept" as const), order: fc.nat(), lag: fc.constantFrom(0, 500) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant("ship" as const), order: fc.nat() }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant("snapshot" as const), location: fc.nat(1) }), weight: 3 },
  fc.record({ op: fc.constant("receipt" as const), location: fc.nat(1), quantity: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant("shrink" as const), location: fc.nat(1), quantity: fc.integer({ min: 1, max: 3 }) }),
  { arbitrary: fc.record({ op: fc.constant("deliver" as const), pick: fc.nat() }), weight: 3 },
  fc.record({ op: fc.constant("redeliver" as const), pick: fc.nat() }),
);

interface Order {
  id: string;
  channel: string;
  held: Map<string, number>;
  accepted: boolean;
  first: ReserveResult;
}

/** Runs `steps` against `auth`; throws (with the step) on the first violated property. */
export async function runWorld(auth: Authority, sku: string, steps: Step[], start = Date.UTC(2026, 0, 1)): Promise<void> {
  let t = start;
  let n = 0;
  const physical = new Map<string, number>([["DC1", 20], ["DC2", 12]]);
  const erpOther = new Map<string, number>([["DC1", 3], ["DC2", 1]]);
  const orders: Order[] = [];
  const pending: InventoryEvent[] = [];
  const delivered: InventoryEvent[] = [];
  const ev = (location: string, type: InventoryEvent["type"], body: Partial<InventoryEvent>): InventoryEvent =>
    ({ eventId: `${sku}-e${++n}`, source: "erp", type, sku, location, asOf: new Date(t).toISOString(), ...body }) as InventoryEvent;
  const heldAt = (l: string) => orders.reduce((s, o) => s + (o.held.get(l) ?? 0), 0);
  const trueFree = (l: string) => physical.get(l)! - erpOther.get(l)! - heldAt(l);
  const erpCommitted = (l: string) => erpOther.get(l)! + orders.filter((o) => o.accepted).reduce((s, o) => s + (o.held.get(l) ?? 0), 0);
  const snapshot = (l: string) => ev(l, "snapshot", { quantities: { onHand: physical.get(l)!, committed: erpCommitted(l) } });
  const deliver = async (events: InventoryEvent[]) => {
    await auth.applyEvents(events);
    delivered.push(...events);
  };

  const check = async (label: string) => {
    const view = await auth.describe();
    for (const loc of view.locations) {
      const truth = trueFree(loc.location);
      if (loc.free > truth)
        throw new Error(`${label}: view free ${loc.free} > true free ${truth} at ${loc.location}`);
    }
    for (const [c, p] of Object.entries(CHANNELS)) {
      const held = view.channels[c] ?? 0;
      if (p?.pool !== undefined && held > p.pool) throw new Error(`${label}: ${c} holds ${held} > pool ${p.pool}`);
    }
  };

  await deliver(LOCATIONS.map(snapshot));
  for (const [i, step] of steps.entries()) {
    t += 1000;
    const label = `step ${i} ${JSON.stringify(step)}`;
    const order = "order" in step && orders.length ? orders[step.order % orders.length]! : null;
    switch (step.op) {
      case "reserve": {
        const channel = channelNames[step.channel]!;
        const id = `${sku}-o${orders.length}`;
        const r = await auth.reserve({ orderId: id, lineNo: 1, sku, quantity: step.quantity, channel, policy: CHANNELS[channel]!, at: t });
        if (r.reserved + r.backordered + r.rejected !== step.quantity) throw new Error(`${label}: outcome does not add up`);
        orders.push({ id, channel, held: new Map(r.allocations.map((a) => [a.location, a.quantity])), accepted: false, first: r });
        for (const a of r.allocations) if (trueFree(a.location) < 0) throw new Error(`${label}: oversold ${a.location} (true free ${trueFree(a.location)})`);
        break;
      }
      case "retry": {
        if (!order || order.held.size === 0) break;
        const r = await auth.reserve({ orderId: order.id, lineNo: 1, sku, quantity: 99, channel: order.channel, policy: CHANNELS[order.channel]!, at: t });
        if (r.reserved !== order.first.reserved || !r.replayed) throw new Error(`${label}: repeat reserve changed the outcome`);
        break;
      }
      case "cancel":
        if (!order) break;
        await auth.release({ orderId: order.id, reason: "cancel" });
        order.held.clear();
        break;
      case "accept":
        if (!order || order.accepted || order.held.size === 0) break;
        order.accepted = true;
        await auth.markSeen({ orderId: order.id, at: t + step.lag });
        break;
      case "ship": {
        if (!order || !order.accepted) break;
        for (const [l, q] of order.held) {
          await auth.consume({ orderId: order.id, location: l, quantity: q, at: t, eventId: `${order.id}-ship-${l}` });
          physical.set(l, physical.get(l)! - q);
        }
        order.held.clear();
        break;
      }
      case "snapshot":
        pending.push(snapshot(LOCATIONS[step.location]!));
        break;
      case "receipt": {
        const l = LOCATIONS[step.location]!;
        physical.set(l, physical.get(l)! + step.quantity);
        pending.push(ev(l, "receipt", { delta: { onHand: step.quantity } }));
        break;
      }
      case "shrink": {
        const l = LOCATIONS[step.location]!;
        physical.set(l, physical.get(l)! - step.quantity);
        await deliver([ev(l, "adjustment", { delta: { onHand: -step.quantity } })]);
        break;
      }
      case "deliver":
        if (pending.length) await deliver(pending.splice(step.pick % pending.length, 1));
        break;
      case "redeliver": {
        if (!delivered.length) break;
        const [o] = await auth.applyEvents([delivered[step.pick % delivered.length]!]);
        if (o !== "duplicate") throw new Error(`${label}: a repeated event was ${o}`);
        break;
      }
    }
    await check(label);
  }

  // Quiesce: deliver everything, then merge a fresh snapshot taken after every acceptance.
  await deliver(pending.splice(0));
  t += 1000;
  await deliver(LOCATIONS.map(snapshot));
  const view = await auth.describe();
  for (const loc of view.locations)
    if (loc.free !== trueFree(loc.location)) throw new Error(`after quiesce: view free ${loc.free} ≠ true free ${trueFree(loc.location)} at ${loc.location}`);
}
