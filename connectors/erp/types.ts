/**
 * The ERP connector contract: one module per ERP (`http`, `tryton`, `business-central`, `odoo`)
 * behind this one interface. Connectors do network I/O with the `fetch` they are given and
 * nothing else: no bindings, no storage, so the same conformance suite runs against each of them
 * (against a real Tryton, and against loopback stubs that answer like BC and Odoo document).
 *
 * Rules every connector keeps:
 * - **Never throws.** Every answer is classified into an `ErpResult`: `ok`, `retry` (transient:
 *   timeouts, network, 408/429/5xx, the ERP's own throttling signal with its delay), `rejected`
 *   (business: the ERP said no, with its reason and, where known, a typed code) or `config`
 *   (auth or configuration: wrong credentials, unknown company or database; alerted, not retried
 *   forever).
 * - **Idempotent booking without help from the ERP.** `createOrder` first looks the order up by
 *   the reference it writes into the ERP (Switchyard's `orderId`: Tryton `reference`, BC
 *   `externalDocumentNumber`, Odoo `client_order_ref`) and returns the existing one; after a
 *   timeout it looks again before any retry creates. A retry, a replay or a duplicate can never
 *   make a second sales order.
 * - **Tokens are cached and refreshed** (per isolate, keyed by connection id and credentials),
 *   and a 401 with a cached token refreshes once before it is `config`.
 * - **Master data is resolved, not guessed:** channel customer → ERP party / customer number,
 *   SKU → ERP item, cached; an unknown one is `rejected` with `code: "unknown_customer"` or
 *   `"unknown_item"` (never a retry storm).
 * - **Locations are mapped both ways** with `settings.locations` (Switchyard location → ERP
 *   location or warehouse code). Stock rows come back in Switchyard locations; ERP locations
 *   with no mapping are left out when a mapping is configured.
 * - No secret (password, token, API key, client secret) ever appears in a reason, a result or a
 *   log line; ERP error bodies are cut to 500 characters.
 */

export const ERP_KINDS = ["http", "tryton", "business-central", "odoo"] as const;
export type ErpKind = (typeof ERP_KINDS)[number];

/** One configured ERP (CONTRACT.md `PUT /v1/admin/erp-connections/{id}`), credentials unsealed. */
export interface ErpConnectionConfig {
  id: string;
  kind: ErpKind;
  /** e.g. `http://127.0.0.1:8000` (Tryton, database in credentials), `https://api.businesscentral.dynamics.com` (BC), `https://acme.odoo.com` (Odoo). */
  baseUrl: string;
  /** Per kind (CONTRACT.md): tryton `{ database, username, password }`; business-central `{ tenantId, clientId, clientSecret }` (+ optional `tokenUrl` for tests); odoo `{ apiKey }` (+ `database`, `username` for XML-RPC / JSON-RPC). http `{ token }`. */
  credentials: Record<string, string>;
  settings: ErpSettings;
}

export interface ErpSettings {
  /** Switchyard location → ERP location / warehouse code. */
  locations?: Record<string, string>;
  /** `"match"` (default): an unknown customer is `unknown_customer`; `"create"`: the connector creates it from the order. */
  customers?: "match" | "create";
  /** Seconds between polls of this ERP (default 60). */
  pollSeconds?: number;
  /** business-central: environment name (`production`, `sandbox`) and company GUID. */
  environment?: string;
  companyId?: string;
  /** odoo: major version (19+ speaks JSON-2; ≤ 18 XML-RPC / JSON-RPC). */
  version?: number;
  /** odoo: client-side throttle, calls per second (Odoo documents no limits; default 1). */
  callsPerSecond?: number;
  /** Anything a kind needs beyond these (documented in its module). */
  [k: string]: unknown;
}

/** What a connector needs from its host: injected so tests can drive time and the network. */
export interface ConnectorDeps {
  fetch: typeof fetch;
  /** ms since epoch */
  now(): number;
  /** Per-call timeout (ms); default 10 000. */
  timeoutMs?: number;
  /** Sleeps for client-side throttling (Odoo); default setTimeout. */
  sleep?(ms: number): Promise<void>;
}

export type ErpRejectCode = "unknown_customer" | "unknown_item" | "invalid_order" | "not_cancellable" | "conflict" | "other";

export type ErpResult<T> =
  | { kind: "ok"; value: T }
  | { kind: "retry"; reason: string; retryAfterSeconds: number | null; httpStatus?: number }
  | { kind: "rejected"; reason: string; code: ErpRejectCode; httpStatus?: number }
  | { kind: "config"; reason: string; httpStatus?: number };

export interface ErpAddress {
  name: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
}

/** The order as Switchyard books it: the canonical order plus its Switchyard identity. */
export interface ErpOrder {
  /** Switchyard's order id: the reference written into the ERP and looked up before creating. */
  orderId: string;
  orchestrationId: string;
  version: number;
  channel: string;
  externalId: string;
  customer: { id: string; name?: string; email?: string };
  shipTo?: ErpAddress;
  billTo?: ErpAddress;
  /** ISO 4217 */
  currency: string;
  lines: { lineNo: number; sku: string; quantity: number; unitPrice?: string; name?: string; /** Switchyard location the units are held at, when known. */ location?: string }[];
  placedAt?: string;
  notes?: string;
}

/** The ERP's view of one sales order, normalised. */
export interface ErpOrderStatus {
  erpOrderId: string;
  /** The Switchyard orderId found in the ERP's reference field, when it is one of ours. */
  reference: string | null;
  state: "draft" | "open" | "confirmed" | "processing" | "shipped" | "done" | "cancelled";
  /** The ERP's own state word(s), for the timeline. */
  erpState: string;
  /** ISO time of the ERP's last change to it. */
  updatedAt: string;
}

export interface ErpStockRow {
  sku: string;
  /** Switchyard location (mapped back through settings.locations). */
  location: string;
  onHand: number;
  /** Units the ERP has allocated to orders it knows (BC/Odoo reserved, Tryton on hand − forecast). */
  committed: number;
}

export interface ErpShipment {
  /** Stable id of the ERP's shipment document: the dedupe key of the shipment event. */
  shipmentId: string;
  erpOrderId: string;
  reference: string | null;
  /** Switchyard location it shipped from. */
  location: string;
  lines: { sku: string; quantity: number }[];
  carrier?: string;
  tracking?: string;
  shippedAt: string;
}

/** A page of changes after `cursor`; feed `cursor` back for the next page. Opaque to callers. */
/** A product as the ERP owns it: Switchyard's master data where the ERP is the owner system. */
export interface ErpProduct {
  sku: string;
  status: "active" | "discontinued" | "blocked";
  name?: string;
  units?: { code: string; each: number }[];
  /** Orders the ERP's revisions of the product (its write sequence or write time in ms). */
  version: number;
}

export interface ErpPage<T> {
  items: T[];
  cursor: string;
  /** More pages are waiting now (poll again without waiting). */
  more: boolean;
}

export interface ErpConnector {
  readonly kind: ErpKind;
  /** A cheap authenticated call that proves base URL, credentials and company/database are right. */
  health(): Promise<ErpResult<{ version?: string; detail: string }>>;
  /** Books the order once (look up by reference first, and again after a timeout). `created: false` when it was already there. */
  createOrder(order: ErpOrder): Promise<ErpResult<{ erpOrderId: string; created: boolean; state: ErpOrderStatus["state"] }>>;
  /** Cancels where the ERP allows it; `rejected` with `code: "not_cancellable"` and the ERP's reason where it does not. Always re-reads the state. `orchestrationId` is carried on the ERP call where the ERP takes one (invariant 6). */
  cancelOrder(ref: { erpOrderId: string; orderId: string; orchestrationId?: string }): Promise<ErpResult<{ state: ErpOrderStatus["state"] }>>;
  /** By ERP id, or by our reference when the ERP id is not known; `null` when the ERP has no such order. */
  getOrder(ref: { erpOrderId?: string; orderId: string }): Promise<ErpResult<ErpOrderStatus | null>>;
  ordersChangedSince(cursor: string | null): Promise<ErpResult<ErpPage<ErpOrderStatus>>>;
  /** With `skus`: those SKUs now. With a cursor: SKUs whose stock moved since it (null: everything, paged). `asOf` is the ERP's watermark for the rows. */
  stockByLocation(q: { cursor: string | null } | { skus: string[] }): Promise<ErpResult<ErpPage<ErpStockRow> & { asOf: string }>>;
  shipmentsSince(cursor: string | null): Promise<ErpResult<ErpPage<ErpShipment>>>;
  /** Products changed since the cursor (null: everything, paged); absent where the connector cannot list products. */
  productsChangedSince?(cursor: string | null): Promise<ErpResult<ErpPage<ErpProduct>>>;
}

/** Builds a connector for a configured ERP. */
export type ConnectorFactory = (config: ErpConnectionConfig, deps: ConnectorDeps) => ErpConnector;
