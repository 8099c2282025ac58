import { describe, expect, it } from "vitest";
import orderChangeSchema from "../../../test/fixtures/amazon/OrderChangeNotification.json";
import fbaSchema from "../../../test/fixtures/amazon/FBAInventoryAvailabilityChangeNotification.json";
import { connection, failure, request, unwrap } from "../testing";
import { amazonAdapter as amazon } from "./index";

const KEY = "amz-api-key-0123456789";
const conn = connection(KEY, "amazon-us");

/** What an EventBridge API destination POSTs: the envelope, with the notification as `detail`. */
function envelope(detail: unknown, id = "7f2a3c1e-0000-4000-8000-000000000001") {
  return JSON.stringify({
    version: "0",
    id,
    "detail-type": "SP-API notification",
    source: "aws.partner/sellingpartnerapi.amazon.com/amzn1.sellerapps.app.example",
    account: "123456789012",
    time: "2026-01-15T11:59:58Z",
    region: "us-east-1",
    resources: [],
    detail,
  });
}

// The ORDER_CHANGE schema ships one complete example notification.
const orderChange = orderChangeSchema.examples[0]!;
// The FBA schema has no whole example, only one per property: assemble the notification from them.
const fbaProps = fbaSchema.properties;
const fbaNotification = {
  NotificationVersion: fbaProps.NotificationVersion.examples[0],
  NotificationType: fbaProps.NotificationType.enum[0],
  PayloadVersion: fbaProps.PayloadVersion.examples[0],
  EventTime: fbaProps.EventTime.examples[0],
  Payload: fbaProps.Payload.examples[0],
};

async function deliver(body: string) {
  const req = request(body, { "x-api-key": KEY, "content-type": "application/json" });
  const delivery = unwrap(await amazon.verify(req, conn));
  return { delivery, result: amazon.parse(req, conn, delivery) };
}

describe("amazon", () => {
  it("maps the ORDER_CHANGE example: a reference to fetch plus the buyer's cancel request", async () => {
    const { delivery, result } = await deliver(envelope(orderChange));
    expect(delivery).toEqual({ deliveryId: "d0e9e693-c3ad-4373-979f-ed4ec98dd746", topic: "ORDER_CHANGE" });
    const version = Date.parse("2020-01-11T00:09:53.109Z"); // EventTime
    expect(unwrap(result)).toEqual([
      { kind: "order_reference", channel: "amazon-us", externalId: "903-8868176-2219830", version, status: "Unshipped" },
      {
        kind: "cancellation",
        channel: "amazon-us",
        externalId: "903-8868176-2219830",
        version,
        reason: "Buyer Requested Cancel",
        requested: true,
      },
    ]);
  });

  it("maps ORDER_CHANGE statuses: Canceled cancels, Shipped is a status change", async () => {
    const change = (status: string) => {
      const n = structuredClone(orderChange);
      const c = n.Payload.OrderChangeNotification;
      c.OrderChangeType = "OrderStatusChange";
      c.OrderChangeTrigger.ChangeReason = "Order status changed";
      c.Summary.OrderStatus = status;
      c.Summary.OrderItems[0]!.IsBuyerRequestedCancel = false;
      return envelope(n);
    };
    const version = Date.parse("2020-01-11T00:09:53.109Z");
    expect(unwrap((await deliver(change("Canceled"))).result)).toEqual([
      { kind: "cancellation", channel: "amazon-us", externalId: "903-8868176-2219830", version, reason: "Order status changed" },
    ]);
    expect(unwrap((await deliver(change("Shipped"))).result)).toEqual([
      { kind: "status_change", channel: "amazon-us", externalId: "903-8868176-2219830", version, status: "Shipped" },
    ]);
  });

  it("reads a cancel request from the item flag or the change reason, and only then", async () => {
    const variant = (reason: string, flag: boolean) => {
      const n = structuredClone(orderChange);
      n.Payload.OrderChangeNotification.OrderChangeTrigger.ChangeReason = reason;
      n.Payload.OrderChangeNotification.Summary.OrderItems[0]!.IsBuyerRequestedCancel = flag;
      return envelope(n);
    };
    const kinds = async (body: string) => unwrap((await deliver(body)).result).map((e) => (e.kind === "cancellation" ? `cancel:${e.requested}` : e.kind));
    expect(await kinds(variant("Buyer asked a question", true))).toEqual(["order_reference", "cancel:true"]);
    expect(await kinds(variant("BuyerCancelRequest", false))).toEqual(["order_reference", "cancel:true"]);
    expect(await kinds(variant("Buyer updated the gift message", false))).toEqual(["order_reference"]);
  });

  it("maps the FBA inventory example to one observation per marketplace", async () => {
    const { delivery, result } = await deliver(envelope(fbaNotification, "eb-event-1"));
    // This notification has no NotificationMetadata: the EventBridge event id is the delivery id.
    expect(delivery).toEqual({ deliveryId: "eb-event-1", topic: "FBA_INVENTORY_AVAILABILITY_CHANGES" });
    const base = { kind: "inventory_observation", channel: "amazon-us", sku: "SELLERSKU-1", externalItemId: "X001ABCDEF", observedAt: "2020-07-13T19:42:04.284Z" };
    expect(unwrap(result)).toEqual([
      { ...base, location: "fba:ATVPDKIKX0DER", available: 50 },
      { ...base, location: "fba:A2EUQ1WTGCTBG2", available: 40 },
    ]);
  });

  it("maps ORDER_STATUS_CHANGE (no fixture: documented payload shape) and reads a bare notification", async () => {
    const notification = (status: string) =>
      JSON.stringify({
        NotificationType: "ORDER_STATUS_CHANGE",
        EventTime: "2024-05-01T10:00:00Z",
        Payload: { OrderStatusChangeNotification: { AmazonOrderId: "111-2222222-3333333", OrderStatus: status, SellerSKU: "S1", Quantity: 1 } },
        NotificationMetadata: { NotificationId: "n-1", PublishTime: "2024-05-01T10:00:01Z" },
      });
    const version = Date.parse("2024-05-01T10:00:00Z");
    expect(unwrap((await deliver(notification("Shipped"))).result)).toEqual([
      { kind: "status_change", channel: "amazon-us", externalId: "111-2222222-3333333", version, status: "Shipped" },
    ]);
    expect(unwrap((await deliver(notification("Canceled"))).result)).toEqual([
      { kind: "cancellation", channel: "amazon-us", externalId: "111-2222222-3333333", version },
    ]);
  });

  it("falls back to PublishTime for the version and ignores unmapped notifications", async () => {
    const n = { ...orderChange, EventTime: undefined };
    const [first] = unwrap((await deliver(envelope(n))).result);
    expect(first?.kind === "order_reference" && first.version).toBe(Date.parse("2020-07-13T19:42:04.284Z"));
    const other = { ...orderChange, NotificationType: "ANY_OFFER_CHANGED", Payload: {} };
    expect(unwrap((await deliver(envelope(other))).result)).toEqual([{ kind: "ignored", reason: "amazon notification ANY_OFFER_CHANGED is not mapped" }]);
  });

  it("rejects a missing or wrong x-api-key", async () => {
    const body = envelope(orderChange);
    expect(failure(await amazon.verify(request(body), conn))).toEqual({ reason: "missing_signature" });
    for (const key of [`${KEY}x`, KEY.slice(0, -1), "AMZ-API-KEY-0123456789"]) {
      expect(failure(await amazon.verify(request(body, { "x-api-key": key }), conn))).toEqual({ reason: "bad_signature" });
    }
    // A connection without a secret authenticates nothing.
    expect(failure(await amazon.verify(request(body, { "x-api-key": "anything" }), connection("")))).toEqual({ reason: "bad_signature" });
  });

  it("reports invalid JSON and wrong types with the path under detail", async () => {
    const { delivery, result } = await deliver("not json");
    expect(delivery.deliveryId).toMatch(/^sha256:/);
    expect(failure(result)).toEqual({ reason: "invalid_json" });

    const wrong = structuredClone(orderChange) as unknown as { Payload: { OrderChangeNotification: { Summary: { OrderItems: { Quantity: unknown }[] } } } };
    wrong.Payload.OrderChangeNotification.Summary.OrderItems[0]!.Quantity = "10";
    const f = failure((await deliver(envelope(wrong))).result);
    expect(f.reason === "invalid_payload" && f.issues.map((i) => i.path)).toEqual([
      "detail.Payload.OrderChangeNotification.Summary.OrderItems.0.Quantity",
    ]);
    const noType = failure((await deliver(envelope({ Payload: {} }))).result);
    expect(noType.reason === "invalid_payload" && noType.issues.map((i) => i.path)).toEqual(["detail.NotificationType"]);
  });
});
