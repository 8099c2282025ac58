/**
 * SP-API notifications → canonical events. Amazon's notifications are deliberately thin: no
 * prices, no buyer, no address beyond a postal code, so orders become references to fetch.
 */
import { z } from "zod";
import type { ChannelEvent } from "../../canonical";
import { compact, present } from "../payload";

const text = z.string().nullish();

/** The SP-API notification, which EventBridge carries as the event's `detail`. */
export const notificationSchema = z.looseObject({
  NotificationType: z.string().min(1),
  EventTime: text,
  Payload: z.record(z.string(), z.unknown()),
  NotificationMetadata: z.looseObject({ NotificationId: text, PublishTime: text }).nullish(),
});
export type Notification = z.infer<typeof notificationSchema>;

export const orderChangeSchema = z.looseObject({
  OrderChangeNotification: z.looseObject({
    AmazonOrderId: z.string().min(1),
    OrderChangeType: text,
    OrderChangeTrigger: z.looseObject({ ChangeReason: text, TimeOfOrderChange: text }).nullish(),
    Summary: z.looseObject({
      OrderStatus: z.string().min(1),
      FulfillmentType: text,
      OrderItems: z
        .array(z.looseObject({ SellerSKU: text, Quantity: z.number().int().nullish(), IsBuyerRequestedCancel: z.boolean().nullish() }))
        .nullish(),
    }),
  }),
});

export const orderStatusChangeSchema = z.looseObject({
  OrderStatusChangeNotification: z.looseObject({ AmazonOrderId: z.string().min(1), OrderStatus: z.string().min(1) }),
});

export const fbaInventorySchema = z.looseObject({
  SKU: z.string().min(1),
  FNSKU: text,
  ASIN: text,
  FulfillmentInventoryByMarketplace: z.array(
    z.looseObject({
      MarketplaceId: z.string().min(1),
      FulfillmentInventory: z.looseObject({ Fulfillable: z.number().int() }),
    }),
  ),
});

/** Statuses at which the order is new to us and must be fetched (getOrder + getOrderItems). */
const ACTIONABLE = new Set(["Pending", "Unshipped"]);

export function mapOrderChange(p: z.infer<typeof orderChangeSchema>, channel: string, version: number): ChannelEvent[] {
  const n = p.OrderChangeNotification;
  const status = n.Summary.OrderStatus;
  const reason = present(n.OrderChangeTrigger?.ChangeReason);
  const externalId = n.AmazonOrderId;
  if (status === "Canceled") return [compact({ kind: "cancellation" as const, channel, externalId, version, reason })];
  const events: ChannelEvent[] = [
    ACTIONABLE.has(status)
      ? { kind: "order_reference", channel, externalId, version, status }
      : { kind: "status_change", channel, externalId, version, status },
  ];
  // A buyer's cancel request is not a cancellation: the seller must still accept it (or ship).
  const requested =
    (n.Summary.OrderItems ?? []).some((i) => i.IsBuyerRequestedCancel === true) ||
    (n.OrderChangeType === "BuyerRequestedChange" && /cancel/i.test(reason ?? ""));
  if (requested) events.push(compact({ kind: "cancellation" as const, channel, externalId, version, reason, requested: true }));
  return events;
}

export function mapOrderStatusChange(p: z.infer<typeof orderStatusChangeSchema>, channel: string, version: number): ChannelEvent[] {
  const { AmazonOrderId: externalId, OrderStatus: status } = p.OrderStatusChangeNotification;
  return status === "Canceled"
    ? [{ kind: "cancellation", channel, externalId, version }]
    : [{ kind: "status_change", channel, externalId, version, status }];
}

/** One observation per marketplace: FBA pools are per marketplace, and they are Amazon's, not ours. */
export function mapFbaInventory(p: z.infer<typeof fbaInventorySchema>, channel: string, observedAt: string): ChannelEvent[] {
  return p.FulfillmentInventoryByMarketplace.map((m) => ({
    kind: "inventory_observation" as const,
    channel,
    sku: p.SKU,
    externalItemId: present(p.FNSKU) ?? present(p.ASIN) ?? p.SKU,
    location: `fba:${m.MarketplaceId}`,
    available: m.FulfillmentInventory.Fulfillable,
    observedAt,
  }));
}
