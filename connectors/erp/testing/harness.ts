/**
 * What a conformance run needs from the ERP it runs against: a working connection, a broken one,
 * known master data, and a few hands on the far side (inject a late answer, put stock, ship,
 * count sales orders). A loopback stub, the ERP simulator and a real ERP (Tryton in Docker)
 * can all provide these; the optional ones a real ERP cannot fake are skipped when absent.
 */
import type { ConnectorDeps, ConnectorFactory, ErpConnectionConfig } from "../types";

export interface StockOnFarSide {
  sku: string;
  /** The ERP's own location or warehouse code. */
  erpLocation: string;
  onHand: number;
  committed: number;
}

export interface ConformanceHarness {
  factory: ConnectorFactory;
  /** A working connection; give it a fresh `id` so per-isolate caches never cross runs. `settings.pageSize` should be small (2) so paging is exercised. */
  config: ErpConnectionConfig;
  /** The same connection with a wrong secret: health must be `config`. */
  badCredentials: ErpConnectionConfig;
  /** Defaults: global fetch, Date.now, timeoutMs 1500. */
  deps?: Partial<ConnectorDeps>;
  /** A customer the ERP knows, one it does not (with `settings.customers` "match"). */
  customer: string;
  unknownCustomer: string;
  /** Two SKUs the ERP knows, one it does not. */
  skus: [string, string];
  unknownSku: string;
  /** One mapped location (`settings.locations[switchyard] = erp`) and an ERP code the mapping leaves out. */
  location: { switchyard: string; erp: string };
  unmappedErpLocation: string;
  /**
   * How the ERP reports stock: `per-location` rows with its committed figure, or (Business
   * Central without a stock extension) one all-locations `total` under the mapped location.
   */
  stockModel?: "per-location" | "total";
  /** Every credential and token that must never appear in a result. Asked after the other tests ran. */
  secrets(): Promise<string[]> | string[];
  /** The far side commits the next sales order create for `orderId` and answers later than `deps.timeoutMs`. */
  injectTimeoutOnNextCreate(orderId: string): Promise<void>;
  /** Number of sales orders the ERP holds under this reference. */
  countOrders(orderId: string): Promise<number>;
  /** Sets on-hand and committed (absolute figures) at ERP locations. */
  setStock(rows: StockOnFarSide[]): Promise<void>;
  /** Ships the whole order from an ERP location on the far side (posts the delivery). */
  ship(ref: { erpOrderId: string; orderId: string }, erpLocation: string): Promise<void>;
  /** Puts the order in a state the ERP refuses to cancel (shipped, locked, ...). */
  makeUncancellable(ref: { erpOrderId: string; orderId: string }): Promise<void>;
  /** The next create for `orderId` is refused by the ERP's rules; resolves to text the connector's reason must contain. */
  injectRejectionOnNextCreate?(orderId: string): Promise<string>;
  /** The next create for `orderId` is throttled with `Retry-After: seconds`. */
  injectThrottleOnNextCreate?(orderId: string, seconds: number): Promise<void>;
}
