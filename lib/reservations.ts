/**
 * The order side of inventory: a saga over the per-SKU InventoryDOs.
 *
 * An order's lines live in different SKUs' objects, so no single transaction covers them. Each
 * line's reserve is idempotent per (orderId, lineNo) in its DO, so the saga is: reserve every
 * line; if any call fails, release every line of the order (reason "compensation", which lets
 * the lines be reserved afresh) and throw, so the caller retries and converges on one outcome.
 */
import type { ReserveResult } from "../core/inventory/ledger";
import type { PolicyOrDefault } from "../core/inventory/policy";
import type { RelocateRequest, RelocateResult } from "../core/inventory/relocate";
import { statusFromLines } from "../core/order-state";
import type { Env } from "./env";

export type LineRequest = { lineNo: number; sku: string; quantity: number };
export type LineOutcome = LineRequest & { reserved: number; backordered: number; rejected: number; allocations?: { location: string; quantity: number }[] };
export type OrderReservationStatus = ReturnType<typeof statusFromLines>;

const inventory = (env: Env, sku: string) => env.INVENTORY.getByName(sku);

/**
 * Calls a SKU's DO, retrying errors the runtime marks retryable (never `overloaded`), with a new
 * stub each attempt (a failed stub may be broken). Only for idempotent calls.
 */
export async function withRetry<T>(env: Env, sku: string, call: (stub: ReturnType<typeof inventory>) => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await call(inventory(env, sku));
    } catch (e) {
      const f = e as { retryable?: boolean; overloaded?: boolean };
      if (i >= attempts || !f.retryable || f.overloaded) throw e;
      await new Promise((r) => setTimeout(r, Math.random() * 50 * 2 ** i));
    }
  }
}

/**
 * Reserves every line of an order in its SKU's InventoryDO (in parallel; lines of one SKU
 * serialise in that object). Safe to call again with the same order: held lines return their
 * first outcome.
 *
 * @example await reserveOrder(env, { orderId, channel: "web", lines: [{ lineNo: 1, sku: "A", quantity: 2 }], policy: await loadPolicy(env, "web"), at: Date.now() })
 */
export async function reserveOrder(
  env: Env,
  req: { orderId: string; channel: string; lines: LineRequest[]; policy: PolicyOrDefault; at: number },
): Promise<{ status: OrderReservationStatus; lines: LineOutcome[] }> {
  const results = await Promise.allSettled(
    req.lines.map((l) =>
      withRetry(env, l.sku, (s) =>
        s.reserve({ orderId: req.orderId, lineNo: l.lineNo, sku: l.sku, quantity: l.quantity, channel: req.channel, policy: req.policy, at: req.at }),
      ),
    ),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failed) {
    // A call that failed may still have committed: release every line, not just the ones that answered.
    await releaseOrder(env, req.orderId, req.lines, "compensation").catch(() => undefined);
    throw failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason));
  }
  const lines = req.lines.map((l, i) => {
    const r = (results[i] as PromiseFulfilledResult<ReserveResult>).value;
    // Where the units are held: the ERP booking names the location per line (ErpOrder lines).
    return { lineNo: l.lineNo, sku: l.sku, quantity: l.quantity, reserved: r.reserved, backordered: r.backordered, rejected: r.rejected, allocations: r.allocations.map((a) => ({ location: a.location, quantity: a.quantity })) };
  });
  return { status: statusFromLines(lines), lines };
}

/**
 * Releases the order's holds in each of its SKUs' objects; returns the units released.
 * `reason: "cancel"` is final (a late duplicate reserve of those lines holds nothing); any other
 * reason (the default, used for revisions) lets the lines be reserved again.
 */
export async function releaseOrder(env: Env, orderId: string, lines: { lineNo: number; sku: string }[], reason = "release"): Promise<number> {
  const bySku = new Map<string, number[]>();
  for (const l of lines) bySku.set(l.sku, [...(bySku.get(l.sku) ?? []), l.lineNo]);
  const released = await Promise.all(
    [...bySku].map(([sku, lineNos]) =>
      Promise.all(lineNos.map((lineNo) => withRetry(env, sku, (s) => s.release({ orderId, lineNo, reason })))).then((rs) => rs.reduce((n, r) => n + r.released, 0)),
    ),
  );
  return released.reduce((a, b) => a + b, 0);
}

/**
 * Shipped units of an order: at each item's location its held units become shipped (on-hand
 * drops when the ERP has the order). Pass a stable `eventId` per item (say
 * `<shipment eventId>:<sku>`): the DO dedupes on it, so a retried call consumes nothing twice.
 * Without one, a retry after a lost answer would consume again.
 */
export async function consumeShipment(
  env: Env,
  orderId: string,
  items: { sku: string; quantity: number; location: string; lineNo?: number; eventId?: string }[],
  at = Date.now(),
): Promise<{ sku: string; location: string; consumed: number; excess: number; duplicate: boolean }[]> {
  return Promise.all(
    items.map((l) => {
      const input = { orderId, location: l.location, quantity: l.quantity, at, ...(l.lineNo !== undefined ? { lineNo: l.lineNo } : {}), ...(l.eventId ? { eventId: l.eventId } : {}) };
      // Only a deduped call is safe to retry.
      const call = (s: ReturnType<typeof inventory>) => s.consume(input);
      return (l.eventId ? withRetry(env, l.sku, call) : call(inventory(env, l.sku))).then((r) => ({ sku: l.sku, location: l.location, ...r }));
    }),
  );
}

/**
 * The ERP accepted the order (`at`, ms: when Switchyard learned it): from the first snapshot at
 * or after `at`, its holds count as inside the ERP's committed. Dispatch calls this on ERP 2xx/409.
 */
export async function markOrderSeenByErp(env: Env, req: { orderId: string; skus: string[]; at: number }): Promise<number> {
  const marked = await Promise.all([...new Set(req.skus)].map((sku) => withRetry(env, sku, (s) => s.markSeenByErp({ orderId: req.orderId, at: req.at }))));
  return marked.reduce((n, r) => n + r.marked, 0);
}

/**
 * `markOrderSeenByErp` for many orders at once: one call per SKU for all of them (the dispatch
 * consumer's batch). Per order, how many holds were marked, or null when one of its SKUs' calls
 * failed (that order then marks its own holds, as an owed effect of the acceptance).
 */
export async function markOrdersSeenByErp(env: Env, reqs: { orderId: string; skus: string[]; at: number }[]): Promise<(number | null)[]> {
  const bySku = new Map<string, number[]>();
  reqs.forEach((r, i) => {
    for (const sku of new Set(r.skus)) bySku.set(sku, [...(bySku.get(sku) ?? []), i]);
  });
  const counts: (number | null)[] = reqs.map(() => 0);
  await Promise.all(
    [...bySku].map(async ([sku, idx]) => {
      try {
        const { marked } = await withRetry(env, sku, (s) => s.markSeenByErpMany(idx.map((i) => ({ orderId: reqs[i]!.orderId, at: reqs[i]!.at }))));
        idx.forEach((i, k) => {
          if (counts[i] !== null) counts[i]! += marked[k] ?? 0;
        });
      } catch {
        for (const i of idx) counts[i] = null;
      }
    }),
  );
  return counts;
}

/**
 * Re-allocates what a short pick left unpicked at `from`: the missing units go on a WMS hold
 * there (nobody else is promised stock that is not on the shelf, until the WMS releases or
 * counts it), and the line's remaining quantity is reserved again from the other eligible
 * locations. A saga like `reserveOrder`: each step is idempotent (the hold by its event id, the
 * release and reserve by order line), so a retry converges. Stock can move between the release
 * and the new reserve; what cannot be held then is backordered or rejected per policy.
 */
export async function reallocateLine(
  env: Env,
  req: { orderId: string; lineNo: number; sku: string; channel: string; policy: PolicyOrDefault; from: string; short: number; remaining: number; eventId: string; at: number },
): Promise<LineOutcome> {
  const asOf = new Date(req.at).toISOString();
  await withRetry(env, req.sku, (s) =>
    s.applyEvents([{ eventId: `${req.eventId}:short-pick-hold`, source: "wms", type: "hold", sku: req.sku, location: req.from, asOf, delta: { qualityHold: req.short }, reason: `short pick for ${req.orderId}` }]),
  );
  const known = (await withRetry(env, req.sku, (s) => s.state())).locations.map((l) => l.location);
  const locations = (req.policy?.locations ?? known).filter((l) => l !== req.from);
  await withRetry(env, req.sku, (s) => s.release({ orderId: req.orderId, lineNo: req.lineNo, reason: "reallocation" }));
  const base = { lineNo: req.lineNo, sku: req.sku, quantity: req.remaining };
  if (!locations.length || req.remaining <= 0) return { ...base, reserved: 0, backordered: 0, rejected: req.remaining };
  const policy = { ...(req.policy ?? {}), locations };
  const r = await withRetry(env, req.sku, (s) =>
    s.reserve({ orderId: req.orderId, lineNo: req.lineNo, sku: req.sku, quantity: req.remaining, channel: req.channel, policy, at: req.at }),
  );
  return { ...base, reserved: r.reserved, backordered: r.backordered, rejected: r.rejected, allocations: r.allocations.map((a) => ({ location: a.location, quantity: a.quantity })) };
}

/**
 * Moves what a line holds at `from` to the other eligible locations (a reroute), all of it or
 * nothing, in one transaction of the SKU's object. Idempotent per `key`: a retry after a lost
 * answer returns the first outcome instead of moving again.
 *
 * @example await relocateLine(env, { key: `${orderId}:r1:1`, orderId, lineNo: 1, sku, from: "3PL-EAST", quantity: 2, exclude: ["3PL-EAST"], policy, at: Date.now() })
 */
export async function relocateLine(env: Env, req: RelocateRequest & { key: string; sku: string }): Promise<RelocateResult> {
  return withRetry(env, req.sku, (s) => s.relocate(req));
}
