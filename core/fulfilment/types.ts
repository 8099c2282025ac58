/**
 * Shapes of the warehouse side of an order: fulfillers (who picks and ships for a location),
 * releases (what one fulfiller was asked to ship), the messages each release owes its
 * fulfiller, the EDI documents owed to a dealer, and return authorisations. Plain data, kept in
 * the order's object state (durable-objects/order/order-types.ts).
 */
import type { PartnerSettings } from "../x12/outbound";

export type FulfillerKind = "standard" | "x12";

/** A configured fulfiller, its secret decrypted (lib/fulfilment.ts). */
export interface Fulfiller {
  id: string;
  kind: FulfillerKind;
  name: string | null;
  /** Switchyard locations this fulfiller picks and ships for (each location has at most one). */
  locations: string[];
  /** Where releases and cancels are POSTed. */
  url: string;
  /** standard: the Standard Webhooks signing secret (`whsec_…`); x12: the Bearer token sent with each interchange. */
  secret: string;
  /** Overrides the channel policy's `ackDeadlineSeconds` for releases to this fulfiller. */
  ackDeadlineSeconds: number | null;
  settings: FulfillerSettings;
}

export interface FulfillerSettings {
  /** x12: the ISA/GS ids and conventions of the 3PL (core/x12/outbound PartnerSettings). */
  partner?: PartnerSettings;
  /** x12: the X12 connection the 3PL sends its 945s (and 997s) on; their W0602 order numbers are ours to map back. */
  connectionId?: string;
  /** x12: the W66 carrier defaults of a 940. */
  carrier?: { scac?: string; mode?: string; payment?: "PP" | "CC" | "TP"; routing?: string };
}

export interface ReleaseLine {
  lineNo: number;
  sku: string;
  quantity: number;
}

/**
 * open: sent (or being sent), waiting for the acknowledgement; acknowledged; shipped;
 * timed_out / rejected: failed, waiting for the reroute decision; rerouting: being moved (a late
 * acknowledgement no longer counts); cancelled: withdrawn (rerouted, or the order cancelled).
 */
export type ReleaseState = "open" | "acknowledged" | "shipped" | "timed_out" | "rejected" | "rerouting" | "cancelled";

export interface ReleaseMessage {
  type: "release" | "cancel";
  /** pending: to send (at `nextAt`); delivered: 2xx; failed: attempts exhausted or refused; dropped: no longer needed. */
  state: "pending" | "delivered" | "failed" | "dropped";
  attempts: number;
  /** ms. */
  nextAt: number;
  lastStatus?: number | null;
  lastError?: string;
  deliveredAt?: string;
}

/** What one fulfiller was asked to ship from one location, and where that stands. */
export interface Release {
  /** Per order: r1, r2, … (with the order id, the idempotency key of every message about it). */
  id: string;
  fulfillerId: string;
  kind: FulfillerKind;
  location: string;
  lines: ReleaseLine[];
  state: ReleaseState;
  createdAt: string;
  /** ms; null once acknowledged (or no deadline applies). */
  ackDueAt: number | null;
  /** The channel's `reroute` policy when released: what a timeout or a rejection leads to. */
  onFailure: "reallocate" | "hold";
  messages: ReleaseMessage[];
  /** x12: the 940's W0502 (22 characters at most), which the 3PL quotes back in its 945. */
  orderNumber?: string;
  /** Why a release in `rerouting` failed. */
  failure?: "timed_out" | "rejected";
  /** A failure (timeout, rejection) already dealt with: rerouted or held. */
  handled?: boolean;
}

/** Units held at a location that still have to be released to its fulfiller. */
export interface Unreleased {
  lineNo: number;
  sku: string;
  location: string;
  quantity: number;
}

/** An 855 or 856 owed to the EDI partner the order came from. */
export interface EdiDocument {
  key: string;
  kind: "855" | "856";
  state: "pending" | "issued" | "refused";
  /** 856: the shipment fact it tells of. */
  shipment?: { eventId: string; location: string; carrier?: string; tracking?: string; lines: { sku: string; quantity: number }[] };
}

/** A return authorisation and where its units stand at the warehouse. */
export interface Rma {
  rmaId: string;
  eventId: string;
  lines: { sku: string; quantity: number; location: string | null; restocked: number; scrapped: number }[];
  /** Inventory steps owed (deterministic event ids, so applying twice counts once). */
  steps: { id: string; sku: string; location: string; kind: "pending" | "restock" | "scrap"; quantity: number; applied?: boolean }[];
  receipts: string[];
}
