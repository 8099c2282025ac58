/**
 * Hydrates id-only channel notifications (BigCommerce `store/order/*` hooks carry just the
 * order id): fetch the order, its products and shipping addresses from the store's V2 API
 * with the connection's credentials, map them, and submit the canonical order. Safe to
 * repeat: the order's TransactionDO dedupes by (channel, externalId, version).
 */
import { bigcommerceOrderToCanonical } from "../../core/channels/bigcommerce";
import { nextDelaySeconds } from "../../core/retry";
import { loadConnection } from "../../lib/connections";
import type { Env } from "../../lib/env";
import { newId } from "../../lib/ids";
import type { DispatchMessage } from "../../lib/messages";
import { orderStub } from "../../lib/orders";

type HydrateMessage = Extract<DispatchMessage, { kind: "channel.hydrate" }>;

class Transient extends Error {}

async function getJson(url: string, token: string): Promise<unknown> {
  const res = await fetch(url, { headers: { "x-auth-token": token, accept: "application/json" }, signal: AbortSignal.timeout(15_000) });
  if (res.status === 204) return [];
  if (res.status === 429 || res.status >= 500) throw new Transient(`BigCommerce answered ${res.status} for ${new URL(url).pathname}`);
  if (!res.ok) throw new Error(`BigCommerce answered ${res.status} for ${new URL(url).pathname}`);
  return res.json();
}

export async function handleHydrate(msg: Message<HydrateMessage>, env: Env): Promise<void> {
  const m = msg.body;
  const base = { baseSeconds: Number(env.RETRY_BASE_SECONDS ?? "2") };
  try {
    const conn = await loadConnection(env, m.connectionId);
    if (!conn) throw new Error(`connection ${m.connectionId} no longer exists`);
    // Only BigCommerce is fetched today; Amazon's id-only notifications need SP-API getOrder (not built).
    if (conn.kind !== "bigcommerce") throw new Error(`fetching orders from ${conn.kind} is not supported yet; order ${m.externalId} needs manual entry`);
    const s = conn.settings;
    const storeHash = typeof s.storeHash === "string" ? s.storeHash : "";
    const apiBase = typeof s.apiBaseUrl === "string" && s.apiBaseUrl ? s.apiBaseUrl.replace(/\/$/, "") : `https://api.bigcommerce.com/stores/${storeHash}`;
    const token = typeof s.apiToken === "string" ? s.apiToken : "";
    if (!token || (!storeHash && !s.apiBaseUrl)) throw new Error("connection settings need storeHash and apiToken to fetch orders");
    const id = encodeURIComponent(m.externalId);
    const [order, products, addresses] = await Promise.all([
      getJson(`${apiBase}/v2/orders/${id}`, token),
      getJson(`${apiBase}/v2/orders/${id}/products`, token),
      getJson(`${apiBase}/v2/orders/${id}/shipping_addresses`, token),
    ]);
    const mapped = bigcommerceOrderToCanonical(order, products, addresses, m.channel);
    if (!mapped.ok) {
      await quarantine(env, m, "BigCommerce order failed validation", { failure: mapped.error, order });
      return msg.ack();
    }
    await orderStub(env, m.channel, m.externalId).submitOrder(mapped.value, "webhook", { connectionId: m.connectionId, hydratedFrom: "bigcommerce" });
    msg.ack();
  } catch (e) {
    if (e instanceof Transient || !(e instanceof Error) || e.name === "TimeoutError" || e instanceof TypeError) {
      msg.retry({ delaySeconds: nextDelaySeconds(msg.attempts, null, base) });
      return;
    }
    await quarantine(env, m, e.message, {}).catch(() => undefined);
    msg.ack();
  }
}

async function quarantine(env: Env, m: HydrateMessage, reason: string, detail: Record<string, unknown>) {
  await env.DB.prepare("INSERT INTO exceptions (id, kind, connection_id, reason, detail, body, created_at) VALUES (?, 'hydration', ?, ?, ?, NULL, ?)")
    .bind(newId("exc"), m.connectionId, reason, JSON.stringify({ externalId: m.externalId, ...detail }), new Date().toISOString())
    .run();
}
