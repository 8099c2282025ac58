// Release to fulfillers through HTTP: once the ERP accepts, the units held at each location go to
// that location's fulfiller (a Standard Webhooks-signed release event to a WMS), retried with
// backoff, idempotent per release; the order is released until every fulfiller acknowledged.
import { describe, expect, it } from "vitest";
import { admin, createKey, getOrder, postOrder, sampleOrder, stock, uid, waitForOrder } from "../helpers";
import { at, entries, fact, putFulfiller, putPolicy, receiver, skuState, types, whsec } from "./support";

async function setup(opts: { statuses?: number[]; split?: boolean } = {}) {
  const key = await createKey();
  const channel = uid("rel");
  const [dc1, dc2] = [uid("DC1"), uid("DC2")];
  await putPolicy(channel, { locations: [dc1, dc2], ackDeadlineSeconds: 60 });
  const secrets = [whsec(), whsec()];
  const wms1 = await receiver("wms1", { secret: secrets[0], statuses: opts.statuses ?? [] });
  const wms2 = await receiver("wms2", { secret: secrets[1] });
  await putFulfiller(uid("f1"), { kind: "standard", name: "East WMS", locations: [dc1], url: wms1.url, secret: secrets[0] });
  await putFulfiller(uid("f2"), { kind: "standard", name: "West WMS", locations: [dc2], url: wms2.url, secret: secrets[1] });
  const body = sampleOrder({ channel, lines: [{ sku: uid("SKU"), quantity: 5, unitPrice: "3.00", name: "Widget" }] });
  const sku = (body.lines as { sku: string }[])[0]!.sku;
  await stock(sku, opts.split ? 3 : 50, dc1);
  await stock(sku, 50, dc2);
  return { key, channel, dc1, dc2, wms1, wms2, body, sku };
}

describe("release to the fulfiller of each allocated location", () => {
  it("sends a signed release event once the ERP accepts, and the order is acknowledged when the WMS says so", async () => {
    const t = await setup();
    const { orderId } = (await (await postOrder(t.key, t.body)).json()) as { orderId: string };
    const released = await waitForOrder(t.key, orderId, (o) => o.status === "released" && types(o).includes("release_delivered"));
    expect(types(released).indexOf("erp_attempt")).toBeLessThan(types(released).indexOf("released"));
    expect(entries(released, "released")).toEqual([expect.objectContaining({ releaseId: "r1", location: t.dc1, kind: "standard", lines: [{ lineNo: 1, sku: t.sku, quantity: 5 }] })]);

    const [call] = await t.wms1.waitFor(1);
    const event = JSON.parse(call!.body) as { id: string; type: string; data: Record<string, unknown> };
    expect(call!.headers["webhook-id"]).toBe(event.id);
    expect(event).toMatchObject({
      type: "fulfilment.release",
      data: { releaseId: "r1", orderId, location: t.dc1, externalId: t.body.externalId, lines: [{ lineNo: 1, sku: t.sku, quantity: 5, name: "Widget" }], shipTo: { city: "Springfield" } },
    });
    expect(Date.parse(event.data.acknowledgeBy as string)).toBeGreaterThan(Date.now());
    expect(await t.wms2.calls()).toEqual([]);

    expect((await fact(t.key, { orderId, type: "acknowledged", location: t.dc1 })).status).toBe(202);
    const acked = await getOrder(t.key, orderId);
    expect(acked.status).toBe("acknowledged");
    expect(types(acked)).toContain("release_acknowledged");
  });

  it("retries a WMS that answers 503 with backoff, under the same webhook-id, until it takes the release", async () => {
    const t = await setup({ statuses: [503, 503] });
    const { orderId } = (await (await postOrder(t.key, t.body)).json()) as { orderId: string };
    const o = await waitForOrder(t.key, orderId, (x) => types(x).includes("release_delivered"), 20_000);
    expect(entries(o, "release_attempt").map((d) => d.httpStatus)).toEqual([503, 503]);
    expect(entries(o, "release_delivered")).toEqual([expect.objectContaining({ attempts: 3, httpStatus: 202 })]);
    const calls = await t.wms1.calls();
    expect(calls.map((c) => c.status)).toEqual([503, 503, 202]);
    expect(new Set(calls.map((c) => c.headers["webhook-id"])).size).toBe(1);
  });

  it("splits the release per location when the reservation split the line, and waits for every fulfiller", async () => {
    const t = await setup({ split: true });
    const { orderId } = (await (await postOrder(t.key, t.body)).json()) as { orderId: string };
    const o = await waitForOrder(t.key, orderId, (x) => entries(x, "release_delivered").length === 2);
    expect(entries(o, "released").map((d) => [d.location, d.lines])).toEqual([
      [t.dc1, [{ lineNo: 1, sku: t.sku, quantity: 3 }]],
      [t.dc2, [{ lineNo: 1, sku: t.sku, quantity: 2 }]],
    ]);
    expect(JSON.parse((await t.wms2.waitFor(1))[0]!.body).data.lines).toEqual([{ lineNo: 1, sku: t.sku, quantity: 2, name: "Widget" }]);
    await fact(t.key, { orderId, type: "acknowledged", location: t.dc1 });
    expect((await getOrder(t.key, orderId)).status).toBe("released");
    await fact(t.key, { orderId, type: "acknowledged", location: t.dc2 });
    expect((await getOrder(t.key, orderId)).status).toBe("acknowledged");

    // Each warehouse ships its part: held units become shipped where they were held.
    await fact(t.key, { orderId, type: "shipped", location: t.dc1, lines: [{ sku: t.sku, quantity: 3 }] });
    await fact(t.key, { orderId, type: "shipped", location: t.dc2, lines: [{ sku: t.sku, quantity: 2 }] });
    await waitForOrder(t.key, orderId, (x) => x.status === "shipped" && types(x).filter((y) => y === "stock_consumed").length === 2);
    const inv = await skuState(t.key, t.sku);
    expect([at(inv, t.dc1)!.holds.held, at(inv, t.dc2)!.holds.held]).toEqual([0, 0]);
  });

  it("a location without a fulfiller is not released, and the order keeps the order-wide deadline", async () => {
    const key = await createKey();
    const channel = uid("norel");
    const dc = uid("DC");
    await putPolicy(channel, { locations: [dc] });
    const body = sampleOrder({ channel });
    await stock((body.lines as { sku: string }[])[0]!.sku, 10, dc);
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    const o = await waitForOrder(key, orderId, (x) => x.status === "erp_accepted" && x.dispatchState === "confirmed");
    expect(types(o)).toContain("ack_deadline_set");
    expect(types(o)).not.toContain("released");
  });

  it("a fulfiller location is claimed once, and the URL is checked on save", async () => {
    const loc = uid("DC");
    const r = await receiver("wms");
    await putFulfiller(uid("a"), { kind: "standard", locations: [loc], url: r.url, secret: whsec() });
    const clash = await admin(`/v1/admin/fulfillers/${uid("b")}`, "PUT", { kind: "standard", locations: [loc], url: r.url, secret: whsec() });
    expect(clash.status).toBe(409);
    expect(((await clash.json()) as { errors: { message: string }[] }).errors[0]!.message).toContain(loc);
    const bad = await admin(`/v1/admin/fulfillers/${uid("c")}`, "PUT", { kind: "standard", locations: [uid("DC")], url: "http://user:pw@example.com/x", secret: whsec() });
    expect(bad.status).toBe(400);
    const x12 = await admin(`/v1/admin/fulfillers/${uid("d")}`, "PUT", { kind: "x12", locations: [uid("DC")], url: r.url, secret: "token-123456" });
    expect(x12.status).toBe(400);
    expect(JSON.stringify(await x12.json())).toContain("settings.partner");
  });
});
