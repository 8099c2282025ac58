/** The shapes publishing passes between the projector, the dispatch queue and the publisher objects (kept apart so queue message types import nothing with bindings). */
import type { PublisherKind } from "../connectors/channels/types";

export interface PublishTarget {
  connectionId: string;
  kind: PublisherKind;
  channel: string;
  /** Switchyard location → channel location id (settings.publish.locations). */
  locations: Record<string, string>;
  /**
   * With several distinct channel locations: the Switchyard locations feeding each one (sorted).
   * Null when the connection has one channel location (or none): it gets the channel's figure.
   */
  groups: Record<string, string[]> | null;
}

/** One channel's figure for one SKU, as a projection run computed it. */
export interface PublishedFigure {
  channel: string;
  available: number;
  /** The channel's policy over a subset of its locations, by `groupKey` (multi-location connections). */
  groups?: Record<string, number>;
  /** Deliver to exactly these connections (re-projection); default every publishing connection of the channel. */
  connections?: PublishTarget[];
}

/** One projection run's figures (one queue message per run, whatever the number of connections). */
export interface PublishMessage {
  kind: "publish.figures";
  key: string;
  sku: string;
  /** Monotonic per SKU: a figure is never applied after a newer one (queues reorder). */
  seq: number;
  version: number;
  /** Time of the oldest stock fact this run carried (lag is measured from it). */
  sourceAt: number | null;
  figures: PublishedFigure[];
}

/** What the publisher object is offered for one (SKU, channel location). */
export interface PublishOffer {
  sku: string;
  /** Channel location id, "" when the provider has none or the connection has one location. */
  location: string;
  available: number;
  seq: number;
  sourceAt: number | null;
}

