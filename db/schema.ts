/**
 * D1 schema: the queryable side of Switchyard (orders, configuration, ops records).
 * Durable Objects hold the authoritative per-order and per-SKU state (an order's timeline lives
 * only in its object); D1 is what ops views and reports query. Migrations are generated from this file with `npm run db:generate`.
 */
import { sql } from "drizzle-orm";
import { sqliteTable, text, integer, index, uniqueIndex, primaryKey } from "drizzle-orm/sqlite-core";

export const connections = sqliteTable("connections", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  name: text("name"),
  channel: text("channel").notNull(),
  secretEnc: text("secret_enc").notNull(),
  settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    prefix: text("prefix").notNull(),
    scopes: text("scopes", { mode: "json" }).$type<string[]>().notNull(),
    ratePerMinute: integer("rate_per_minute"),
    createdAt: text("created_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash").on(t.keyHash)],
);

export const channelPolicies = sqliteTable("channel_policies", {
  channel: text("channel").primaryKey(),
  policy: text("policy", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const subscriptions = sqliteTable("subscriptions", {
  id: text("id").primaryKey(),
  url: text("url").notNull(),
  secretEnc: text("secret_enc").notNull(),
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    orchestrationId: text("orchestration_id").notNull(),
    channel: text("channel").notNull(),
    externalId: text("external_id").notNull(),
    version: integer("version").notNull(),
    status: text("status").notNull(),
    source: text("source").notNull(),
    customerId: text("customer_id").notNull(),
    currency: text("currency").notNull(),
    /** The canonical order as last applied: what the ERP is sent. */
    payload: text("payload", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    erpOrderId: text("erp_order_id"),
    exceptionReason: text("exception_reason"),
    exceptionDetail: text("exception_detail"),
    /** Outbox state of the ERP hand-off: pending → enqueued → confirmed | rejected | dead. */
    dispatchState: text("dispatch_state").notNull(),
    dispatchVersion: integer("dispatch_version").notNull(),
    enqueuedAt: text("enqueued_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  // WITHOUT ROWID (migration 0013): the id is the row, so an insert writes no separate key index.
  (t) => [
    uniqueIndex("orders_channel_external").on(t.channel, t.externalId),
    index("orders_dispatch").on(t.dispatchState, t.enqueuedAt),
    // Only exceptions are looked up by status (the ops list, newest first): a partial index is
    // written only for them, where an index on status was written on every status change.
    index("orders_exceptions").on(t.updatedAt).where(sql`status = 'exception'`),
  ],
);

export const orderLines = sqliteTable(
  "order_lines",
  {
    orderId: text("order_id").notNull(),
    lineNo: integer("line_no").notNull(),
    sku: text("sku").notNull(),
    quantity: integer("quantity").notNull(),
    unitPrice: text("unit_price"),
    reserved: integer("reserved").notNull(),
    backordered: integer("backordered").notNull(),
    shipped: integer("shipped").notNull().default(0),
  },
  // No index on sku: nothing reads lines by SKU (an index is a row written per line). WITHOUT
  // ROWID, like \`orders\` (migration 0013, hand-written: drizzle's schema cannot say it): the key
  // is the row, not a row plus a key index.
  (t) => [primaryKey({ columns: [t.orderId, t.lineNo] })],
);

export const exceptions = sqliteTable(
  "exceptions",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    orderId: text("order_id"),
    connectionId: text("connection_id"),
    reason: text("reason").notNull(),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    body: text("body"),
    createdAt: text("created_at").notNull(),
    resolvedAt: text("resolved_at"),
  },
  (t) => [index("exceptions_created").on(t.createdAt), index("exceptions_order").on(t.orderId)],
);

/** What a channel shows for an item (Shopify inventory_levels/update, Amazon FBA): for reconciliation only. */
export const channelObservations = sqliteTable(
  "channel_observations",
  {
    id: text("id").primaryKey(),
    channel: text("channel").notNull(),
    connectionId: text("connection_id").notNull(),
    sku: text("sku"),
    externalItemId: text("external_item_id").notNull(),
    location: text("location"),
    available: integer("available"),
    observedAt: text("observed_at").notNull(),
    deliveryId: text("delivery_id").notNull(),
  },
  (t) => [index("channel_observations_item").on(t.channel, t.externalItemId, t.observedAt)],
);

export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    queue: text("queue").notNull(),
    messageId: text("message_id").notNull(),
    orderId: text("order_id"),
    kind: text("kind").notNull(),
    body: text("body", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    reason: text("reason").notNull(),
    attempts: integer("attempts").notNull(),
    createdAt: text("created_at").notNull(),
    replayedAt: text("replayed_at"),
    replayCount: integer("replay_count").notNull().default(0),
  },
  (t) => [uniqueIndex("dead_letters_message").on(t.queue, t.messageId), index("dead_letters_created").on(t.createdAt)],
);

// --- inventory ---

/**
 * Per-channel published availability as last projected by each SKU's InventoryDO (the same figure
 * written to KV `avail:<channel>:<sku>`), with the sync lag measured for it: source fact time →
 * projection written. For ops and reconciliation (published vs computed); never read for a decision.
 */
export const availabilityProjections = sqliteTable(
  "availability_projections",
  {
    channel: text("channel").notNull(),
    sku: text("sku").notNull(),
    available: integer("available").notNull(),
    asOf: text("as_of").notNull(),
    /** Time of the oldest fact this projection carried (event asOf, reservation time). */
    sourceAt: text("source_at"),
    writtenAt: text("written_at").notNull(),
    lagMs: integer("lag_ms"),
  },
  (t) => [primaryKey({ columns: [t.channel, t.sku] }), index("availability_projections_written").on(t.writtenAt)],
);

/**
 * Events for subscribers, appended by their producers and delivered by dispatch. Body on the wire:
 * `{ id, type, occurredAt, orchestrationId, data }`. Ids are deterministic per producer, so a
 * producer that retries appends nothing twice (`INSERT OR IGNORE`).
 */
export const outboundEvents = sqliteTable(
  "outbound_events",
  {
    id: text("id").primaryKey(),
    type: text("type").notNull(),
    occurredAt: text("occurred_at").notNull(),
    orchestrationId: text("orchestration_id"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    /** pending → delivered | failed (dispatch owns the transitions). */
    state: text("state").notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    createdAt: text("created_at").notNull(),
    deliveredAt: text("delivered_at"),
    /** What the event is about (an order id, `inv:<sku>:<channel>`): a subscriber gets one stream's events in `seq` order. */
    stream: text("stream"),
    seq: integer("seq"),
  },
  (t) => [index("outbound_events_state").on(t.state, t.createdAt), index("outbound_events_type").on(t.type, t.occurredAt), index("outbound_events_stream").on(t.stream, t.seq)],
);

// --- subscriber delivery ---

/** One row per (event, subscription): the fan-out of outbound events and each delivery's state. */
export const eventDeliveries = sqliteTable(
  "event_deliveries",
  {
    eventId: text("event_id").notNull(),
    subscriptionId: text("subscription_id").notNull(),
    /**
     * waiting → queued → delivered | dead. One stream's deliveries to one subscription go one at a
     * time, in `seq` order: only the earliest undelivered is queued; the rest wait for it.
     */
    state: text("state").notNull(),
    attempts: integer("attempts").notNull().default(0),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    createdAt: text("created_at").notNull(),
    deliveredAt: text("delivered_at"),
    /** The event's stream and sequence (outbound_events.stream, .seq), copied for the ordering. */
    stream: text("stream"),
    seq: integer("seq"),
    /** When the queued delivery is next expected to be tried: long past it, the sweep sends it again. */
    dueAt: text("due_at"),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.subscriptionId] }),
    index("event_deliveries_state").on(t.state, t.createdAt),
    index("event_deliveries_stream").on(t.subscriptionId, t.stream, t.state, t.seq),
    index("event_deliveries_due").on(t.state, t.dueAt),
  ],
);

// --- governance ---

/** Every admin change (and operator action): who, what, and the resource before and after, secrets redacted. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: text("id").primaryKey(),
    at: text("at").notNull(),
    /** `admin:<token fingerprint>` or `key:<api key id>`. */
    actor: text("actor").notNull(),
    /** `<resource>.<verb>`, e.g. `connection.put`, `api_key.revoke`, `dead_letter.replay`. */
    action: text("action").notNull(),
    resource: text("resource").notNull(),
    resourceId: text("resource_id").notNull(),
    before: text("before", { mode: "json" }).$type<unknown>(),
    after: text("after", { mode: "json" }).$type<unknown>(),
  },
  (t) => [index("audit_log_at").on(t.at), index("audit_log_resource").on(t.resource, t.resourceId, t.at)],
);

// --- ERP connections ---

/**
 * Configured ERPs (`PUT /v1/admin/erp-connections/{id}`): kind, base URL, credentials sealed as
 * one AES-GCM blob (never read back), per-kind settings. At most one is the default, the one
 * orders go to unless their channel's policy names another (the partial unique index keeps it one).
 */
export const erpConnections = sqliteTable(
  "erp_connections",
  {
    id: text("id").primaryKey(),
    kind: text("kind").notNull(),
    name: text("name"),
    baseUrl: text("base_url").notNull(),
    credentialsEnc: text("credentials_enc").notNull(),
    /** Names of the sealed credentials, for reads (the values never leave the blob). */
    credentialNames: text("credential_names", { mode: "json" }).$type<string[]>().notNull(),
    settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("erp_connections_one_default").on(t.isDefault).where(sql`${t.isDefault} = 1`)],
);

// --- fulfilment ---

/**
 * Fulfillers: the WMS or 3PL that picks and ships for each location (docs/fulfilment.md). A
 * location belongs to at most one fulfiller (`fulfiller_locations`), so a release has one
 * destination. Read through a short per-isolate cache (lib/fulfilment.ts), like policies.
 */
export const fulfillers = sqliteTable("fulfillers", {
  id: text("id").primaryKey(),
  kind: text("kind").notNull(),
  name: text("name"),
  locations: text("locations", { mode: "json" }).$type<string[]>().notNull(),
  url: text("url").notNull(),
  secretEnc: text("secret_enc").notNull(),
  ackDeadlineSeconds: integer("ack_deadline_seconds"),
  settings: text("settings", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const fulfillerLocations = sqliteTable(
  "fulfiller_locations",
  {
    location: text("location").primaryKey(),
    fulfillerId: text("fulfiller_id").notNull(),
  },
  (t) => [index("fulfiller_locations_fulfiller").on(t.fulfillerId)],
);

// --- master data (docs/master-data.md) ---

/**
 * Canonical master data, one row per record, written by conditional upserts: a row changes only
 * for a higher `version` (`write_id` names the write that last changed it, so the statements of
 * one batch that follow the upsert act only when it applied). The order path never reads these:
 * it reads the KV copies written after each commit (lib/master.ts).
 */
export const masterProducts = sqliteTable("master_products", {
  sku: text("sku").primaryKey(),
  status: text("status").notNull(),
  version: integer("version").notNull(),
  owner: text("owner").notNull(),
  record: text("record", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  writeId: text("write_id").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const masterCustomers = sqliteTable("master_customers", {
  id: text("id").primaryKey(),
  creditHold: integer("credit_hold", { mode: "boolean" }).notNull().default(false),
  priceGroup: text("price_group"),
  version: integer("version").notNull(),
  owner: text("owner").notNull(),
  record: text("record", { mode: "json" }).$type<Record<string, unknown>>().notNull(),
  writeId: text("write_id").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const masterPriceLists = sqliteTable("master_price_lists", {
  id: text("id").primaryKey(),
  channel: text("channel"),
  priceGroup: text("price_group"),
  currency: text("currency").notNull(),
  validFrom: text("valid_from").notNull(),
  validTo: text("valid_to"),
  version: integer("version").notNull(),
  owner: text("owner").notNull(),
  writeId: text("write_id").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const masterPrices = sqliteTable(
  "master_prices",
  {
    listId: text("list_id").notNull(),
    sku: text("sku").notNull(),
    unitPrice: text("unit_price").notNull(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.sku] }), index("master_prices_sku").on(t.sku)],
);

/**
 * Every SKU an InventoryDO has projected at least once (written once per SKU by its projector):
 * the list re-projection walks when a channel policy or a publishing connection changes.
 */
export const inventorySkus = sqliteTable("inventory_skus", {
  sku: text("sku").primaryKey(),
  firstSeenAt: text("first_seen_at").notNull(),
});

/**
 * Re-projection jobs: recompute one channel's figure for every SKU (KV projection and
 * publishers), page by page from `cursor` (the last SKU done), resumable after any crash.
 * `connections` limits the publishing side to those connections (a connection added or its
 * locations changed); null means every enabled connection of the channel.
 */
export const reprojections = sqliteTable(
  "reprojections",
  {
    id: text("id").primaryKey(),
    channel: text("channel").notNull(),
    reason: text("reason").notNull(),
    connections: text("connections", { mode: "json" }).$type<string[] | null>(),
    cursor: text("cursor").notNull().default(""),
    skus: integer("skus").notNull().default(0),
    requestedAt: text("requested_at").notNull(),
    doneAt: text("done_at"),
  },
  (t) => [index("reprojections_open").on(t.doneAt, t.requestedAt)],
);
