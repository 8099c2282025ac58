/**
 * The stock position of one SKU at one location, who owns each figure, and the free-to-promise
 * arithmetic. Pure: the InventoryDO stores these figures in SQLite, the ledger keeps them in memory.
 */

export type Source = "erp" | "wms" | "3pl";

/** Figures an inventory event may set or move (the contract's `quantities` / `delta` keys). */
export const FIGURES = ["onHand", "committed", "inTransit", "damaged", "qualityHold", "returnsPending", "safetyStock", "capacity"] as const;
export type Figure = (typeof FIGURES)[number];

/**
 * Which sources may set which figure (DESIGN "Inventory semantics"). The ERP is the financial
 * authority for on-hand and committed at its watermark; the WMS owns the unsellable buckets it
 * physically controls; a 3PL is the whole authority for its own location (its stock, holds and
 * how much it can still ship). Safety stock is configuration and may come from the ERP or WMS.
 */
export const FIGURE_OWNERS: Readonly<Record<Figure, readonly Source[]>> = {
  onHand: ["erp", "3pl"],
  committed: ["erp", "3pl"],
  inTransit: ["erp", "3pl"],
  damaged: ["wms", "3pl"],
  qualityHold: ["wms", "3pl"],
  returnsPending: ["wms", "3pl"],
  safetyStock: ["erp", "wms"],
  capacity: ["3pl"],
};

export const owns = (source: Source, figure: Figure): boolean => FIGURE_OWNERS[figure].includes(source);

export interface Position {
  location: string;
  onHand: number;
  /** What the ERP has allocated to orders it knows, as of `watermark` (plus local moves since). */
  committed: number;
  /** Tracked, never promised: no policy field allows sell-ahead yet. */
  inTransit: number;
  damaged: number;
  qualityHold: number;
  returnsPending: number;
  safetyStock: number;
  /** Units a 3PL can still ship; null for a location without a capacity limit. */
  capacity: number | null;
  /** ms of the latest applied absolute `committed` (the ERP snapshot's asOf): W in the watermark rule. */
  watermark: number | null;
  /** ms of the latest applied absolute `onHand`: a count taken after a shipment reflects it. */
  onHandAsOf: number | null;
}

export function emptyPosition(location: string): Position {
  return {
    location,
    onHand: 0,
    committed: 0,
    inTransit: 0,
    damaged: 0,
    qualityHold: 0,
    returnsPending: 0,
    safetyStock: 0,
    capacity: null,
    watermark: null,
    onHandAsOf: null,
  };
}

/**
 * Switchyard's holds at one location, split by what the ERP has seen as of the watermark
 * (see watermark.ts): `heldSeen` is already inside `committed`; `shippedUnseen` left the building
 * but the ERP's on-hand at W still counts it.
 */
export interface Holds {
  held: number;
  heldSeen: number;
  shippedUnseen: number;
}

export const noHolds = (): Holds => ({ held: 0, heldSeen: 0, shippedUnseen: 0 });

/** Units of ours the ERP's figures at W do not know about. */
export const reservedAfterW = (h: Holds): number => h.held - h.heldSeen + h.shippedUnseen;

/**
 * `free(L) = onHand − committed − reservedAfterW − damaged − qualityHold − returnsPending − safetyStock`.
 * May be negative (stock was lost under existing holds): callers clamp where they sell from it.
 *
 * @example free({ ...emptyPosition("DC1"), onHand: 10, committed: 2, safetyStock: 1 }, noHolds()) // 7
 */
export function free(p: Position, h: Holds): number {
  return p.onHand - p.committed - reservedAfterW(h) - p.damaged - p.qualityHold - p.returnsPending - p.safetyStock;
}

/**
 * What may still be promised from this location: free stock, and for a 3PL no more than it can
 * still ship on top of what we already hold there.
 */
export function sellable(p: Position, h: Holds): number {
  const f = Math.max(0, free(p, h));
  return p.capacity === null ? f : Math.max(0, Math.min(f, p.capacity - h.held));
}
