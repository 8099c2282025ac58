/**
 * Odoo behind the ERP connector contract: one module, two wires. `settings.version >= 19` speaks
 * JSON-2 (API key as bearer); older versions speak JSON-RPC (`credentials.database` and
 * `username` with the API key as password). Construct with `createOdooConnector(config, deps)`;
 * settings and limits are in ./README.md.
 */
import type { ConnectorDeps, ConnectorFactory, ErpConnectionConfig, ErpConnector, ErpOrder } from "../types";
import { guarded } from "../shared/guard";
import { failed, ok } from "../shared/result";
import { Json2 } from "./json2";
import { JsonRpc } from "./jsonrpc";
import { MasterData } from "./master-data";
import { Orders } from "./orders";
import { Shipments } from "./shipments";
import { Stock } from "./stock";
import type { OdooTransport } from "./transport";

/**
 * @example createOdooConnector({ id: "odoo", kind: "odoo", baseUrl: "https://acme.odoo.com", credentials: { apiKey },
 *   settings: { version: 19, locations: { DC1: "WH" }, callsPerSecond: 1 } }, { fetch, now: Date.now })
 */
export const createOdooConnector: ConnectorFactory = (cfg, deps) => guarded(new OdooConnector(cfg, deps), () => [cfg.credentials.apiKey ?? ""]);

class OdooConnector implements ErpConnector {
  readonly kind = "odoo" as const;
  readonly #t: OdooTransport;
  readonly #orders: Orders;
  readonly #stock: Stock;
  readonly #shipments: Shipments;

  constructor(cfg: ErpConnectionConfig, deps: ConnectorDeps) {
    const version = Number(cfg.settings.version ?? 19);
    const perSecond = Number(cfg.settings.callsPerSecond ?? 1) || 1;
    const paceKey = `${cfg.id}|${cfg.baseUrl}|${cfg.credentials.database ?? ""}`;
    this.#t = version >= 19 ? new Json2(cfg, deps, paceKey, perSecond) : new JsonRpc(cfg, deps, paceKey, perSecond);
    const md = new MasterData(cfg, deps, this.#t);
    const pageSize = Number(cfg.settings.pageSize ?? 100) || 100;
    this.#orders = new Orders(this.#t, md, pageSize);
    this.#stock = new Stock(this.#t, md, deps, pageSize);
    this.#shipments = new Shipments(this.#t, md, pageSize, { delivery: cfg.settings.delivery === true, version });
  }

  async health() {
    const v = await this.#t.version();
    if (failed(v)) return v;
    const who = await this.#t.whoami();
    if (failed(who)) return who;
    return ok({ version: v.value, detail: `Odoo ${v.value} over ${this.#t.name}, ${who.value}` });
  }

  createOrder(order: ErpOrder) {
    return this.#orders.create(order);
  }

  cancelOrder(ref: { erpOrderId: string; orderId: string }) {
    return this.#orders.cancel(ref);
  }

  getOrder(ref: { erpOrderId?: string; orderId: string }) {
    return this.#orders.get(ref);
  }

  ordersChangedSince(cursor: string | null) {
    return this.#orders.changedSince(cursor);
  }

  stockByLocation(q: { cursor: string | null } | { skus: string[] }) {
    return "skus" in q ? this.#stock.bySkus(q.skus) : this.#stock.byCursor(q.cursor);
  }

  shipmentsSince(cursor: string | null) {
    return this.#shipments.since(cursor);
  }
}
