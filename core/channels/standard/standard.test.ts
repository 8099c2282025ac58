import { describe, expect, it } from "vitest";
import vectors from "../../../test/fixtures/standard-webhooks/test-vectors.json";
import specExample from "../../../test/fixtures/standard-webhooks/spec-example-payload.json";
import { toBase64, utf8 } from "../../crypto";
import { base64Hmac, connection, failure, request, tamper, unwrap } from "../testing";
import { standardAdapter as standard, TOLERANCE_SECONDS } from "./index";

const v = vectors.symmetric_v1_sign;
const AT = v.timestamp * 1000;
const signed = (sig: string, extra: Record<string, string> = {}) => ({
  "webhook-id": v.msg_id,
  "webhook-timestamp": String(v.timestamp),
  "webhook-signature": sig,
  ...extra,
});

const SECRET = `whsec_${toBase64(utf8("switchyard-test-secret-32-bytes!"))}`;
const conn = connection(SECRET, "portal-acme");
const TS = 1_768_478_400; // 2026-01-15T12:00:00Z

async function deliver(payload: unknown, id = "msg_1", secret = SECRET) {
  const body = typeof payload === "string" ? payload : JSON.stringify(payload);
  const key = Uint8Array.from(atob(secret.slice("whsec_".length)), (c) => c.charCodeAt(0));
  const headers = { "webhook-id": id, "webhook-timestamp": String(TS), "webhook-signature": `v1,${await base64Hmac(key, `${id}.${TS}.${body}`)}` };
  const req = request(body, headers, TS * 1000);
  const delivery = unwrap(await standard.verify(req, conn));
  return { delivery, result: standard.parse(req, conn, delivery) };
}

describe("standard webhooks: published vectors", () => {
  it("verifies the symmetric v1 vector, also among decoys and under svix-* names", async () => {
    const c = connection(v.secret);
    expect(unwrap(await standard.verify(request(v.payload, signed(v.expected_signature), AT), c))).toEqual({ deliveryId: v.msg_id, topic: "" });
    const list = [...vectors.multi_signature_header_decoys, v.expected_signature].join(" ");
    expect(unwrap(await standard.verify(request(v.payload, signed(list), AT), c)).deliveryId).toBe(v.msg_id);
    const svix = { "svix-id": v.msg_id, "svix-timestamp": String(v.timestamp), "svix-signature": v.expected_signature };
    expect(unwrap(await standard.verify(request(v.payload, svix, AT), c)).deliveryId).toBe(v.msg_id);
    // the secret without its prefix is the same key
    expect((await standard.verify(request(v.payload, signed(v.expected_signature), AT), connection(v.secret.slice(6)))).ok).toBe(true);
  });

  it("rejects the invalid headers, the decoys alone, the v1a vector and a changed byte", async () => {
    const c = connection(v.secret);
    const headers = [...vectors.invalid_signature_headers, vectors.multi_signature_header_decoys.join(" "), vectors.asymmetric_v1a_sign.expected_signature];
    for (const h of headers) {
      expect(failure(await standard.verify(request(v.payload, signed(h), AT), c))).toEqual({ reason: "bad_signature" });
    }
    const changed = request(tamper(utf8(v.payload)), signed(v.expected_signature), AT);
    expect(failure(await standard.verify(changed, c))).toEqual({ reason: "bad_signature" });
    // the right digest under another scheme version is not a v1 signature
    const v2 = request(v.payload, signed(v.expected_signature.replace(/^v1,/, "v2,")), AT);
    expect(failure(await standard.verify(v2, c))).toEqual({ reason: "bad_signature" });
    const otherId = request(v.payload, signed(v.expected_signature, { "webhook-id": "msg_other" }), AT);
    expect(failure(await standard.verify(otherId, c))).toEqual({ reason: "bad_signature" });
  });

  it("enforces the ±5 minute window around the injected clock", async () => {
    const c = connection(v.secret);
    expect(TOLERANCE_SECONDS).toBe(vectors.tolerance_seconds);
    for (const skew of [-TOLERANCE_SECONDS, TOLERANCE_SECONDS]) {
      expect((await standard.verify(request(v.payload, signed(v.expected_signature), AT - skew * 1000), c)).ok).toBe(true);
    }
    // timestamp 301 s behind our clock (a replay) and 301 s ahead of it
    expect(failure(await standard.verify(request(v.payload, signed(v.expected_signature), AT + 301_000), c))).toEqual({
      reason: "timestamp_out_of_window",
      skewSeconds: -301,
    });
    expect(failure(await standard.verify(request(v.payload, signed(v.expected_signature), AT - 301_000), c))).toEqual({
      reason: "timestamp_out_of_window",
      skewSeconds: 301,
    });
  });

  it("tells missing and malformed headers apart", async () => {
    const c = connection(v.secret);
    const { ["webhook-signature"]: _s, ...noSig } = signed(v.expected_signature);
    expect(failure(await standard.verify(request(v.payload, noSig, AT), c))).toEqual({ reason: "missing_signature" });
    expect(failure(await standard.verify(request(v.payload, signed("garbage"), AT), c))).toEqual({ reason: "malformed_signature" });
    const badTs = signed(v.expected_signature, { "webhook-timestamp": "2021-02-25T15:02:10Z" });
    expect(failure(await standard.verify(request(v.payload, badTs, AT), c))).toEqual({ reason: "malformed_signature" });
  });
});

const order = {
  externalId: "PO-7781",
  customer: { id: "acme-retail", name: "Acme Retail" },
  shipTo: { name: "Acme DC", line1: "1 Dock Rd", city: "Reno", region: "NV", postalCode: "89501", country: "US" },
  currency: "USD",
  lines: [{ sku: "WID-1", quantity: 12, unitPrice: "4.50" }],
  placedAt: "2026-01-15T11:58:00Z",
};

describe("standard webhooks: payloads", () => {
  it("ignores the spec's example event", async () => {
    const { delivery, result } = await deliver(specExample);
    expect(delivery).toEqual({ deliveryId: "msg_1", topic: "example.event" });
    expect(unwrap(result)).toEqual([{ kind: "ignored", reason: "standard webhook type example.event is not mapped" }]);
  });

  it("maps order.created with the connection's channel and the event time as version", async () => {
    const { result } = await deliver({ type: "order.created", timestamp: "2026-01-15T11:59:30.250Z", data: order });
    expect(unwrap(result)).toEqual([
      { kind: "order", order: { ...order, channel: "portal-acme", version: Date.parse("2026-01-15T11:59:30.250Z") } },
    ]);
    const explicit = await deliver({ type: "order.updated", data: { ...order, channel: "portal-acme", version: 7 } });
    const [e] = unwrap(explicit.result);
    expect(e?.kind === "order" && [e.order.version, e.order.channel]).toEqual([7, "portal-acme"]);
    // no payload timestamp: the signed header time
    const [f] = unwrap((await deliver({ type: "order.updated", data: order })).result);
    expect(f?.kind === "order" && f.order.version).toBe(TS * 1000);
  });

  it("maps order.cancelled, inventory.* and shipment.*", async () => {
    const cancelled = await deliver({ type: "order.cancelled", timestamp: "2026-01-15T12:00:00Z", data: { externalId: "PO-7781", reason: "buyer" } });
    expect(unwrap(cancelled.result)).toEqual([
      { kind: "cancellation", channel: "portal-acme", externalId: "PO-7781", version: Date.parse("2026-01-15T12:00:00Z"), reason: "buyer" },
    ]);
    const inv = { eventId: "inv-1", source: "3pl", type: "snapshot", sku: "WID-1", location: "3PL-EAST", asOf: "2026-01-15T11:00:00Z", quantities: { onHand: 40 } };
    expect(unwrap((await deliver({ type: "inventory.snapshot", data: inv })).result)).toEqual([{ kind: "inventory", event: inv }]);
    const ship = { eventId: "s-1", externalId: "PO-7781", source: "3pl", location: "3PL-EAST", lines: [{ sku: "WID-1", quantity: 12 }], carrier: "UPS", tracking: "1Z9" };
    expect(unwrap((await deliver({ type: "shipment.shipped", data: ship })).result)).toEqual([
      {
        kind: "shipment",
        event: {
          eventId: "s-1", source: "3pl", type: "shipped", location: "3PL-EAST", lines: [{ sku: "WID-1", quantity: 12 }], carrier: "UPS", tracking: "1Z9",
          orderRef: { channel: "portal-acme", externalId: "PO-7781" },
        },
      },
    ]);
  });

  it("fails invalid JSON, wrong types, a foreign channel and an order-less shipment with paths", async () => {
    expect(failure((await deliver("{")).result)).toEqual({ reason: "invalid_json" });
    const paths = async (p: unknown) => {
      const f = failure((await deliver(p)).result);
      return f.reason === "invalid_payload" ? f.issues.map((i) => i.path) : f;
    };
    expect(await paths({ type: "order.created", data: { ...order, lines: [{ sku: "WID-1", quantity: "12" }] } })).toEqual(["data.lines.0.quantity"]);
    expect(await paths({ type: "order.created", data: { ...order, discount: "5" } })).toEqual(["data"]);
    expect(await paths({ type: "order.created", data: { ...order, channel: "someone-else" } })).toEqual(["data.channel"]);
    expect(await paths({ type: "inventory.adjusted", data: { eventId: "i", source: "erp" } })).toEqual(
      expect.arrayContaining(["data.type", "data.sku", "data.location", "data.asOf"]),
    );
    expect(await paths({ type: "shipment.shipped", data: { eventId: "s", source: "wms", location: "DC1", lines: [] } })).toEqual(["data.orderId"]);
    expect(await paths({ data: {} })).toEqual(["type"]);
    expect(await paths(JSON.parse(v.payload))).toEqual(["type", "data"]);
  });
});
