/**
 * The generic HTTP connector: today's contract (CONTRACT "Outbound") for booking and cancelling,
 * plus the generic read endpoints documented in ./README.md. The ERP itself dedupes bookings by
 * `Idempotency-Key`; after a timeout the connector asks `GET /orders?reference=` before it
 * reports a retry, so a booking that did land is reported as booked.
 */
import type { ConnectorDeps, ConnectorFactory, ErpConnectionConfig, ErpConnector, ErpOrder, ErpOrderStatus, ErpProduct, ErpResult, ErpShipment, ErpStockRow } from "../types";
import { guarded } from "../shared/guard";
import { asObject, send, str, type Answer } from "../shared/http";
import { LocationMap } from "../shared/locations";
import { config, failed, ok, retry } from "../shared/result";
import { failure, toStatus } from "./answers";

/** @example const erp = createHttpConnector({ id: "erp", kind: "http", baseUrl: env.ERP_URL, credentials: { token: env.ERP_TOKEN }, settings: {} }, { fetch, now: Date.now }); */
export const createHttpConnector: ConnectorFactory = (cfg, deps) => {
  const impl = new HttpConnector(cfg, deps);
  return guarded(impl, () => [cfg.credentials.token ?? ""]);
};

const HEALTH_PROBE = "switchyard-health-probe";

class HttpConnector implements ErpConnector {
  readonly kind = "http" as const;
  readonly #base: string;
  readonly #locations: LocationMap;
  readonly #pageSize: number;

  constructor(
    private readonly cfg: ErpConnectionConfig,
    private readonly deps: ConnectorDeps,
  ) {
    this.#base = cfg.baseUrl.replace(/\/+$/, "");
    this.#locations = new LocationMap(cfg.settings.locations);
    this.#pageSize = Number(cfg.settings.pageSize ?? 100) || 100;
  }

  #call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return send(this.deps, `${this.#base}${path}`, {
      method,
      headers: { accept: "application/json", authorization: `Bearer ${this.cfg.credentials.token ?? ""}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  }

  /** `GET /orders?reference=` → the orders the ERP holds under that reference. */
  async #byReference(orderId: string): Promise<ErpResult<ErpOrderStatus[]>> {
    const a = await this.#call("GET", `/orders?reference=${encodeURIComponent(orderId)}`);
    if (!a.ok || a.status !== 200) return failure(a, "GET /orders?reference=");
    const list = asObject(a.json)?.orders;
    if (!Array.isArray(list)) return config("GET /orders?reference= answered without an `orders` array");
    return ok(list.map(toStatus).filter((s): s is ErpOrderStatus => s !== null));
  }

  async health() {
    const r = await this.#byReference(HEALTH_PROBE);
    if (failed(r)) return r;
    return ok({ detail: `${this.#base} answered GET /orders?reference= with the token` });
  }

  async createOrder(order: ErpOrder) {
    const a = await this.#call("POST", "/orders", order, { "idempotency-key": `${order.orderId}:${order.version}`, "x-orchestration-id": order.orchestrationId });
    if (a.ok && a.status >= 200 && a.status < 300) {
      const erpOrderId = str(asObject(a.json)?.erpOrderId);
      if (erpOrderId) return ok({ erpOrderId, created: true, state: toStatus(a.json)?.state ?? ("open" as const) });
      return config(`POST /orders answered ${a.status} without an erpOrderId`, a.status);
    }
    if (a.ok && a.status === 409) {
      const erpOrderId = str(asObject(a.json)?.erpOrderId);
      if (erpOrderId) return ok({ erpOrderId, created: false, state: toStatus(a.json)?.state ?? ("open" as const) });
      return this.#alreadyThere(order.orderId, failure(a, "POST /orders"));
    }
    // No answer: the ERP may have booked it. Ask before reporting a retry, so the caller never
    // books twice on the strength of a lost answer.
    if (!a.ok) return this.#alreadyThere(order.orderId, retry(`POST /orders: ${a.reason}`));
    return failure(a, "POST /orders");
  }

  async #alreadyThere(orderId: string, otherwise: ErpResult<never>) {
    const r = await this.#byReference(orderId);
    const found = r.kind === "ok" ? r.value[0] : undefined;
    return found ? ok({ erpOrderId: found.erpOrderId, created: false, state: found.state }) : otherwise;
  }

  async cancelOrder(ref: { erpOrderId: string; orderId: string; orchestrationId?: string }) {
    const headers: Record<string, string> = { "idempotency-key": `${ref.orderId}:cancel` };
    if (ref.orchestrationId) headers["x-orchestration-id"] = ref.orchestrationId;
    const a = await this.#call("POST", `/orders/${encodeURIComponent(ref.erpOrderId)}/cancel`, { orderId: ref.orderId }, headers);
    if (!a.ok || a.status < 200 || a.status >= 300) return failure(a, "POST /orders/{erpOrderId}/cancel", "not_cancellable");
    const now = await this.getOrder(ref);
    // An ERP without the read endpoints said 2xx to the cancel: believe it.
    return ok({ state: now.kind === "ok" && now.value ? now.value.state : ("cancelled" as const) });
  }

  async getOrder(ref: { erpOrderId?: string; orderId: string }) {
    const r = await this.#byReference(ref.orderId);
    if (failed(r)) return r;
    return ok(r.value.find((o) => !ref.erpOrderId || o.erpOrderId === ref.erpOrderId) ?? null);
  }

  async ordersChangedSince(cursor: string | null) {
    const a = await this.#call("GET", `/orders?changedSince=${encodeURIComponent(cursor ?? "")}&limit=${this.#pageSize}`);
    if (!a.ok || a.status !== 200) return failure(a, "GET /orders?changedSince=");
    const b = asObject(a.json);
    if (!b || !Array.isArray(b.orders)) return config("GET /orders?changedSince= answered without an `orders` array");
    const items = b.orders.map(toStatus).filter((s): s is ErpOrderStatus => s !== null);
    return ok({ items, cursor: str(b.cursor) ?? cursor ?? "", more: b.more === true });
  }

  async stockByLocation(q: { cursor: string | null } | { skus: string[] }) {
    const path = "skus" in q ? `/stock?skus=${q.skus.map(encodeURIComponent).join(",")}` : `/stock?cursor=${encodeURIComponent(q.cursor ?? "")}&limit=${this.#pageSize}`;
    const asked = new Date(this.deps.now()).toISOString();
    const a = await this.#call("GET", path);
    if (!a.ok || a.status !== 200) return failure(a, "GET /stock");
    const b = asObject(a.json);
    if (!b || !Array.isArray(b.rows)) return config("GET /stock answered without a `rows` array");
    const items: ErpStockRow[] = [];
    for (const v of b.rows) {
      const r = asObject(v);
      const sku = str(r?.sku);
      const location = str(r?.location) !== undefined ? this.#locations.toSwitchyard(str(r?.location) as string) : null;
      if (!r || !sku || location === null) continue;
      items.push({ sku, location, onHand: Number(r.onHand ?? 0), committed: Number(r.committed ?? 0) });
    }
    const cursor = str(b.cursor) ?? ("cursor" in q ? (q.cursor ?? "") : "");
    return ok({ items, cursor, more: b.more === true, asOf: str(b.asOf) ?? asked });
  }

  /** `GET /products?cursor=&limit=` → `{ products: [{ sku, status, name?, units?, version }], cursor, more }`; a 404 means the ERP lists none. */
  async productsChangedSince(cursor: string | null) {
    const a = await this.#call("GET", `/products?cursor=${encodeURIComponent(cursor ?? "")}&limit=${this.#pageSize}`);
    if (a.ok && a.status === 404) return ok({ items: [], cursor: cursor ?? "", more: false });
    if (!a.ok || a.status !== 200) return failure(a, "GET /products");
    const b = asObject(a.json);
    if (!b || !Array.isArray(b.products)) return config("GET /products answered without a `products` array");
    const items: ErpProduct[] = [];
    for (const v of b.products) {
      const r = asObject(v);
      const sku = str(r?.sku);
      const status = str(r?.status);
      const version = Number(r?.version);
      if (!r || !sku || !Number.isSafeInteger(version) || (status !== "active" && status !== "discontinued" && status !== "blocked")) continue;
      const units = Array.isArray(r.units) ? r.units.map(asObject).filter((u) => u !== null && str(u.code) && Number.isInteger(Number(u.each))).map((u) => ({ code: str(u!.code)!, each: Number(u!.each) })) : undefined;
      items.push({ sku, status, version, ...(str(r.name) ? { name: str(r.name) } : {}), ...(units?.length ? { units } : {}) });
    }
    return ok({ items, cursor: str(b.cursor) ?? cursor ?? "", more: b.more === true });
  }

  async shipmentsSince(cursor: string | null) {
    const a = await this.#call("GET", `/shipments?cursor=${encodeURIComponent(cursor ?? "")}&limit=${this.#pageSize}`);
    if (!a.ok || a.status !== 200) return failure(a, "GET /shipments");
    const b = asObject(a.json);
    if (!b || !Array.isArray(b.shipments)) return config("GET /shipments answered without a `shipments` array");
    const items: ErpShipment[] = [];
    for (const v of b.shipments) {
      const s = asObject(v);
      const shipmentId = str(s?.shipmentId);
      const erpOrderId = str(s?.erpOrderId);
      if (!s || !shipmentId || !erpOrderId) continue;
      const code = str(s.location) ?? "";
      const lines = (Array.isArray(s.lines) ? s.lines : []).map(asObject).filter((l) => l !== null).map((l) => ({ sku: str(l.sku) ?? "", quantity: Number(l.quantity ?? 0) }));
      items.push({
        shipmentId,
        erpOrderId,
        reference: str(s.reference) ?? null,
        // A shipment is never dropped for want of a mapping: it would leave the order unshipped.
        location: this.#locations.toSwitchyard(code) ?? code,
        lines,
        ...(str(s.carrier) ? { carrier: str(s.carrier) } : {}),
        ...(str(s.tracking) ? { tracking: str(s.tracking) } : {}),
        shippedAt: str(s.shippedAt) ?? new Date(this.deps.now()).toISOString(),
      });
    }
    return ok({ items, cursor: str(b.cursor) ?? cursor ?? "", more: b.more === true });
  }
}

