import { describe, expect, it } from "vitest";
import { inventoryEventSchema, shipmentEventSchema, type ChannelEvent } from "../canonical";
import { processInterchange, type ProcessOptions } from "./index";
import { buildInterchange, readAck } from "./testing";

const opts: ProcessOptions = { channel: "3pl-east", now: new Date("2024-03-01T10:00:00Z"), controlNumber: 77 };

function runSet(functionalId: string, id: string, body: string[], extra: Partial<ProcessOptions> = {}) {
  const text = buildInterchange([{ functionalId, control: "5", sets: [{ id, control: "0001", body }] }], { sender: "WAREHOUSE1" });
  const r = processInterchange(text, { ...opts, ...extra });
  return { tx: r.transactions[0]!, ack: readAck(r.ack997) };
}

const inventoryEvents = (events: ChannelEvent[]) =>
  events.map((e) => {
    if (e.kind !== "inventory") throw new Error(`not an inventory event: ${e.kind}`);
    expect(inventoryEventSchema.safeParse(e.event).success).toBe(true);
    return e.event;
  });

describe("945 → shipment event", () => {
  const body = [
    "W06*F*SO-1001*20240210*SHP-9**PO-77",
    "N1*SF*EAST DC*9*DC-EAST",
    "N1*ST*ACME STORE",
    "N9*BM*BOL-555",
    "N9*2I*1Z999AA10123456784",
    "W27*M*UPSN*UPS GROUND",
    "LX*1",
    "W12*CC*5*5*0*EA**VP*WID-1",
    "LX*2",
    "W12*CP*4*3*1*EA**UP*012345678905",
    "W03*8*20*LB",
  ];

  it("maps W06 order refs, the SF location, W12 lines, carrier and tracking", () => {
    const { tx } = runSet("SW", "945", body);
    expect(tx).toMatchObject({ accepted: true, status: "A" });
    expect(tx.events).toEqual([
      {
        kind: "shipment",
        event: {
          eventId: "edi:3pl-east:945:SO-1001:SHP-9",
          source: "3pl",
          type: "shipped",
          location: "DC-EAST",
          lines: [{ sku: "WID-1", quantity: 5 }, { sku: "012345678905", quantity: 3 }],
          carrier: "UPSN",
          tracking: "1Z999AA10123456784",
          orderRef: { orderId: "SO-1001", externalId: "PO-77" },
        },
      },
    ]);
    const e = tx.events[0]!;
    if (e.kind !== "shipment") throw new Error("expected a shipment");
    const { orderRef, ...rest } = e.event;
    expect(shipmentEventSchema.safeParse({ ...rest, orderId: orderRef.orderId }).success).toBe(true);
  });

  it("falls back to the bill of lading for tracking and the default location", () => {
    const { tx } = runSet("SW", "945", body.filter((s) => !s.startsWith("N9*2I") && !s.startsWith("N1*SF")), { defaultLocation: "DC9", source: "wms" });
    expect(tx.events[0]).toMatchObject({ event: { tracking: "BOL-555", location: "DC9", source: "wms" } });
  });

  it("rejects a 945 without W06 and a W12 with a non-numeric shipped quantity", () => {
    const noW06 = runSet("SW", "945", body.slice(1));
    expect(noW06.tx).toMatchObject({ accepted: false, events: [] });
    expect(noW06.ack.find("AK3")).toEqual([["AK3", "W06", "2", "", "3"]]);
    const badQty = runSet("SW", "945", body.map((s) => s.replace("W12*CC*5*5*", "W12*CC*5*FIVE*")));
    expect(badQty.tx.accepted).toBe(false);
    expect(badQty.ack.find("AK3")).toEqual([["AK3", "W12", "9", "", "8"]]);
    expect(badQty.ack.find("AK4")).toEqual([["AK4", "3", "382", "6", "FIVE"]]);
  });
});

describe("944 → receipt events", () => {
  const body = ["W17*F*20240212*RCV-1*PO-9", "N1*WH*EAST DC*9*DC-EAST", "W07*24*EA**VP*WID-1", "W07*6*EA**VP*WID-2*UP*012345678905", "W14*30"];

  it("maps each W07 to a receipt with a positive on-hand delta", () => {
    const { tx } = runSet("RE", "944", body);
    expect(inventoryEvents(tx.events)).toEqual([
      { eventId: "edi:3pl-east:944:RCV-1:1:WID-1", source: "3pl", type: "receipt", sku: "WID-1", location: "DC-EAST", asOf: "2024-02-12T00:00:00.000Z", delta: { onHand: 24 }, reason: "944 receipt RCV-1" },
      { eventId: "edi:3pl-east:944:RCV-1:2:WID-2", source: "3pl", type: "receipt", sku: "WID-2", location: "DC-EAST", asOf: "2024-02-12T00:00:00.000Z", delta: { onHand: 6 }, reason: "944 receipt RCV-1" },
    ]);
  });

  it("rejects a bad W1702 date with AK4 code 8", () => {
    const { tx, ack } = runSet("RE", "944", body.map((s) => s.replace("20240212", "20240231")));
    expect(tx.accepted).toBe(false);
    expect(ack.find("AK4")).toEqual([["AK4", "2", "373", "8", "20240231"]]);
  });
});

describe("947 → adjustment events", () => {
  const body = ["W15*20240213*ADJ-4", "N1*WH*EAST DC*9*DC-EAST", "W19*AU*-2*EA**VP*WID-1", "W19*AA*5*EA**VP*WID-2"];

  it("maps each W19 to a signed on-hand delta with its reason", () => {
    const { tx } = runSet("AW", "947", body);
    expect(inventoryEvents(tx.events).map((e) => [e.type, e.sku, e.location, e.asOf, e.delta, e.reason, e.eventId])).toEqual([
      ["adjustment", "WID-1", "DC-EAST", "2024-02-13T00:00:00.000Z", { onHand: -2 }, "AU damaged in facility", "edi:3pl-east:947:ADJ-4:1:WID-1"],
      ["adjustment", "WID-2", "DC-EAST", "2024-02-13T00:00:00.000Z", { onHand: 5 }, "AA physical count", "edi:3pl-east:947:ADJ-4:2:WID-2"],
    ]);
  });

  it("rejects a non-numeric W1902", () => {
    const { tx, ack } = runSet("AW", "947", body.map((s) => s.replace("*-2*", "*-2x*")));
    expect(tx.accepted).toBe(false);
    expect(ack.find("AK4")).toEqual([["AK4", "2", "477", "6", "-2x"]]);
  });
});

describe("846 → snapshot events", () => {
  const body = [
    "BIA*00*SI*INV-20240214*20240214*0600",
    "N1*WH*EAST DC*9*DC-EAST",
    "LIN*1*VP*WID-1",
    "QTY*33*34*EA",
    "QTY*17*40*EA",
    "QTY*27*5*EA",
    "QTY*20*1*EA",
    "LIN*2*UP*012345678905*VP*WID-2",
    "QTY*33*12*EA",
    "LIN*3*VP*WID-3",
    "QTY*02*99*EA",
  ];

  it("maps QTY 17 (on hand), 33 (available, when no 17), 27 and 20; skips items with neither", () => {
    const { tx } = runSet("IB", "846", body);
    expect(tx).toMatchObject({ accepted: true, status: "A" });
    expect(inventoryEvents(tx.events)).toEqual([
      { eventId: "edi:3pl-east:846:INV-20240214:WID-1:DC-EAST", source: "3pl", type: "snapshot", sku: "WID-1", location: "DC-EAST", asOf: "2024-02-14T06:00:00.000Z", quantities: { onHand: 40, committed: 5, damaged: 1 } },
      { eventId: "edi:3pl-east:846:INV-20240214:WID-2:DC-EAST", source: "3pl", type: "snapshot", sku: "WID-2", location: "DC-EAST", asOf: "2024-02-14T06:00:00.000Z", quantities: { onHand: 12 } },
    ]);
  });

  it("rejects a non-numeric QTY02 inside its LIN loop", () => {
    const { tx, ack } = runSet("IB", "846", body.map((s) => s.replace("QTY*17*40", "QTY*17*forty")));
    expect(tx.accepted).toBe(false);
    expect(ack.find("AK3")).toEqual([["AK3", "QTY", "6", "LIN", "8"]]);
    expect(ack.find("AK4")).toEqual([["AK4", "2", "380", "6", "forty"]]);
  });
});
