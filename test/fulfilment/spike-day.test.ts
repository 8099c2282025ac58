// The seed's spike day, end to end through HTTP (issue 15 §6). Web orders (the governed API),
// marketplace orders (a Standard Webhooks channel) and an EDI dealer's 850 arrive together for
// the same SKUs; the hot one (PUMP) has fewer units than asked for. Then: a WMS short-picks a web
// order and it is re-allocated to the other DC; the 3PL never acknowledges a marketplace order,
// which is rerouted after its deadline passes once; cancelling an early order frees GADGETs the
// dealer's backorder then takes; the dealer gets its 855 and 856s. At the end no unit is oversold
// or held twice (every SKU's object, and the ERP simulator's bookings) and each order's timeline
// tells its story. Short deadlines and a fault point drive the races; the test polls, never sleeps.
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { signStandard } from "../../core/channels/standard/signature";
import { orderObjectName } from "../../core/keys";
import { x12Read, x12Segments, ownRead } from "../../core/x12/outbound/testing";
import { buildInterchange } from "../../core/x12/testing";
import { admin, call, createKey, erpBookings, getOrder, postOrder, sampleOrder, stock, uid, waitForOrder, type OrderDetail } from "../helpers";
import { at, entries, fact, putFulfiller, putPolicy, receiver, skuState, types, whsec } from "./support";

const statusPath = (o: OrderDetail) => o.timeline.filter((t) => t.type === "status_changed").map((t) => t.detail.to as string);
/** Releases still standing: released and not cancelled or closed since. */
const liveReleases = (o: OrderDetail) => {
  const gone = new Set([...entries(o, "release_cancelled"), ...entries(o, "release_closed")].map((d) => d.releaseId));
  return entries(o, "released").filter((d) => !gone.has(d.releaseId)) as { releaseId: string; location: string; lines: { sku: string; quantity: number }[] }[];
};

describe("spike day", () => {
  it("web, marketplace and EDI orders for the same SKUs: short pick, reroute, backorder fill, 855/856, nothing oversold", async () => {
    const run = uid("spike");
    const key = await createKey(["orders:write", "orders:read", "shipments:write", "ops:read", "inventory:write"]);
    const [DC1, DC2, TPL] = [`DC1-${run}`, `DC2-${run}`, `3PL-${run}`];
    const [WIDGET, GADGET, PUMP] = [`WIDGET-${run}`, `GADGET-${run}`, `PUMP-${run}`];
    const [web, mkt, dealerChannel] = [`web-${run}`, `mkt-${run}`, `dealer-${run}`];

    // --- the network: two WMSs, a 3PL on X12 that never acknowledges, an EDI dealer ------------
    const [s1, s2] = [whsec(), whsec()];
    const wms1 = await receiver("wms1", { secret: s1 });
    const wms2 = await receiver("wms2", { secret: s2 });
    const tpl = await receiver("3pl", { token: "tpl-token", statuses: [503] });
    const dealer = await receiver("dealer", { token: "dealer-token" });
    // The DCs' own deadline (60 s) overrides the channel's; the 3PL has the marketplace's 2 s.
    await putFulfiller(`wms1-${run}`, { kind: "standard", name: "DC1 WMS", locations: [DC1], url: wms1.url, secret: s1, ackDeadlineSeconds: 60 });
    await putFulfiller(`wms2-${run}`, { kind: "standard", name: "DC2 WMS", locations: [DC2], url: wms2.url, secret: s2, ackDeadlineSeconds: 60 });
    await putFulfiller(`tpl-${run}`, {
      kind: "x12",
      name: "Overflow 3PL",
      locations: [TPL],
      url: tpl.url,
      secret: "tpl-token",
      settings: { partner: { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: "OVERFLOW3PL" } }, carrier: { scac: "ODFL" } },
    });
    await putPolicy(web, { locations: [DC1, DC2], ackDeadlineSeconds: 30, reroute: "reallocate" });
    await putPolicy(mkt, { locations: [TPL, DC2], ackDeadlineSeconds: 2, reroute: "reallocate" });
    await putPolicy(dealerChannel, { locations: [DC2, DC1], backorder: true, ackDeadlineSeconds: 30 });
    const mktSecret = whsec();
    const mktConn = `mkt-${run}`;
    const dealerConn = `dealer-${run}`;
    expect((await admin(`/v1/admin/connections/${mktConn}`, "PUT", { kind: "standard", secret: mktSecret, settings: { channel: mkt } })).status).toBe(201);
    expect(
      (await admin(`/v1/admin/connections/${dealerConn}`, "PUT", {
        kind: "x12",
        secret: "dealer-inbound",
        settings: { channel: dealerChannel, outboundUrl: dealer.url, outboundToken: "dealer-token", partner: { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: "DEALER9" } } },
      })).status,
    ).toBe(201);
    const initial: [string, string, number][] = [[WIDGET, DC1, 10], [WIDGET, DC2, 14], [WIDGET, TPL, 10], [GADGET, DC1, 2], [PUMP, DC2, 3]];
    for (const [sku, loc, n] of initial) await stock(sku, n, loc);

    // --- before the spike: an early web order takes both GADGETs --------------------------------
    const early = sampleOrder({ channel: web, lines: [{ sku: GADGET, quantity: 2 }] });
    const earlyId = ((await (await postOrder(key, early)).json()) as { orderId: string }).orderId;
    await waitForOrder(key, earlyId, (o) => types(o).includes("release_delivered"));

    // --- the spike: everyone at once --------------------------------------------------------------
    const web1 = sampleOrder({ channel: web, lines: [{ sku: WIDGET, quantity: 4 }] });
    const web2 = sampleOrder({ channel: web, lines: [{ sku: PUMP, quantity: 2 }] });
    const mkt1 = { externalId: uid("AMZ"), lines: [{ sku: WIDGET, quantity: 3 }] };
    const mkt2 = { externalId: uid("AMZ"), lines: [{ sku: PUMP, quantity: 2 }] };
    const po = uid("PO");
    const x850 = buildInterchange(
      [{ functionalId: "PO", control: "1", sets: [{ id: "850", control: "0001", body: [`BEG*00*SA*${po}**20260301`, "N1*ST*Dealer Nine", "N3*9 Dock Rd", "N4*Dayton*OH*45402*US", `PO1*1*5*EA*7**VP*${WIDGET}`, `PO1*2*2*EA*4**VP*${GADGET}`, `PO1*3*1*EA*90**VP*${PUMP}`, "CTT*3*8"] }] }],
      { sender: "DEALER9", control: String(100_000_000 + Math.floor(Math.random() * 800_000_000)) },
    );
    // A fault point: the first marketplace order's first ERP hand-off is lost; its own watch re-sends it.
    expect(await env.TRANSACTIONS.getByName(orderObjectName(mkt, mkt1.externalId)).injectFault("drop_enqueue", 1)).toBe(true);
    const hook = async (o: { externalId: string; lines: unknown[] }) => {
      const payload = JSON.stringify({ type: "order.created", timestamp: new Date().toISOString(), data: { externalId: o.externalId, customer: { id: "amzn-buyer" }, currency: "USD", lines: o.lines, shipTo: early.shipTo } });
      const id = uid("msg");
      const ts = Math.floor(Date.now() / 1000);
      const res = await call(`/v1/webhooks/${mktConn}`, { method: "POST", headers: { "webhook-id": id, "webhook-timestamp": String(ts), "webhook-signature": await signStandard(mktSecret, id, ts, payload) }, body: payload });
      expect(res.status).toBe(200);
      return ((await res.json()) as { orderId: string }).orderId;
    };
    const [web1Id, web2Id, mkt1Id, mkt2Id, ediRes] = await Promise.all([
      postOrder(key, web1).then(async (r) => ((await r.json()) as { orderId: string }).orderId),
      postOrder(key, web2).then(async (r) => ((await r.json()) as { orderId: string }).orderId),
      hook(mkt1),
      hook(mkt2),
      call(`/v1/edi/${dealerConn}`, { method: "POST", headers: { authorization: "Bearer dealer-inbound", "content-type": "application/edi-x12" }, body: x850 }),
    ]);
    expect(ediRes.status).toBe(200);
    const ediId = ((await (await call(`/v1/orders?channel=${dealerChannel}&externalId=${po}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { orderId: string }).orderId;
    const all = { earlyId, web1Id, web2Id, mkt1Id, mkt2Id, ediId };

    // The hot SKU: 3 PUMPs, 5 asked for; exactly 3 held, at DC2, whoever came first.
    const settled = await Promise.all([web2Id, mkt2Id, ediId].map((id) => waitForOrder(key, id, (o) => types(o).includes("reservation"))));
    const pumpLines = settled.map((o) => o.lines.find((l) => l.sku === PUMP)!);
    expect(pumpLines.reduce((n, l) => n + l.reserved, 0)).toBe(3);
    expect(at(await skuState(key, PUMP), DC2)).toMatchObject({ holds: { held: 3 }, free: 0 });

    // --- the dealer's 855: what the reservation said, line by line --------------------------------
    const ediReserved = settled[2]!;
    const [ackCall] = await dealer.waitFor(1);
    expect(ownRead(ackCall!.body).findings).toEqual([]);
    const acks = x12Segments(x12Read(ackCall!.body)).filter((s) => s[0] === "ACK").map((s) => `${s[1]}:${s[2]}`);
    const pumpEdi = ediReserved.lines[2]!;
    expect(acks).toEqual(["IA:5", "IB:2", ...(pumpEdi.reserved ? ["IA:1"] : ["IB:1"])]);

    // --- the short pick: DC1 has no WIDGETs for web-1 after all; DC2 gets the line --------------
    await waitForOrder(key, web1Id, (o) => types(o).includes("release_delivered"));
    await fact(key, { orderId: web1Id, type: "acknowledged", location: DC1 });
    expect((await fact(key, { orderId: web1Id, type: "short_pick", location: DC1, lines: [{ sku: WIDGET, quantity: 4 }] })).status).toBe(202);
    const web1Moved = await waitForOrder(key, web1Id, (o) => liveReleases(o).some((r) => r.location === DC2) && types(o).filter((t) => t === "release_delivered").length === 2);
    expect(statusPath(web1Moved).slice(-3)).toEqual(["short_picked", "reallocated", "released"]);

    // --- the 3PL never acknowledges: the deadline passes once and the order is rerouted ---------
    const mkt1Rerouted = await waitForOrder(key, mkt1Id, (o) => liveReleases(o).some((r) => r.location === DC2) && types(o).includes("release_cancel_delivered"), 20_000);
    expect(entries(mkt1Rerouted, "rerouted")).toEqual([expect.objectContaining({ from: TPL, lines: [{ lineNo: 1, sku: WIDGET, quantity: 3, to: [{ location: DC2, quantity: 3 }] }] })]);
    // DC2 acknowledges at once: the deadline never passes a second time.
    await fact(key, { orderId: mkt1Id, type: "acknowledged", location: DC2 });
    // The 3PL's first 940 got a 503 and was sent again; then came the cancel, under the same order number.
    const x940s = (await tpl.waitFor(2, (c) => c.status < 300)).map((c) => x12Segments(x12Read(c.body)).find((s) => s[0] === "W05")!);
    expect(x940s.map((w) => w[1])).toEqual(["N", "F"]);
    expect(x940s[1]![2]).toBe(x940s[0]![2]);

    // --- a cancellation frees the early order's GADGETs; the dealer's backorder takes them -------
    expect((await call(`/v1/orders/${earlyId}/cancel`, { method: "POST", headers: { authorization: `Bearer ${key}` } })).status).toBe(200);
    const ediFilled = await waitForOrder(key, ediId, (o) => o.lines[1]!.reserved === 2 && liveReleases(o).some((r) => r.location === DC1));
    expect(entries(ediFilled, "backorder_filled")).toEqual(expect.arrayContaining([expect.objectContaining({ sku: GADGET, filled: 2, heldAt: [{ location: DC1, quantity: 2 }] })]));

    // --- every warehouse acknowledges and ships what it holds now --------------------------------
    // (An order the hot SKU left with nothing to hold was refused: insufficient_stock, never sent to the ERP.)
    const delivered = (o: OrderDetail) => liveReleases(o).every((r) => entries(o, "release_delivered").some((d) => d.releaseId === r.releaseId));
    const ids = [web1Id, web2Id, mkt1Id, mkt2Id, ediId];
    for (const id of ids) {
      const o = await waitForOrder(key, id, (x) => x.dispatchState === "skipped" || (x.dispatchState === "confirmed" && liveReleases(x).length > 0 && delivered(x)), 20_000);
      for (const r of liveReleases(o)) {
        await fact(key, { orderId: id, type: "acknowledged", location: r.location });
        const res = await fact(key, { orderId: id, type: "shipped", location: r.location, lines: r.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })), carrier: "UPSN", tracking: `1Z${run.slice(-6).toUpperCase()}${r.releaseId}` });
        expect(res.status, `${id} ${r.releaseId}`).toBe(202);
      }
    }

    // --- the end: nothing oversold, nothing held twice, every order's story told ----------------
    for (const sku of [WIDGET, GADGET, PUMP]) {
      await vi.waitFor(async () => {
        const inv = await skuState(key, sku);
        for (const l of inv.locations) {
          expect(l.free, `${sku}@${l.location}`).toBeGreaterThanOrEqual(0);
          expect(l.holds.held, `${sku}@${l.location} still held`).toBe(0);
        }
      }, { timeout: 15_000, interval: 200 });
    }
    const finals = Object.fromEntries(await Promise.all(Object.entries(all).map(async ([k, id]) => [k, await getOrder(key, id)] as const)));
    const shippedOf = (sku: string) => Object.values(finals).flatMap((o) => entries(o, "shipment_shipped").flatMap((d) => (d.lines as { sku: string; quantity: number }[]).filter((l) => l.sku === sku))).reduce((n, l) => n + l.quantity, 0);
    expect(shippedOf(WIDGET)).toBe(12);
    expect(shippedOf(GADGET)).toBe(2);
    expect(shippedOf(PUMP)).toBe(3);
    // Each line: held, waiting or refused — never more than was ordered.
    for (const o of Object.values(finals)) for (const l of o.lines) expect(l.reserved + l.backordered, `${o.orderId} ${l.sku}`).toBeLessThanOrEqual(l.quantity);
    expect(at(await skuState(key, WIDGET), DC1)!.position.qualityHold).toBe(4); // the units DC1 could not find

    // The ERP booked each order once; the cancelled one is cancelled there too.
    for (const [k, id] of Object.entries(all)) {
      const bookings = (await erpBookings(id)).filter((b) => b.orderId === id && b.erpOrderId);
      expect(bookings, k).toHaveLength(finals[k]!.dispatchState === "skipped" ? 0 : 1);
      if (bookings.length) expect(bookings[0]!.erpOrderId).toBe(finals[k]!.erpOrderId);
    }
    await waitForOrder(key, earlyId, (o) => types(o).includes("erp_cancel_sent"));
    expect(((await erpBookings(earlyId)) as { cancelled?: boolean }[])[0]!.cancelled).toBe(true);

    // Timelines: each order's path, as a person would read it.
    expect(types(finals.earlyId!)).toEqual(expect.arrayContaining(["released", "release_delivered", "status_changed", "release_cancelled", "release_cancel_delivered", "holds_released"]));
    expect(finals.web1Id!.status).toBe("shipped");
    expect(types(finals.web1Id!)).toEqual(expect.arrayContaining(["shipment_short_pick", "reallocation", "release_closed", "release_acknowledged", "shipment_shipped", "stock_consumed"]));
    expect(finals.mkt1Id!.status).toBe("shipped");
    expect(entries(finals.mkt1Id!, "release_timed_out")).toHaveLength(1);
    expect(types(finals.mkt1Id!)).toEqual(expect.arrayContaining(["release_timed_out", "rerouted", "release_cancel_delivered", "release_acknowledged", "shipment_shipped"]));
    expect(types(finals.mkt1Id!)).toContain("requeued");
    const edi = await waitForOrder(key, ediId, (o) => entries(o, "edi_856_delivered").length === liveReleases(o).length);
    expect(types(edi)).toEqual(expect.arrayContaining(["edi_855_issued", "edi_855_delivered", "backorder_filled", "edi_856_issued", "edi_856_delivered"]));
    const asns = (await dealer.calls()).slice(1).map((c) => x12Segments(x12Read(c.body)));
    expect(asns.length).toBe(liveReleases(edi).length);
    for (const a of asns) expect(a.find((s) => s[0] === "TD5")).toEqual(["TD5", "B", "2", "UPSN"]);
    expect(asns.flatMap((a) => a.filter((s) => s[0] === "SN1").map((s) => Number(s[2]))).reduce((n, q) => n + q, 0)).toBe(ediFilled.lines.reduce((n, l) => n + l.reserved, 0));
  }, 120_000);
});
