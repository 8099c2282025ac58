// Rerouting through HTTP: a fulfiller that does not acknowledge before its deadline, or rejects,
// gets the channel policy's answer — `reallocate` moves the release's units to another eligible
// location with stock (in the SKU's object, all of a line or none), withdraws the first release
// (telling a fulfiller that timed out) and releases at the new one; `hold` puts the order in
// exception for a person. Deadlines are short policy settings; tests poll, never sleep.
import { describe, expect, it } from "vitest";
import { createKey, getOrder, postOrder, sampleOrder, stock, uid, waitForOrder } from "../helpers";
import { at, entries, fact, putFulfiller, putPolicy, receiver, skuState, types, whsec } from "./support";

async function setup(policy: Record<string, unknown>, stockAt: { tpl: number; dc: number } = { tpl: 20, dc: 20 }, tplStatuses: number[] = []) {
  const key = await createKey();
  const channel = uid("rr");
  const [tpl, dc] = [uid("3PL"), uid("DC")];
  await putPolicy(channel, { locations: [tpl, dc], ...policy });
  const [s1, s2] = [whsec(), whsec()];
  const tplWms = await receiver("tpl", { secret: s1, statuses: tplStatuses });
  const dcWms = await receiver("dc", { secret: s2 });
  await putFulfiller(uid("tpl"), { kind: "standard", name: "Overflow 3PL", locations: [tpl], url: tplWms.url, secret: s1 });
  await putFulfiller(uid("dc"), { kind: "standard", name: "Main DC", locations: [dc], url: dcWms.url, secret: s2 });
  const body = sampleOrder({ channel, lines: [{ sku: uid("A"), quantity: 3 }, { sku: uid("B"), quantity: 1 }] });
  const skus = (body.lines as { sku: string }[]).map((l) => l.sku);
  for (const sku of skus) {
    await stock(sku, stockAt.tpl, tpl);
    if (stockAt.dc) await stock(sku, stockAt.dc, dc);
  }
  const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
  return { key, channel, tpl, dc, tplWms, dcWms, skus, orderId };
}

describe("a fulfiller that does not acknowledge in time", () => {
  it("is rerouted (reallocate): holds move to the next location, the 3PL is told to cancel, the DC gets the release", async () => {
    const t = await setup({ ackDeadlineSeconds: 1, reroute: "reallocate" });
    const o = await waitForOrder(t.key, t.orderId, (x) => entries(x, "released").length === 2 && types(x).includes("release_cancel_delivered"), 20_000);
    expect(o.status).toBe("released");
    expect(entries(o, "release_timed_out")).toEqual([expect.objectContaining({ releaseId: "r1", location: t.tpl, next: "reallocate" })]);
    expect(entries(o, "rerouted")).toEqual([
      expect.objectContaining({
        releaseId: "r1",
        from: t.tpl,
        why: "timed_out",
        lines: [
          { lineNo: 1, sku: t.skus[0], quantity: 3, to: [{ location: t.dc, quantity: 3 }] },
          { lineNo: 2, sku: t.skus[1], quantity: 1, to: [{ location: t.dc, quantity: 1 }] },
        ],
      }),
    ]);
    expect(entries(o, "released").map((d) => [d.releaseId, d.location])).toEqual([["r1", t.tpl], ["r2", t.dc]]);
    const path = o.timeline.filter((x) => x.type === "status_changed").map((x) => x.detail.to);
    expect(path.slice(-3)).toEqual(["released", "reallocated", "released"]);

    // The 3PL got the release and then its cancel; the DC got only the new release.
    const tplCalls = (await t.tplWms.waitFor(2)).map((c) => JSON.parse(c.body) as { type: string; data: { releaseId: string } });
    expect(tplCalls.map((c) => [c.type, c.data.releaseId])).toEqual([["fulfilment.release", "r1"], ["fulfilment.cancel", "r1"]]);
    const dcCalls = (await t.dcWms.waitFor(1)).map((c) => JSON.parse(c.body) as { type: string; data: { releaseId: string; lines: unknown[] } });
    expect(dcCalls.map((c) => [c.type, c.data.releaseId, c.data.lines.length])).toEqual([["fulfilment.release", "r2", 2]]);

    for (const sku of t.skus) {
      const inv = await skuState(t.key, sku);
      expect(at(inv, t.tpl)!.holds.held).toBe(0);
      expect(at(inv, t.dc)!.holds.held).toBe(sku === t.skus[0] ? 3 : 1);
    }

    // The DC acknowledges: done. A late acknowledgement from the 3PL changes nothing.
    await fact(t.key, { orderId: t.orderId, type: "acknowledged", location: t.dc });
    expect((await getOrder(t.key, t.orderId)).status).toBe("acknowledged");
    expect((await fact(t.key, { orderId: t.orderId, type: "acknowledged", location: t.tpl, source: "3pl" })).status).toBe(202);
    const after = await getOrder(t.key, t.orderId);
    expect(after.status).toBe("acknowledged");
    expect(types(after)).toContain("late_acknowledgement");
  });

  it("is held (the default policy): the order goes to exception ack_timeout, and a late acknowledgement clears it", async () => {
    const t = await setup({ ackDeadlineSeconds: 1 });
    const o = await waitForOrder(t.key, t.orderId, (x) => x.status === "exception", 20_000);
    expect(o.exception).toMatchObject({ reason: "ack_timeout" });
    expect(entries(o, "release_timed_out")).toEqual([expect.objectContaining({ location: t.tpl, next: "hold" })]);
    expect(await t.dcWms.calls()).toEqual([]);
    await fact(t.key, { orderId: t.orderId, type: "acknowledged", location: t.tpl, source: "3pl" });
    const late = await getOrder(t.key, t.orderId);
    expect(late.status).toBe("acknowledged");
    expect(late.exception).toBeUndefined();
  });

  it("stays where it is, in exception, when no other location has stock for every unit of a line", async () => {
    const t = await setup({ ackDeadlineSeconds: 1, reroute: "reallocate" }, { tpl: 20, dc: 0 });
    const o = await waitForOrder(t.key, t.orderId, (x) => x.status === "exception", 20_000);
    expect(o.exception).toMatchObject({ reason: "ack_timeout" });
    expect(entries(o, "reroute_unresolved")).toEqual([expect.objectContaining({ location: t.tpl, lines: [{ lineNo: 1, sku: t.skus[0], quantity: 3 }, { lineNo: 2, sku: t.skus[1], quantity: 1 }] })]);
    expect(at(await skuState(t.key, t.skus[0]!), t.tpl)!.holds.held).toBe(3);
  });
});

describe("a fulfiller that rejects", () => {
  it("is rerouted without a cancel (it refused the release), through POST /v1/shipments type rejected", async () => {
    const t = await setup({ ackDeadlineSeconds: 60, reroute: "reallocate" });
    await waitForOrder(t.key, t.orderId, (x) => types(x).includes("release_delivered"));
    expect((await fact(t.key, { orderId: t.orderId, type: "rejected", location: t.tpl, source: "3pl" })).status).toBe(202);
    const o = await waitForOrder(t.key, t.orderId, (x) => entries(x, "release_delivered").length === 2);
    expect(entries(o, "rerouted")).toEqual([expect.objectContaining({ from: t.tpl, why: "rejected" })]);
    expect(entries(o, "release_cancelled")).toEqual([expect.objectContaining({ releaseId: "r1", told: false })]);
    expect((await t.tplWms.calls()).map((c) => JSON.parse(c.body).type)).toEqual(["fulfilment.release"]);
  });

  it("a 422 to the release itself is a rejection; held, it is exception fulfiller_rejected", async () => {
    const t = await setup({ ackDeadlineSeconds: 60 }, { tpl: 20, dc: 20 }, [422]);
    const o = await waitForOrder(t.key, t.orderId, (x) => x.status === "exception");
    expect(o.exception).toMatchObject({ reason: "fulfiller_rejected" });
    expect(entries(o, "release_refused")).toEqual([expect.objectContaining({ releaseId: "r1", httpStatus: 422, attempts: 1 })]);
    expect(await t.dcWms.calls()).toEqual([]);
  });
});
