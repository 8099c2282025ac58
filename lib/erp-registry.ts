/**
 * The ERP connector registry: kind → factory (connectors/erp/), and the host side every
 * connector gets — this deployment's outbound URL policy checked on every request it makes, the
 * per-call timeout, and a meter of what it did (calls, the last HTTP status, time spent) for the
 * order's timeline. Connectors are cheap to build; their token and session caches live per
 * isolate inside each connector module, keyed by connection id and credentials.
 */
import { createBusinessCentralConnector } from "../connectors/erp/business-central";
import { createHttpConnector } from "../connectors/erp/http";
import { createOdooConnector } from "../connectors/erp/odoo";
import { createTrytonConnector } from "../connectors/erp/tryton";
import type { ConnectorFactory, ErpConnectionConfig, ErpConnector, ErpKind, ErpResult } from "../connectors/erp/types";
import type { Env } from "./env";
import { callableUrl } from "./outbound";

export const ERP_FACTORIES: Record<ErpKind, ConnectorFactory> = {
  http: createHttpConnector,
  tryton: createTrytonConnector,
  "business-central": createBusinessCentralConnector,
  odoo: createOdooConnector,
};

/** What a connector did on one task: for the timeline (`httpStatus` is the ERP's last answer). */
export class CallMeter {
  calls = 0;
  lastStatus: number | null = null;
  readonly #started = Date.now();

  get elapsedMs(): number {
    return Date.now() - this.#started;
  }
}

/**
 * A connector for a configured ERP connection.
 * @example const meter = new CallMeter(); const r = await erpConnector(env, config, meter).createOrder(order);
 */
export function erpConnector(env: Env, config: ErpConnectionConfig, meter = new CallMeter()): ErpConnector {
  if (!callableUrl(env, config.baseUrl)) return refused(config.kind, `ERP connection ${config.id}: baseUrl is refused by this deployment's outbound URL policy`);
  const guardedFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    // Token endpoints and absolute stock pages are URLs too: none is fetched unless the policy allows it.
    if (!callableUrl(env, url)) throw new TypeError(`refused by the outbound URL policy: ${new URL(url).origin}`);
    meter.calls++;
    const res = await fetch(input, init);
    meter.lastStatus = res.status;
    return res;
  }) as typeof fetch;
  const timeoutMs = Number(config.settings.timeoutMs ?? env.ERP_TIMEOUT_MS ?? 10_000) || 10_000;
  return ERP_FACTORIES[config.kind](config, { fetch: guardedFetch, now: Date.now, timeoutMs });
}

/** A connector that answers `config` to everything, without calling anyone. */
function refused(kind: ErpKind, reason: string): ErpConnector {
  const no = async (): Promise<ErpResult<never>> => ({ kind: "config", reason });
  return { kind, health: no, createOrder: no, cancelOrder: no, getOrder: no, ordersChangedSince: no, stockByLocation: no, shipmentsSince: no };
}
