/**
 * Test support: the real Tryton that vitest.config.ts starts, the connector pointed at it, and
 * a small admin driver that acts on the Tryton side (what a warehouse clerk or accountant does
 * in the Tryton client) independently of the connector's own client.
 */
import { env } from "cloudflare:test";
import type { ErpConnectionConfig, ErpOrder, ErpPage, ErpResult, ErpSettings } from "../types";
import { createTrytonConnector } from "./index";

type TrytonEnv = { TRYTON_URL?: string; TRYTON_DATABASE?: string; TRYTON_USERNAME?: string; TRYTON_PASSWORD?: string; TRYTON_SKIPPED?: string };
const e = env as unknown as TrytonEnv;

/** Why the Tryton tests are skipped in this run, or null when a Tryton is there. */
export const trytonSkipped: string | null = e.TRYTON_URL ? null : (e.TRYTON_SKIPPED ?? "no TRYTON_URL binding");

export const tryton = { url: e.TRYTON_URL ?? "", database: e.TRYTON_DATABASE ?? "", username: e.TRYTON_USERNAME ?? "", password: e.TRYTON_PASSWORD ?? "" };

/** Switchyard DC1 is Tryton's default warehouse, DC2 the seeded East DC. */
export const LOCATIONS = { DC1: "WH", DC2: "DC-EAST" };

let n = 0;
/** A connection config for the test Tryton; every call gets its own connection id (own caches). */
export function trytonConfig(over: { credentials?: Partial<ErpConnectionConfig["credentials"]>; settings?: ErpSettings; baseUrl?: string } = {}): ErpConnectionConfig {
  return {
    id: `tryton-test-${++n}-${crypto.randomUUID().slice(0, 8)}`,
    kind: "tryton",
    baseUrl: over.baseUrl ?? tryton.url,
    credentials: { database: tryton.database, username: tryton.username, password: tryton.password, ...over.credentials } as Record<string, string>,
    settings: { locations: LOCATIONS, ...over.settings },
  };
}

export function connector(over: Parameters<typeof trytonConfig>[0] = {}, f: typeof fetch = fetch) {
  return createTrytonConnector(trytonConfig(over), { fetch: f, now: Date.now, timeoutMs: 20_000 });
}

/** A unique Switchyard order for the seeded customer. */
export function order(over: Partial<ErpOrder> = {}): ErpOrder {
  const id = `ord_${crypto.randomUUID().replace(/-/g, "").slice(0, 16)}`;
  return {
    orderId: id,
    orchestrationId: `orc_${id}`,
    version: 1,
    channel: "shopify-main",
    externalId: `#${id.slice(-6)}`,
    customer: { id: "TRY-C-ACME", name: "Acme Hardware" },
    currency: "USD",
    lines: [{ lineNo: 1, sku: "TRY-ORD-1", quantity: 2, unitPrice: "11.00" }],
    ...over,
  };
}

/**
 * A fetch that answers the first call of `method` with a timeout *after* Tryton has processed
 * it: the ERP did the work, the caller never heard back.
 */
export function timeoutAfterProcessing(method: string): typeof fetch & { fired: () => boolean } {
  let fired = false;
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const res = await fetch(input, init);
    const body = typeof init?.body === "string" ? (JSON.parse(init.body) as { method?: string }) : {};
    if (!fired && body.method === method) {
      fired = true;
      await res.text();
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    }
    return res;
  }) as typeof fetch & { fired: () => boolean };
  f.fired = () => fired;
  return f;
}

const revive = (_k: string, v: unknown) => (v && typeof v === "object" && (v as { __class__?: string }).__class__ === "Decimal" ? (v as { decimal: string }).decimal : v);
const decimal = (v: string | number) => ({ __class__: "Decimal", decimal: String(v) });

/** The Tryton side: an admin session over plain JSON-RPC. */
export async function trytonAdmin(login = { username: tryton.username, password: tryton.password }) {
  const base = `${tryton.url}/${tryton.database}/`;
  let id = 0;
  const post = async (method: string, params: unknown[], auth?: string) => {
    const res = await fetch(base, { method: "POST", headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) }, body: JSON.stringify({ id: ++id, method, params }) });
    const body = JSON.parse(await res.text(), revive) as { result?: unknown; error?: unknown };
    if (!res.ok || body.error) throw new Error(`${method}: HTTP ${res.status} ${JSON.stringify(body.error)}`);
    return body.result as never;
  };
  const [uid, key] = await post("common.db.login", [login.username, { password: login.password }, "en"]) as [number, string];
  const auth = `Session ${btoa(`${login.username}:${uid}:${key}`)}`;
  const context = await post("model.res.user.get_preferences", [true, {}], auth) as Record<string, unknown>;
  const call = <T = unknown>(method: string, ...args: unknown[]): Promise<T> => post(method, [...args, context], auth);
  const callWith = <T = unknown>(extra: Record<string, unknown>, method: string, ...args: unknown[]): Promise<T> => post(method, [...args, { ...context, ...extra }], auth);
  const one = async (model: string, domain: unknown[]) => ((await call<number[]>(`model.${model}.search`, domain, 0, 1, null))[0] ?? null);
  return {
    uid,
    call,
    callWith,
    one,
    decimal,
    /** Sales with this reference (Tryton's view). */
    salesByReference: (reference: string) => call<Record<string, unknown>[]>("model.sale.sale.search_read", [["reference", "=", reference]], 0, null, null, ["state", "party", "invoice_address", "shipment_address", "currency", "lines", "shipments", "reference", "shipment_state"]),
    /** Receives `quantity` units of `sku` from the supplier into the storage zone of location `code` (a done move). */
    async receive(sku: string, code: string, quantity: number) {
      const product = await one("product.product", [["code", "=", sku]]);
      const [loc] = await call<{ id: number; type: string; storage_location: number | null }[]>("model.stock.location.search_read", [["code", "=", code]], 0, 1, null, ["type", "storage_location"]);
      const supplier = await one("stock.location", [["type", "=", "supplier"]]);
      const [unit] = await call<number[]>("model.product.uom.search", [["symbol", "=", "u"]], 0, 1, null);
      const currency = await one("currency.currency", [["code", "=", "USD"]]);
      const [move] = await call<number[]>("model.stock.move.create", [{
        product, uom: unit, quantity, from_location: supplier, to_location: loc!.type === "warehouse" ? loc!.storage_location : loc!.id,
        unit_price: decimal("1"), currency, company: context.company,
      }]);
      await call("model.stock.move.do", [move]);
      return move!;
    },
    /** Picks, packs and ships the sale's customer shipment, as the warehouse would. */
    async ship(saleId: number) {
      const [sale] = await call<{ shipments: number[] }[]>("model.sale.sale.read", [saleId], ["shipments"]);
      const shipment = sale!.shipments[0]!;
      await call("model.stock.shipment.out.assign_force", [shipment]);
      await call("model.stock.shipment.out.pick", [shipment]);
      await call("model.stock.shipment.out.pack", [shipment]);
      await call("model.stock.shipment.out.done", [shipment]);
      return shipment;
    },
  };
}

/**
 * Reads a change feed from `cursor` to its end (at most `maxPages` pages): every item, and the cursor to go on from.
 * @example const { items, cursor } = await drainFeed((c) => erp.shipmentsSince(c), null);
 */
export async function drainFeed<T>(read: (cursor: string | null) => Promise<ErpResult<ErpPage<T>>>, cursor: string | null, maxPages = 100) {
  const items: T[] = [];
  for (let i = 0; i < maxPages; i++) {
    const page = await read(cursor);
    if (page.kind !== "ok") throw new Error(JSON.stringify(page));
    items.push(...page.value.items);
    cursor = page.value.cursor;
    if (!page.value.more) break;
  }
  return { items, cursor };
}
