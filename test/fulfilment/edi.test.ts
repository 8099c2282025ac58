// EDI out through HTTP. A dealer's 850 (POST /v1/edi/{connectionId}) gets its 855 once the
// reservation settles and an 856 for each shipment, POSTed to the connection's outboundUrl with
// its token and kept in its outbox (GET /v1/edi/{connectionId}/documents); a 3PL fulfiller gets
// a 940 per release and its 945 finds the order again by the 940's order number. Every
// interchange is read back by our own parser (strict) and by node-x12's strict parser.
import { describe, expect, it } from "vitest";
import { isValidSscc } from "../../core/x12/outbound";
import { ownRead, x12Query, x12Read, x12Segments } from "../../core/x12/outbound/testing";
import { buildInterchange } from "../../core/x12/testing";
import { admin, call, createKey, getOrder, postOrder, sampleOrder, stock, uid, waitForOrder } from "../helpers";
import { at, entries, fact, putFulfiller, putPolicy, receiver, skuState, types } from "./support";

const control = () => String(Math.floor(Math.random() * 900_000_000) + 100_000_000);
const edi = (conn: string, secret: string, body: string) =>
  call(`/v1/edi/${conn}`, { method: "POST", headers: { authorization: `Bearer ${secret}`, "content-type": "application/edi-x12" }, body });

/** Reads an interchange both ways and checks both agree it is sound; returns node-x12's reading. */
function readBoth(text: string) {
  expect(ownRead(text).findings).toEqual([]);
  return x12Read(text);
}

describe("EDI out for an EDI dealer: 855 and 856", () => {
  it("acknowledges the 850 line by line, ships with carrier, tracking and SSCC-18, with control numbers that never repeat", async () => {
    const key = await createKey();
    const conn = uid("dealer");
    const channel = uid("dealer-edi");
    const dc = uid("DC");
    const secret = "dealer-inbound-secret";
    const dealer = await receiver("dealer", { token: "dealer-outbound-token" });
    await putPolicy(channel, { locations: [dc], backorder: true });
    const res = await admin(`/v1/admin/connections/${conn}`, "PUT", {
      kind: "x12",
      secret,
      settings: {
        channel,
        outboundUrl: dealer.url,
        outboundToken: "dealer-outbound-token",
        partner: { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: "DEALER1" }, sscc: true },
        gs1CompanyPrefix: "0614141",
      },
    });
    expect(res.status).toBe(201);
    const [a, b] = [uid("A"), uid("B")];
    await stock(a, 3, dc);
    await stock(b, 10, dc);
    const po = uid("PO");
    const x850 = buildInterchange(
      [{ functionalId: "PO", control: "1", sets: [{ id: "850", control: "0001", body: [`BEG*00*SA*${po}**20240105`, "N1*BY*Dealer One*92*D1", "N1*ST*Dealer Store 5", "N3*1 Main St", "N4*Springfield*IL*62701*US", `PO1*10*5*EA*9.99**VP*${a}`, "PID*F****Widget A", `PO1*20*4*EA*5**VP*${b}`, "CTT*2*9"] }] }],
      { sender: "DEALER1", control: control() },
    );
    expect((await edi(conn, secret, x850)).status).toBe(200);
    const orders = (await (await call(`/v1/orders?channel=${channel}&externalId=${po}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { orderId: string };
    const orderId = orders.orderId;

    // 855: line 10 accepted 3, backordered 2; line 20 accepted 4. AC: acknowledged with change.
    const [ackCall] = await dealer.waitFor(1);
    expect(ackCall!.headers["content-type"]).toBe("application/edi-x12");
    const ack = readBoth(ackCall!.body);
    expect(ic(ack).sender).toBe("SWITCHYARD");
    expect(ic(ack).receiver).toBe("DEALER1");
    expect(ack.functionalGroups[0]!.header.valueOf(1)).toBe("PR");
    const ackSegs = x12Segments(ack);
    expect(ackSegs.find((s) => s[0] === "BAK")!.slice(0, 5)).toEqual(["BAK", "00", "AC", po, "20240105"]);
    expect(ackSegs.filter((s) => s[0] === "PO1" || s[0] === "ACK").map((s) => s.slice(0, 4))).toEqual([
      ["PO1", "10", "5", "EA"],
      ["ACK", "IA", "3", "EA"],
      ["ACK", "IB", "2", "EA"],
      ["PO1", "20", "4", "EA"],
      ["ACK", "IA", "4", "EA"],
    ]);
    await waitForOrder(key, orderId, (o) => types(o).includes("edi_855_delivered"));

    // Ship what is held: an 856 with the carrier, the tracking number and one SSCC-18 label.
    await waitForOrder(key, orderId, (o) => o.status === "erp_accepted");
    expect((await fact(key, { orderId, type: "shipped", location: dc, lines: [{ sku: a, quantity: 3 }, { sku: b, quantity: 4 }], carrier: "UPSN", tracking: "1Z999AA10123456784" })).status).toBe(202);
    const asn = readBoth((await dealer.waitFor(2))[1]!.body);
    expect(asn.functionalGroups[0]!.header.valueOf(1)).toBe("SH");
    const segs = x12Segments(asn);
    expect(segs.find((s) => s[0] === "TD5")).toEqual(["TD5", "B", "2", "UPSN"]);
    expect(segs.find((s) => s[0] === "REF" && s[1] === "CN")).toEqual(["REF", "CN", "1Z999AA10123456784"]);
    expect(segs.filter((s) => s[0] === "HL").map((s) => s[3])).toEqual(["S", "O", "P", "I", "I"]);
    const man = segs.find((s) => s[0] === "MAN")!;
    expect(man[1]).toBe("GM");
    expect(isValidSscc(man[2]!.slice(2))).toBe(true);
    // AI 00, extension digit 0, then the GS1 company prefix of the connection.
    expect(man[2]!.slice(3, 10)).toBe("0614141");
    expect(x12Query(asn, "PRF01")).toEqual([po]);
    expect(segs.filter((s) => s[0] === "LIN").map((s) => s[1])).toEqual(["10", "20"]);
    expect(segs.filter((s) => s[0] === "SN1").map((s) => s.slice(2, 4))).toEqual([["3", "EA"], ["4", "EA"]]);
    const shipped = await waitForOrder(key, orderId, (o) => types(o).includes("edi_856_delivered"));
    expect(entries(shipped, "edi_856_issued")).toHaveLength(1);

    // The outbox: both documents, in order, with numbers that never repeat.
    expect((await call(`/v1/edi/${conn}/documents`, { headers: { authorization: "Bearer wrong-secret" } })).status).toBe(401);
    const box = (await (await call(`/v1/edi/${conn}/documents`, { headers: { authorization: `Bearer ${secret}` } })).json()) as { items: { id: number; kind: string; isa13: string; st02: string; orderId: string; delivery: { state: string }; text: string }[] };
    expect(box.items.map((d) => [d.kind, d.isa13, d.orderId, d.delivery.state])).toEqual([
      ["855", "000000001", orderId, "delivered"],
      ["856", "000000002", orderId, "delivered"],
    ]);
    expect(new Set(box.items.map((d) => d.st02)).size).toBe(2);
    expect(box.items[1]!.text).toBe((await dealer.calls())[1]!.body);
    const later = (await (await call(`/v1/edi/${conn}/documents?after=${box.items[0]!.id}`, { headers: { authorization: `Bearer ${secret}` } })).json()) as { items: { kind: string }[] };
    expect(later.items.map((d) => d.kind)).toEqual(["856"]);
  });
});

describe("a 3PL fulfiller speaking X12", () => {
  it("gets a 940 per release and its 945, quoting the 940's order number, ships the order where it was held", async () => {
    const key = await createKey();
    const channel = uid("web");
    const tplLoc = uid("3PL");
    const tplConn = uid("tpl-edi");
    const tplSecret = "tpl-inbound-secret";
    await putPolicy(channel, { locations: [tplLoc], ackDeadlineSeconds: 60 });
    const tpl = await receiver("tpl", { token: "tpl-token" });
    expect((await admin(`/v1/admin/connections/${tplConn}`, "PUT", { kind: "x12", secret: tplSecret, settings: { channel: uid("3pl") } })).status).toBe(201);
    await putFulfiller(uid("tpl"), {
      kind: "x12",
      name: "Overflow 3PL",
      locations: [tplLoc],
      url: tpl.url,
      secret: "tpl-token",
      settings: { partner: { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: "TPL1" } }, connectionId: tplConn, carrier: { scac: "ODFL", mode: "M" } },
    });
    const body = sampleOrder({ channel, lines: [{ sku: uid("S"), quantity: 4, name: "Pump" }] });
    const sku = (body.lines as { sku: string }[])[0]!.sku;
    await stock(sku, 10, tplLoc);
    const { orderId } = (await (await postOrder(key, body)).json()) as { orderId: string };
    const released = await waitForOrder(key, orderId, (o) => types(o).includes("release_delivered"));
    const orderNumber = entries(released, "release_delivered")[0]!.orderNumber as string;
    expect(orderNumber).toMatch(/^SY\d{10}$/);

    const x940 = readBoth((await tpl.waitFor(1))[0]!.body);
    expect(ic(x940).receiver).toBe("TPL1");
    expect(x940.functionalGroups[0]!.header.valueOf(1)).toBe("OW");
    const segs = x12Segments(x940);
    expect(segs[0]).toEqual(["W05", "N", orderNumber, body.externalId as string]);
    expect(x12Query(x940, 'N102:N101["ST"]')).toEqual(["Acme DC"]);
    expect(x12Query(x940, 'N104:N101["SF"]')).toEqual([tplLoc]);
    expect(segs.find((s) => s[0] === "W66")?.at(-1)).toBe("ODFL");
    expect(segs.filter((s) => s[0] === "W01")).toEqual([["W01", "4", "EA", "", "VN", sku]]);
    expect(segs.find((s) => s[0] === "G69")).toEqual(["G69", "Pump"]);
    expect(segs.at(-1)).toEqual(["W76", "4"]);

    // The 3PL ships and says so with a 945 on its own connection, naming the order by our 940 number.
    await fact(key, { orderId, type: "acknowledged", location: tplLoc, source: "3pl" });
    const x945 = buildInterchange(
      [{ functionalId: "SW", control: "7", sets: [{ id: "945", control: "0001", body: [`W06*F*${orderNumber}*20240210*SHP-1**${body.externalId}`, "N1*SF*THEIR EAST DC*ZZ*E1", "N9*2I*1Z999AA10123456784", "W27*M*ODFL", "LX*1", `W12*CC*4*4*0*EA**VN*${sku}`] }] }],
      { sender: "TPL1", control: control() },
    );
    expect((await edi(tplConn, tplSecret, x945)).status).toBe(200);
    const shipped = await waitForOrder(key, orderId, (o) => o.status === "shipped" && types(o).includes("stock_consumed"));
    expect(shipped.timeline.find((t) => t.type === "shipment_shipped")).toMatchObject({ source: `3pl:${tplLoc}`, detail: { location: tplLoc, carrier: "ODFL", tracking: "1Z999AA10123456784" } });
    expect(at(await skuState(key, sku), tplLoc)!.holds.held).toBe(0);

    // A number this 3PL was never given finds no order.
    const stray = buildInterchange([{ functionalId: "SW", control: "8", sets: [{ id: "945", control: "0001", body: ["W06*F*SY9999999999*20240210*SHP-2", "LX*1", `W12*CC*1*1*0*EA**VN*${sku}`] }] }], { sender: "TPL1", control: control() });
    expect((await edi(tplConn, tplSecret, stray)).status).toBe(200);
    expect((await getOrder(key, orderId)).timeline.filter((t) => t.type === "shipment_shipped")).toHaveLength(1);
  });
});

/** ISA06/ISA08 as node-x12 reads them, trimmed. */
function ic(x: ReturnType<typeof x12Read>) {
  return { sender: x.header.valueOf(6)!.trim(), receiver: x.header.valueOf(8)!.trim() };
}
