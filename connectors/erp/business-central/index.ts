/**
 * Microsoft Dynamics 365 Business Central (online, API v2.0) behind the ERP connector contract.
 * Construct with `createBusinessCentralConnector(config, deps)`; settings and what BC lacks are
 * in ./README.md.
 */
import type { ConnectorDeps, ConnectorFactory, ErpConnectionConfig, ErpConnector, ErpOrder, ErpResult } from "../types";
import { guarded } from "../shared/guard";
import { str } from "../shared/http";
import { config, failed, ok } from "../shared/result";
import { BcClient, bcFailure } from "./client";
import { MasterData } from "./master-data";
import { ORDER_FIELDS, Orders, toOrderStatus } from "./orders";
import { changedSince } from "./paging";
import { Shipments } from "./shipments";
import { Stock } from "./stock";
import { EntraToken } from "./token";

/**
 * @example createBusinessCentralConnector({ id: "bc", kind: "business-central", baseUrl: "https://api.businesscentral.dynamics.com",
 *   credentials: { tenantId, clientId, clientSecret }, settings: { environment: "production", companyId, locations: { DC1: "MAIN" }, totalsLocation: "DC1" } }, { fetch, now: Date.now })
 */
export const createBusinessCentralConnector: ConnectorFactory = (cfg, deps) => {
  const token = new EntraToken(cfg, deps);
  return guarded(new BusinessCentralConnector(cfg, deps, token), () => [cfg.credentials.clientSecret ?? "", token.current() ?? ""]);
};

class BusinessCentralConnector implements ErpConnector {
  readonly kind = "business-central" as const;
  readonly #bc: BcClient;
  readonly #orders: Orders;
  readonly #stock: Stock;
  readonly #shipments: Shipments;
  readonly #pageSize: number;
  readonly #missing: string | null;

  constructor(
    private readonly cfg: ErpConnectionConfig,
    deps: ConnectorDeps,
    token: EntraToken,
  ) {
    this.#bc = new BcClient(cfg, deps, token);
    const md = new MasterData(cfg, deps, this.#bc);
    this.#pageSize = Number(cfg.settings.pageSize ?? 100) || 100;
    this.#orders = new Orders(this.#bc, md, { ...(str(cfg.settings.localCurrency) ? { localCurrency: str(cfg.settings.localCurrency) } : {}) });
    this.#stock = new Stock(this.#bc, md, cfg, deps, this.#pageSize);
    this.#shipments = new Shipments(this.#bc, md, this.#pageSize);
    const need = [...["tenantId", "clientId", "clientSecret"].filter((k) => !cfg.credentials[k]).map((k) => `credentials.${k}`), ...(cfg.settings.companyId ? [] : ["settings.companyId"])];
    this.#missing = need.length ? `Business Central connection lacks ${need.join(", ")}` : null;
  }

  /** Every call first checks the connection is complete: a missing id is configuration, not a 404 to retry. */
  #ready<T>(run: () => Promise<ErpResult<T>>): Promise<ErpResult<T>> {
    return this.#missing ? Promise.resolve(config(this.#missing)) : run();
  }

  health() {
    return this.#ready(async () => {
      const r = await this.#bc.request("GET", "");
      if (failed(r)) return r;
      const a = r.value;
      if (!a.ok || a.status !== 200) return bcFailure(a, "GET companies({companyId})");
      const name = str((a.json as Record<string, unknown> | undefined)?.name) ?? String(this.cfg.settings.companyId);
      return ok({ version: "API v2.0", detail: `company "${name}" in environment ${String(this.cfg.settings.environment ?? "production")}` });
    });
  }

  createOrder(order: ErpOrder) {
    return this.#ready(() => this.#orders.create(order));
  }

  cancelOrder(ref: { erpOrderId: string; orderId: string }) {
    return this.#ready(() => this.#orders.cancel(ref));
  }

  getOrder(ref: { erpOrderId?: string; orderId: string }) {
    return this.#ready(() => this.#orders.get(ref));
  }

  ordersChangedSince(cursor: string | null) {
    return this.#ready(async () => {
      const page = await changedSince(this.#bc, "salesOrders", ORDER_FIELDS, cursor, this.#pageSize, "GET salesOrders");
      if (failed(page)) return page;
      return ok({ items: page.value.rows.map((r) => toOrderStatus(r)), cursor: page.value.cursor, more: page.value.more });
    });
  }

  stockByLocation(q: { cursor: string | null } | { skus: string[] }) {
    return this.#ready(() => ("skus" in q ? this.#stock.bySkus(q.skus) : this.#stock.byCursor(q.cursor)));
  }

  shipmentsSince(cursor: string | null) {
    return this.#ready(() => this.#shipments.since(cursor));
  }
}
