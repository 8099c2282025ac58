import type { PublishMessage } from "./publish-types";

/** Queue message bodies. Every message carries an idempotency key and a version (Queues deliver at least once, out of order). */
export type DispatchMessage =
  | { kind: "erp.order"; key: string; orderId: string; orchestrationId: string; version: number }
  | { kind: "erp.cancel"; key: string; orderId: string; orchestrationId: string; version: number }
  /** An id-only channel notification (BigCommerce): fetch the order from the channel's API. */
  | { kind: "channel.hydrate"; key: string; connectionId: string; channel: string; externalId: string; version: number }
  /** One projection run's channel figures for one SKU, fanned out to the publishing connections (lib/publishing.ts). */
  | PublishMessage;

export type EventMessage = {
  kind: "event.deliver";
  key: string;
  eventId: string;
  subscriptionId: string;
};

/** One chunk of a bulk import (lib/imports.ts): rows with their line numbers in the file. */
export type ImportMessage = {
  kind: "import.chunk";
  key: string;
  version: number;
  jobId: string;
  chunk: number;
  target: "inventory" | "products" | "customers";
  rows: { line: number; row: Record<string, unknown> }[];
};
