// After the chaos settles, the system is held to what it acknowledged, checked from the ERP's own
// records and the subscriber's: nothing lost, nothing booked twice, no reservation leaked, every
// event delivered (at least once, in order per order).
import { SKUS } from "./traffic.mjs";

const TERMINAL_NO_HOLD = new Set(["cancelled", "shipped", "delivered", "closed", "returned"]);

export async function bookings(erpUrl) {
  return (await (await fetch(`${erpUrl}/_sim/orders`)).json()).orders;
}

async function detail(url, key, orderId) {
  const r = await fetch(`${url}/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${key}` } });
  return r.ok ? r.json() : null;
}

/** Orders that should be at the ERP and are not yet (not cancelled, not refused for stock). */
export async function outstanding(url, key, erpUrl, ledger) {
  const booked = new Set((await bookings(erpUrl)).filter((b) => b.erpOrderId).map((b) => b.orderId));
  const waiting = [];
  for (const [orderId, o] of ledger.orders) {
    if (booked.has(orderId)) continue;
    const d = await detail(url, key, orderId);
    if (d && (d.status === "cancelled" || d.dispatchState === "skipped")) continue;
    waiting.push(orderId);
  }
  return waiting;
}

export async function check({ url, key, erpUrl, ledger, subscriber }) {
  const all = await bookings(erpUrl);
  const booked = all.filter((b) => b.erpOrderId);
  const byOrder = new Map(booked.map((b) => [b.orderId, b]));
  const problems = [];
  const counts = { acknowledged: ledger.orders.size, booked: 0, cancelledBeforeBooking: 0, lost: 0, doubleBooked: 0, leakedUnits: 0, missingEvents: 0, outOfOrder: 0 };

  // Each business order (channel, external id) is one ERP booking, under one order id.
  const perIdentity = new Map();
  for (const b of booked) perIdentity.set(`${b.channel}|${b.externalId}`, [...(perIdentity.get(`${b.channel}|${b.externalId}`) ?? []), b.orderId]);
  for (const [identity, ids] of perIdentity) {
    if (ids.length > 1) {
      counts.doubleBooked++;
      problems.push(`double booking: ${identity} as ${ids.join(", ")}`);
    }
  }

  const details = new Map();
  for (const [orderId] of ledger.orders) {
    const d = await detail(url, key, orderId);
    details.set(orderId, d);
    if (!d) {
      counts.lost++;
      problems.push(`lost: ${orderId} was acknowledged and no longer exists`);
      continue;
    }
    if (byOrder.has(orderId)) counts.booked++;
    else if (d.status === "cancelled" || d.dispatchState === "skipped") counts.cancelledBeforeBooking++;
    else {
      counts.lost++;
      problems.push(`not at the ERP: ${orderId} (${d.status}/${d.dispatchState})`);
    }
  }

  // Stock reconciles with the orders' states: every unit a SKU holds belongs to a live order that
  // holds exactly that many of it (orders that answered with a network error count too: they exist).
  for (const sku of SKUS) {
    const inv = await (await fetch(`${url}/v1/inventory/${sku}?holds=true`, { headers: { authorization: `Bearer ${key}` } })).json();
    for (const h of inv.holdsByOrder ?? []) {
      const d = details.get(h.orderId) ?? (await detail(url, key, h.orderId));
      const mine = d ? d.lines.filter((l) => l.sku === sku).reduce((n, l) => n + l.reserved, 0) : 0;
      if (!d || TERMINAL_NO_HOLD.has(d.status) || mine !== h.held) {
        counts.leakedUnits += Math.abs(h.held - (d && !TERMINAL_NO_HOLD.has(d.status) ? mine : 0));
        problems.push(`${sku}: ${h.held} held for ${h.orderId}, which is ${d ? `${d.status} holding ${mine}` : "unknown"}`);
      }
    }
  }

  // Every order event reached the subscriber at least once, and one order's events in timeline order.
  const seen = subscriber.events();
  for (const [orderId, d] of details) {
    if (!d) continue;
    const expected = d.timeline.flatMap((t, i) => (t.type === "received" ? [`evt_${orderId}_${i + 1}_order.accepted`] : t.type === "status_changed" ? [`evt_${orderId}_${i + 1}_order.status_changed`] : []));
    const got = seen.filter((e) => e.data?.orderId === orderId);
    const ids = new Set(got.map((e) => e.id));
    const missing = expected.filter((id) => !ids.has(id));
    if (missing.length) {
      counts.missingEvents += missing.length;
      problems.push(`subscriber missed ${missing.length} event(s) of ${orderId}: ${missing.slice(0, 2).join(", ")}`);
    }
    const firstSeqs = [...new Map(got.map((e) => [e.id, Number(/^evt_ord_[0-9a-f]+_(\d+)_/.exec(e.id)?.[1] ?? 0)])).values()];
    if (firstSeqs.some((s, i) => i > 0 && s < firstSeqs[i - 1])) {
      counts.outOfOrder++;
      problems.push(`events of ${orderId} arrived out of order: ${firstSeqs.join(",")}`);
    }
  }
  return { counts, problems };
}
