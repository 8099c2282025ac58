/**
 * The Tryton ERP connector (Tryton 6.0 LTS over JSON-RPC; see README.md beside this file).
 * Credentials `{ database, username, password }`; settings `locations` (Switchyard location →
 * Tryton location code) and `customers` ("match" | "create").
 */
import type { ConnectorFactory, ErpConnector, ErpResult } from "../types";
import { bookOrder } from "./book";
import { scopedCache } from "./cache";
import { locationMap } from "./locations";
import { cancelOrder, getOrder, ordersChangedSince } from "./orders";
import { productsChangedSince } from "./products";
import { trytonRpc } from "./rpc";
import { shipmentsSince } from "./shipments";
import { stockByLocation } from "./stock";

/** Anything unexpected (a bug of ours, a shape Tryton never sent) is a retry, never a throw. */
async function guarded<T>(what: string, run: () => Promise<ErpResult<T>>): Promise<ErpResult<T>> {
  try {
    return await run();
  } catch (e) {
    return { kind: "retry", reason: `tryton connector error in ${what}: ${e instanceof Error ? e.message : String(e)}`.slice(0, 500), retryAfterSeconds: null };
  }
}

/**
 * @example const erp = createTrytonConnector({ id: "erp1", kind: "tryton", baseUrl: "http://127.0.0.1:8000", credentials: { database, username, password }, settings: { locations: { DC1: "WH" } } }, { fetch, now: Date.now });
 */
export const createTrytonConnector: ConnectorFactory = (config, deps): ErpConnector => {
  const rpc = trytonRpc(config, deps);
  const cache = scopedCache(`${config.id}|${config.baseUrl}|${config.credentials.database ?? ""}`, deps.now);
  const settings = config.settings ?? {};
  const customers = settings.customers === "create" ? "create" : "match";
  const book = {
    rpc,
    cache,
    customers,
    locations: () => locationMap(rpc, cache, settings),
    context: async () => {
      const s = await rpc.session();
      return s.kind === "ok" ? { kind: "ok" as const, value: s.value.context } : s;
    },
  } as const;

  return {
    kind: "tryton",
    health: () =>
      guarded("health", async () => {
        const s = await rpc.session();
        if (s.kind !== "ok") return s;
        const company = s.value.context["company.rec_name"] ?? s.value.context.company;
        if (!s.value.context.company) return { kind: "config", reason: `Tryton user "${rpc.username}" has no current company` };
        const version = await rpc.server<string>("common.server.version");
        if (version.kind !== "ok") return version;
        return { kind: "ok", value: { version: String(version.value), detail: `Tryton ${version.value}, database "${rpc.database}", user "${rpc.username}", company ${String(company)}` } };
      }),
    createOrder: (order) => guarded("createOrder", () => bookOrder(book, order)),
    cancelOrder: (ref) => guarded("cancelOrder", () => cancelOrder(rpc, ref)),
    getOrder: (ref) => guarded("getOrder", () => getOrder(rpc, ref)),
    ordersChangedSince: (cursor) => guarded("ordersChangedSince", () => ordersChangedSince(rpc, cursor)),
    stockByLocation: (q) => guarded("stockByLocation", () => stockByLocation(rpc, cache, deps, settings, q)),
    shipmentsSince: (cursor) => guarded("shipmentsSince", () => shipmentsSince(rpc, cache, settings, cursor)),
    productsChangedSince: (cursor) => guarded("productsChangedSince", () => productsChangedSince(rpc, cursor)),
  };
};
