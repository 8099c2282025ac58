/**
 * PublisherDO — one per channel connection (`publisher:<connectionId>`, core/keys.ts): tells
 * that channel what it may sell. It keeps only the newest figure per (SKU, channel location)
 * (`offer`), sends one batch at a time of at most the provider's `maxBatch` through the
 * connection's publisher (connectors/channels), and answers each item's outcome the way
 * connectors/channels/README.md asks: `ok` stores what the channel acknowledged, `retry` backs
 * off (honouring the provider's throttle) or folds in the channel's own sale (a lost
 * compare-and-set), `rejected` and exhausted retries become dead letters replayable through
 * `/v1/ops/dead-letters/{id}/replay`, and `config` pauses the connection.
 *
 * Ordering: an offer older than the kept figure is dropped (the projector's per-SKU seq), and a
 * newer offer that lands while a batch is in flight only becomes pending: after the batch, an
 * item whose `seq` moved is sent again with the new figure. So a figure is never sent after a
 * newer one.
 */
import { DurableObject } from "cloudflare:workers";
import { PUBLISHER_FACTORIES } from "../../connectors/channels";
import type { ItemOutcome, Publisher, PublishItem } from "../../connectors/channels/types";
import { createX12Publisher } from "../../connectors/channels/x12";
import { backoffSeconds } from "../../core/retry";
import { recordDeadLetter } from "../../db/dead-letters";
import { loadConnection, type Connection } from "../../lib/connections";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";
import { countMetric, observe } from "../../lib/metrics";
import { callableUrl } from "../../lib/outbound";
import { publishTarget, type PublishOffer } from "../../lib/publishing";
import { acknowledgedFigures, describePublisher, outboxPage, type DeadLetterRef, type PublisherView } from "./publisher-report";
import { PublisherStore, type ItemRow } from "./publisher-store";

/** Transient failures of one figure before it is dead-lettered (PUBLISH_MAX_ATTEMPTS overrides). */
const DEFAULT_MAX_ATTEMPTS = 8;
/** Compare-and-set losses folded in a row before the item counts them as failures. */
const MAX_FOLDS = 5;
/** How long a `config` outcome (credentials, store URL, location map) pauses the connection. */
const CONFIG_PAUSE_MS = 5 * 60_000;
/** One alarm drains batches for at most this long, then yields. */
const DRAIN_BUDGET_MS = 20_000;

export type { DeadLetterRef, PublisherSkuView, PublisherView } from "./publisher-report";

export class PublisherDO extends DurableObject<Env> {
  readonly #store: PublisherStore;
  #draining: Promise<void> | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#store = new PublisherStore(ctx.storage.sql);
  }

  /** The newest figures for this connection (the dispatch consumer). Storage only: cheap and safe to repeat. */
  async offer(connectionId: string, offers: PublishOffer[]): Promise<{ pending: number }> {
    const now = Date.now();
    const pending = this.ctx.storage.transactionSync(() => {
      this.#store.setMeta("connection", connectionId);
      return this.#store.offer(offers, now, this.#notBefore(now));
    });
    if (pending) await this.#armAt(Math.max(now, this.#notBefore(now)));
    return { pending };
  }

  /** Sends whatever is due now, waiting for a drain already running (ops and tests). */
  async drainNow(): Promise<PublisherView> {
    await this.#drain(true);
    return this.describe(0);
  }

  /** Puts a dead-lettered or rejected item back in line (dead-letter replay). */
  async replay(ref: DeadLetterRef): Promise<{ rearmed: boolean }> {
    const now = Date.now();
    const rearmed = this.ctx.storage.transactionSync(() => this.#store.rearm(ref.sku, ref.channelLocation, now));
    if (rearmed) {
      // An operator replays after fixing the cause: a pause for bad configuration ends too.
      this.#store.setMeta("paused_until", null);
      await this.#armAt(now);
    }
    return { rearmed };
  }

  /**
   * Whether a channel inventory webhook is only the echo of our own push (the publisher's
   * `isEcho` against the figure last acknowledged for that SKU). The SKU may be named by the
   * provider's id (Shopify's inventory item id), looked up in the id cache.
   */
  async isEcho(observed: { sku?: string; externalItemId: string; location?: string; available: number | null; observedAt: string }): Promise<boolean> {
    const connectionId = this.#store.meta("connection");
    if (!connectionId) return false;
    const sku = observed.sku ?? this.#store.skuForId("shopify:inventoryItem:", observed.externalItemId);
    if (!sku) return false;
    const rows = this.#store.bySku(sku).filter((r) => r.last_ack !== null && r.ack_at !== null);
    const conn = await loadConnection(this.env, connectionId);
    const publisher = conn && this.#publisher(conn);
    if (!publisher) return false;
    const matching = observed.location ? rows.filter((r) => !r.loc || r.loc === observed.location || r.loc.endsWith(`/${observed.location}`)) : rows;
    return matching.some((r) => publisher.isEcho({ ...observed, sku }, { available: r.last_ack!, at: r.ack_at! }));
  }

  /** Reconciliation: what this connection was last asked to publish for the SKU and what the channel acknowledged, per channel location. */
  acknowledged(sku: string) {
    return acknowledgedFigures(this.#store, sku);
  }

  /** Ops view: counts, lag, throttle and pause state, and (with `limit` > 0) the figure per SKU. */
  describe(limit = 50): PublisherView {
    return describePublisher(this.#store, limit, Date.now());
  }

  /** The 846s kept for an x12 connection (the partner may poll them), oldest first from `after`. */
  outbox(q: { after?: number; limit?: number }) {
    return outboxPage(this.#store, q);
  }

  override async alarm(): Promise<void> {
    try {
      await this.#drain(false);
    } catch (e) {
      log.error("publisher drain failed", { connectionId: this.#store.meta("connection"), error: String(e) });
      await this.#armAt(Date.now() + 5_000);
    }
  }

  #notBefore(now: number): number {
    return Math.max(now, this.#store.num("throttled_until"), this.#store.num("paused_until"));
  }

  async #armAt(at: number): Promise<void> {
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > at) await this.ctx.storage.setAlarm(at);
  }

  /** One drain at a time: batches go out one after another (one batch in flight per connection). */
  async #drain(wait: boolean): Promise<void> {
    while (this.#draining) {
      if (!wait) return;
      await this.#draining;
    }
    const run = this.#drainBatches().finally(() => (this.#draining = null));
    this.#draining = run.catch(() => undefined);
    await run;
  }

  async #drainBatches(): Promise<void> {
    const connectionId = this.#store.meta("connection");
    if (!connectionId) return;
    const started = Date.now();
    while (Date.now() - started < DRAIN_BUDGET_MS) {
      const now = Date.now();
      const notBefore = this.#notBefore(now);
      if (notBefore > now) {
        await this.#armAt(notBefore);
        return;
      }
      const conn = await loadConnection(this.env, connectionId);
      const publisher = conn && publishTarget({ id: conn.id, kind: conn.kind, channel: conn.channel, settings: conn.settings }) ? this.#publisher(conn) : null;
      if (!conn || !publisher) {
        // Deleted, publishing disabled or not a publishing kind: keep the figures, send nothing.
        this.#store.setMeta("disabled", 1);
        return;
      }
      this.#store.setMeta("disabled", null);
      this.#store.setMeta("channel", conn.channel);
      this.#scheduledSnapshot(conn, now);
      const rows = this.#store.due(now, publisher.maxBatch);
      if (!rows.length) break;
      await this.#sendBatch(connectionId, publisher, rows);
    }
    const next = this.#store.nextDue();
    if (next !== null) await this.#armAt(Math.max(next, this.#notBefore(Date.now())));
    const snapshotAt = this.#store.num("snapshot_at");
    if (snapshotAt) await this.#armAt(snapshotAt);
  }

  /**
   * EDI dealers expect a full statement on a schedule as well as changes (`settings.publish.snapshotMinutes`
   * on an x12 connection): when it is due, every figure is sent again in the next 846s.
   */
  #scheduledSnapshot(conn: Connection, now: number): void {
    const minutes = Number((conn.settings.publish as { snapshotMinutes?: unknown } | undefined)?.snapshotMinutes);
    if (conn.kind !== "x12" || !Number.isFinite(minutes) || minutes <= 0) {
      this.#store.setMeta("snapshot_at", null);
      return;
    }
    const due = this.#store.num("snapshot_at");
    if (due && due > now) return;
    this.ctx.storage.transactionSync(() => {
      if (due) this.#store.rearmIdle(now);
      this.#store.setMeta("snapshot_at", now + Math.max(0.05, minutes) * 60_000);
    });
  }

  async #sendBatch(connectionId: string, publisher: Publisher, rows: ItemRow[]): Promise<void> {
    const items: PublishItem[] = rows.map((r) => ({ sku: r.sku, available: r.target, ...(r.loc ? { channelLocation: r.loc } : {}), lastAcknowledged: r.last_ack, seq: r.seq }));
    this.ctx.storage.transactionSync(() => this.#store.markInFlight(rows));
    let outcomes: ItemOutcome[];
    let calls = 0;
    let throttle: { retryAfterSeconds: number; reason: string } | undefined;
    try {
      const result = await publisher.publish(items);
      outcomes = result.items;
      calls = result.calls;
      throttle = result.throttle;
    } catch (e) {
      // Publishers never throw; if one does, nothing is known to have been written.
      outcomes = items.map((i) => ({ sku: i.sku, ...(i.channelLocation ? { channelLocation: i.channelLocation } : {}), outcome: "retry" as const, reason: `publisher failed: ${String(e).slice(0, 200)}` }));
    }
    const now = Date.now();
    const maxAttempts = Number(this.env.PUBLISH_MAX_ATTEMPTS || DEFAULT_MAX_ATTEMPTS) || DEFAULT_MAX_ATTEMPTS;
    const baseSeconds = Number(this.env.RETRY_BASE_SECONDS ?? "2");
    const dead: { row: ItemRow; reason: string; rejected: boolean }[] = [];
    const labels = { channel: this.#store.meta("channel") ?? "", connection: connectionId };
    const worst = throttle ? "throttled" : ((["config", "rejected", "retry"] as const).find((k) => outcomes.some((o) => o.outcome === k)) ?? "ok");
    if (calls) countMetric(this.env, this.ctx, "switchyard_publisher_calls_total", { ...labels, result: worst }, calls);
    this.ctx.storage.transactionSync(() => {
      const s = this.#store;
      s.add("calls", calls);
      s.add("batches", 1);
      if (throttle) {
        s.setMeta("throttled_until", now + Math.ceil(throttle.retryAfterSeconds * 1000));
        s.setMeta("throttle_reason", throttle.reason.slice(0, 300));
        s.add("throttled", 1);
      }
      rows.forEach((sent, i) => {
        const o = outcomes[i] ?? outcomes.find((x) => x.sku === sent.sku && (x.channelLocation ?? "") === sent.loc);
        const row = s.item(sent.sku, sent.loc);
        if (!row || !o) return;
        const superseded = row.seq !== sent.seq;
        if (o.outcome === "ok") {
          s.add("acknowledged", 1);
          s.setMeta("last_ok_at", now);
          if (row.inflight_at !== null) {
            s.sampleLag(now - row.inflight_at, now);
            observe(this.env, this.ctx, "switchyard_publisher_lag_seconds", labels, Math.max(0, now - row.inflight_at) / 1000);
          }
          s.update(row.sku, row.loc, {
            last_ack: o.acknowledged,
            ack_at: now,
            last_error: null,
            folded: 0,
            updated_at: now,
            inflight_at: null,
            // A newer figure arrived while this one was in flight: it goes next, its lag counted from its own facts.
            ...(superseded ? { next_at: now } : { state: "idle", attempts: 0, source_at: null }),
          });
          return;
        }
        // Not acknowledged: the facts in flight are still unpublished, the oldest first.
        const unsent = row.source_at === null ? row.inflight_at : row.inflight_at === null ? row.source_at : Math.min(row.source_at, row.inflight_at);
        s.update(row.sku, row.loc, { source_at: unsent, inflight_at: null });
        row.source_at = unsent;
        s.add("failures", 1);
        s.setMeta("last_error", `${o.sku}: ${o.reason}`.slice(0, 300));
        if (o.outcome === "retry" && o.channelAvailable !== undefined && row.folded < MAX_FOLDS) {
          // The channel sold units itself since its last acknowledgment (a lost compare-and-set):
          // take that sale off our figure (unless a newer figure, which already counts it, came
          // in) and compare against what the channel holds now.
          const sold = row.last_ack === null ? 0 : Math.max(0, row.last_ack - o.channelAvailable);
          s.add("folded", 1);
          s.update(row.sku, row.loc, { target: superseded ? row.target : Math.max(0, row.target - sold), seq: row.seq + (superseded ? 0 : 1), last_ack: o.channelAvailable, folded: row.folded + 1, next_at: now, last_error: o.reason.slice(0, 300), updated_at: now });
          return;
        }
        if (superseded) {
          s.update(row.sku, row.loc, { next_at: Math.max(now, row.next_at), last_error: o.reason.slice(0, 300), updated_at: now });
          return;
        }
        if (o.outcome === "config") {
          s.setMeta("paused_until", now + CONFIG_PAUSE_MS);
          s.setMeta("paused_reason", o.reason.slice(0, 300));
          s.update(row.sku, row.loc, { next_at: now + CONFIG_PAUSE_MS, last_error: o.reason.slice(0, 300), updated_at: now });
          return;
        }
        if (o.outcome === "rejected") {
          s.update(row.sku, row.loc, { state: "rejected", last_error: o.reason.slice(0, 300), updated_at: now });
          // The same refusal again (an hourly re-try of a SKU the channel does not list) is not a new dead letter.
          if (row.last_error !== o.reason.slice(0, 300)) dead.push({ row: { ...row, state: "rejected" }, reason: o.reason, rejected: true });
          return;
        }
        const attempts = row.attempts + 1;
        if (attempts >= maxAttempts) {
          s.update(row.sku, row.loc, { state: "dead", attempts, last_error: o.reason.slice(0, 300), updated_at: now });
          dead.push({ row: { ...row, state: "dead", attempts }, reason: o.reason, rejected: false });
          return;
        }
        const delay = backoffSeconds(attempts, { baseSeconds, capSeconds: 600 }) * 1000;
        s.update(row.sku, row.loc, { attempts, next_at: now + Math.max(delay, 250), last_error: o.reason.slice(0, 300), updated_at: now });
      });
    });
    if (dead.length) {
      countMetric(this.env, this.ctx, "switchyard_dead_letters_total", { queue: "publisher", kind: "channel.publish" }, dead.length);
      await this.#deadLetter(connectionId, dead, maxAttempts);
    }
  }

  async #deadLetter(connectionId: string, dead: { row: ItemRow; reason: string; rejected: boolean }[], maxAttempts: number): Promise<void> {
    const at = new Date().toISOString();
    for (const d of dead) {
      const body = { kind: "channel.publish", connectionId, sku: d.row.sku, channelLocation: d.row.loc, available: d.row.target, seq: d.row.seq };
      await recordDeadLetter(this.env.DB, {
        id: `dlq_pub_${crypto.randomUUID().replace(/-/g, "")}`,
        queue: "publisher",
        messageId: `${connectionId}:${d.row.sku}:${d.row.loc}:${d.row.seq}`,
        orderId: null,
        kind: "channel.publish",
        body,
        reason: `${connectionId} ${d.row.sku}${d.row.loc ? ` @ ${d.row.loc}` : ""}: ${d.rejected ? "rejected" : `gave up after ${maxAttempts} attempts`}: ${d.reason}`.slice(0, 500),
        attempts: d.rejected ? d.row.attempts + 1 : maxAttempts,
        createdAt: at,
      }).catch((e) => log.error("publish dead letter not recorded", { connectionId, sku: d.row.sku, error: String(e) }));
    }
  }

  /** The connection's publisher, with outbound URLs checked on every call and the id cache in this object's storage. */
  #publisher(conn: Connection): Publisher | null {
    const env = this.env;
    const guarded: typeof fetch = (input, init) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (!callableUrl(env, url)) return Promise.reject(new TypeError("outbound URL refused by policy"));
      return fetch(input, init);
    };
    const publish = conn.settings.publish as { locations?: Record<string, string> } | undefined;
    const config = {
      connectionId: conn.id,
      kind: conn.kind as never,
      channel: conn.channel,
      settings: conn.settings,
      ...(publish?.locations ? { locations: Object.fromEntries(Object.entries(publish.locations).map(([k, v]) => [k, String(v)])) } : {}),
    };
    const deps = { fetch: guarded, now: () => Date.now(), timeoutMs: 10_000, ids: this.#store.idCache() };
    if (conn.kind === "x12") {
      const store = this.#store;
      return createX12Publisher(config, {
        ...deps,
        outbox: {
          lastControl: () => store.lastControl(),
          keep: (doc) => store.keepInterchange(doc, Date.now()),
          delivered: (id, o) => store.interchangeDelivered(id, o, Date.now()),
        },
      });
    }
    const factory = PUBLISHER_FACTORIES[conn.kind as keyof typeof PUBLISHER_FACTORIES];
    return factory ? factory(config, deps) : null;
  }
}
