/**
 * The storage a SKU's inventory ledger runs on. Two implementations: `MemoryStore` (below; unit
 * and property tests) and the InventoryDO's SQLite store (lib/inventory-sql-store.ts). Every
 * method is synchronous on purpose: a ledger operation reads, decides and writes with nothing
 * that could yield in between, so in the Durable Object it runs inside one `transactionSync`.
 */
import type { LocationState } from "./events";
import type { Allocation } from "./allocate";
import { noHolds, type Holds } from "./position";
import type { ReservationRow } from "./watermark";

/** The first outcome of `reserve` for one order line: what a repeat returns. */
export interface LineRecord {
  orderId: string;
  lineNo: number;
  channel: string;
  requested: number;
  reserved: number;
  backordered: number;
  rejected: number;
  allocations: Allocation[];
  createdAt: number;
  /** held: holds outstanding; closed: fully shipped; cancelled: released for good. */
  state: "held" | "closed" | "cancelled";
}

export interface InventoryStore {
  locations(): string[];
  location(location: string): LocationState | null;
  putLocation(state: LocationState): void;

  line(orderId: string, lineNo: number): LineRecord | null;
  linesOf(orderId: string): LineRecord[];
  putLine(line: LineRecord): void;
  deleteLine(orderId: string, lineNo: number): void;

  rowsOf(orderId: string, lineNo?: number): ReservationRow[];
  rowsAt(location: string): ReservationRow[];
  putRow(row: ReservationRow): void;
  deleteRow(orderId: string, lineNo: number, location: string): void;

  /** The counters: holds per (location, channel), kept equal to Σ rows by the ledger. */
  totals(location: string): Map<string, Holds>;
  setTotals(location: string, channel: string, holds: Holds): void;
  channelHeld(channel: string): number;

  /** Dedupe of inventory events and of consume operations. */
  seen(id: string): boolean;
  remember(id: string, at: number): void;
}

const key = (...parts: (string | number)[]) => parts.join("\u0000");

/** In-memory store for tests; mirrors the SQLite store's semantics exactly. */
export class MemoryStore implements InventoryStore {
  #locations = new Map<string, LocationState>();
  #lines = new Map<string, LineRecord>();
  #rows = new Map<string, ReservationRow>();
  #totals = new Map<string, Map<string, Holds>>();
  #seen = new Set<string>();

  locations = () => [...this.#locations.keys()].sort();
  location = (l: string) => structuredClone(this.#locations.get(l) ?? null);
  putLocation = (s: LocationState) => void this.#locations.set(s.position.location, structuredClone(s));

  line = (o: string, n: number) => structuredClone(this.#lines.get(key(o, n)) ?? null);
  linesOf = (o: string) => [...this.#lines.values()].filter((l) => l.orderId === o).map((l) => structuredClone(l));
  putLine = (l: LineRecord) => void this.#lines.set(key(l.orderId, l.lineNo), structuredClone(l));
  deleteLine = (o: string, n: number) => void this.#lines.delete(key(o, n));

  rowsOf = (o: string, n?: number) =>
    [...this.#rows.values()].filter((r) => r.orderId === o && (n === undefined || r.lineNo === n)).map((r) => ({ ...r }));
  rowsAt = (l: string) => [...this.#rows.values()].filter((r) => r.location === l).map((r) => ({ ...r }));
  putRow = (r: ReservationRow) => void this.#rows.set(key(r.orderId, r.lineNo, r.location), { ...r });
  deleteRow = (o: string, n: number, l: string) => void this.#rows.delete(key(o, n, l));

  totals = (l: string) => new Map([...(this.#totals.get(l) ?? new Map<string, Holds>())].map(([c, h]) => [c, { ...h }]));
  setTotals(l: string, c: string, h: Holds): void {
    const m = this.#totals.get(l) ?? new Map<string, Holds>();
    if (h.held === 0 && h.heldSeen === 0 && h.shippedUnseen === 0) m.delete(c);
    else m.set(c, { ...h });
    this.#totals.set(l, m);
  }
  channelHeld = (c: string) => [...this.#totals.values()].reduce((s, m) => s + (m.get(c) ?? noHolds()).held, 0);

  seen = (id: string) => this.#seen.has(id);
  remember = (id: string) => void this.#seen.add(id);
}
