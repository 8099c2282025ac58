/**
 * Every storage key and object name Switchyard uses, in one place. Names built from outside
 * input (channels, external ids, connection and delivery ids) encode each part, so no two
 * identities can share a name: (`c:X`, `b`) and (`c`, `X:b`) stay apart.
 *
 * @example orderObjectName("web", "1001") // "order:web:1001"
 */

const part = (s: string) => encodeURIComponent(s);

/** The TransactionDO that owns one logical order: (channel, externalId) is its business identity. */
export const orderObjectName = (channel: string, externalId: string) => `order:${part(channel)}:${part(externalId)}`;

/** The TransactionDO that guards one Idempotency-Key of one principal (the governed API). */
export const idempotencyObjectName = (principal: string, key: string) => `idem:${part(principal)}:${part(key)}`;

/** Shards of a connection's delivery ledger: transport dedupe across every order of the connection. */
export const DELIVERY_SHARDS = 32;

/** The ledger shard for one delivery id of a connection (FNV-1a over the id, so it needs no await). */
export function deliveryLedgerName(connectionId: string, deliveryId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < deliveryId.length; i++) {
    h ^= deliveryId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `deliveries:${part(connectionId)}:${h % DELIVERY_SHARDS}`;
}

/** The key of one delivery inside its ledger shard. */
export const deliveryKey = (connectionId: string, deliveryId: string) => `${part(connectionId)}:${part(deliveryId)}`;

/** The ErpPollerDO of one ERP connection: its read-back cursors and poll schedule. */
export const erpPollerName = (connectionId: string) => `erp-poller:${part(connectionId)}`;

/** The PublisherDO of one channel connection: its coalesced figures, acknowledgments and id cache. */
export const publisherObjectName = (connectionId: string) => `publisher:${part(connectionId)}`;

/** The one scheduler object (periodic work). */
export const SCHEDULER_OBJECT = "scheduler";

/** KV: one channel's published figure for one SKU. */
export const availabilityKey = (channel: string, sku: string) => `avail:${channel}:${sku}`;

/** Order ids are `ord_` + the hex id of the order's object, so any route reaches the object from the id alone. */
export const ORDER_ID = /^ord_([0-9a-f]{64})$/;
export const orderIdOf = (objectIdHex: string) => `ord_${objectIdHex}`;

/** The PartnerDO of one X12 trading partner: an EDI channel connection (`edi`) or an x12 fulfiller (`fulfiller`). */
export const partnerObjectName = (kind: "edi" | "fulfiller", id: string) => `partner:${kind}:${part(id)}`;

/** Return authorisations name their order, so a receipt reaches its object from the id alone: `rma_<order object hex>_<n>`. */
export const RMA_ID = /^rma_([0-9a-f]{64})_(\d+)$/;
export const rmaIdOf = (orderId: string, n: number) => `rma_${orderId.replace(/^ord_/, "")}_${n}`;
export const orderIdOfRma = (rmaId: string) => {
  const m = RMA_ID.exec(rmaId);
  return m ? orderIdOf(m[1]!) : null;
};

/** KV: the order path's copies of master data (lib/master.ts writes them after each D1 commit). */
export const masterKeys = {
  /** `{ product, prices }` of one SKU. */
  product: (sku: string) => `md:p:${part(sku)}`,
  /** The same value under a channel's own SKU for the product. */
  alias: (channel: string, sku: string) => `md:a:${part(channel)}:${part(sku)}`,
  customer: (id: string) => `md:c:${part(id)}`,
  /** The customer under the id a channel knows it by. */
  account: (channel: string, accountId: string) => `md:ca:${part(channel)}:${part(accountId)}`,
  /** A channel's `masterData` policy, copied from its channel policy. */
  policy: (channel: string) => `md:pol:${part(channel)}`,
  /** Present once any master data was ever written: without it the order path reads nothing. */
  present: "md:on",
} as const;

/** The MasterDO of one bulk job (its progress and report). */
export const jobObjectName = (jobId: string) => `job:${part(jobId)}`;
export const JOB_ID = /^job_[0-9a-f]{32}$/;

/** The MasterDO that registers the orders held for one customer's credit. */
export const holdsObjectName = (customerId: string) => `holds:${part(customerId)}`;

/** The MetricsDO that adds up every isolate's counters and keeps connections' cadence. */
export const METRICS_OBJECT = "metrics";
