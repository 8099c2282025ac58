/**
 * Fetching an order from a channel's own API, for channels whose notifications carry only ids
 * (BigCommerce `store/order/*`, Amazon `ORDER_CHANGE`). Each returns the canonical order, or the
 * reason it cannot become one. A `Transient` error asks the queue to retry.
 */
import type { CanonicalOrder } from "../../core/canonical";
import { amazonOrderToCanonical, isFulfilledByAmazon } from "../../core/channels/amazon";
import { bigcommerceOrderToCanonical } from "../../core/channels/bigcommerce";
import { checkOutboundUrl } from "../../core/urls";
import type { Connection } from "../../lib/connections";

export class Transient extends Error {}

export type Fetched = { ok: true; order: CanonicalOrder } | { ok: false; reason: string; detail: Record<string, unknown> };

const setting = (c: Connection, k: string) => (typeof c.settings[k] === "string" ? (c.settings[k] as string) : "");

/** A configured base URL, checked against the outbound policy before any credential is sent to it. */
function base(c: Connection, name: string, fallback: string, allowPrivate: boolean): string {
  const url = (setting(c, name) || fallback).replace(/\/$/, "");
  const v = checkOutboundUrl(url, { allowPrivate });
  if (!v.ok) throw new Error(`settings.${name} ${v.reason}`);
  return url;
}

async function getJson(url: string, headers: Record<string, string>, init: RequestInit = {}): Promise<unknown> {
  // Redirects are not followed: credentials go to the configured host and nowhere else.
  const res = await fetch(url, { ...init, redirect: "manual", headers: { accept: "application/json", ...headers }, signal: AbortSignal.timeout(15_000) });
  if (res.status === 204) return [];
  if (res.status === 429 || res.status >= 500) throw new Transient(`${new URL(url).host} answered ${res.status} for ${new URL(url).pathname}`);
  if (!res.ok) throw new Error(`${new URL(url).host} answered ${res.status} for ${new URL(url).pathname}`);
  return res.json();
}

/** BigCommerce V2: the order, its products and its shipping addresses, with the store's API token. */
export async function fetchBigCommerceOrder(conn: Connection, externalId: string, channel: string, allowPrivate: boolean): Promise<Fetched> {
  const storeHash = setting(conn, "storeHash");
  const token = setting(conn, "apiToken");
  if (!token || (!storeHash && !setting(conn, "apiBaseUrl"))) throw new Error("connection settings need storeHash and apiToken to fetch orders");
  const api = base(conn, "apiBaseUrl", `https://api.bigcommerce.com/stores/${encodeURIComponent(storeHash)}`, allowPrivate);
  const id = encodeURIComponent(externalId);
  const h = { "x-auth-token": token };
  const [order, products, addresses] = await Promise.all([
    getJson(`${api}/v2/orders/${id}`, h),
    getJson(`${api}/v2/orders/${id}/products`, h),
    getJson(`${api}/v2/orders/${id}/shipping_addresses`, h),
  ]);
  const mapped = bigcommerceOrderToCanonical(order, products, addresses, channel);
  return mapped.ok ? { ok: true, order: mapped.value } : { ok: false, reason: "BigCommerce order failed validation", detail: { failure: mapped.error, order } };
}

/**
 * Amazon SP-API Orders v0, authorised with a Login with Amazon access token obtained from the
 * connection's refresh token. Orders Amazon fulfils itself (AFN/FBA) are not ours to reserve or
 * ship, so they are reported rather than booked.
 */
export async function fetchAmazonOrder(conn: Connection, externalId: string, channel: string, allowPrivate: boolean): Promise<Fetched> {
  const api = base(conn, "spApiBaseUrl", "https://sellingpartnerapi-na.amazon.com", allowPrivate);
  const tokenUrl = base(conn, "lwaTokenUrl", "https://api.amazon.com/auth/o2/token", allowPrivate);
  const [clientId, clientSecret, refreshToken] = [setting(conn, "lwaClientId"), setting(conn, "lwaClientSecret"), setting(conn, "refreshToken")];
  if (!clientId || !clientSecret || !refreshToken) throw new Error("connection settings need lwaClientId, lwaClientSecret and refreshToken to fetch orders");
  const grant = (await getJson(tokenUrl, { "content-type": "application/x-www-form-urlencoded" }, {
    method: "POST",
    body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: refreshToken, client_id: clientId, client_secret: clientSecret }).toString(),
  })) as { access_token?: string };
  if (!grant.access_token) throw new Error("Login with Amazon returned no access token");
  const h = { "x-amz-access-token": grant.access_token };
  const id = encodeURIComponent(externalId);
  const order = ((await getJson(`${api}/orders/v0/orders/${id}`, h)) as { payload?: unknown }).payload;
  if (isFulfilledByAmazon(order)) return { ok: false, reason: "fulfilled by Amazon (AFN): not reserved from our stock and not sent to the ERP as an order", detail: { externalId } };
  const items: unknown[] = [];
  let next: string | undefined;
  for (let page = 0; page < 20; page++) {
    const q = next ? `?NextToken=${encodeURIComponent(next)}` : "";
    const p = ((await getJson(`${api}/orders/v0/orders/${id}/orderItems${q}`, h)) as { payload?: { OrderItems?: unknown[]; NextToken?: string } }).payload;
    items.push(...(p?.OrderItems ?? []));
    next = p?.NextToken;
    if (!next) break;
  }
  const mapped = amazonOrderToCanonical(order, items, channel);
  return mapped.ok ? { ok: true, order: mapped.value } : { ok: false, reason: "Amazon order failed validation", detail: { failure: mapped.error, order } };
}
