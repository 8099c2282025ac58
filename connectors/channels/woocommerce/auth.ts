/**
 * WooCommerce REST authentication (woocommerce-rest-api-docs `_authentication.md`):
 * - over HTTPS, HTTP Basic with consumer key and secret;
 * - `query`: the same pair as `consumer_key` / `consumer_secret` query parameters, documented for
 *   HTTPS servers that drop the Authorization header ("Consumer key is missing");
 * - over plain HTTP, OAuth 1.0a one-legged: WooCommerce refuses Basic there. The signature is
 *   HMAC-SHA256 over `METHOD&enc(url)&enc(sorted enc(k)=enc(v) joined by &)`, keyed with
 *   `consumer_secret&` (WC_REST_Authentication::check_oauth_signature); the body is not signed.
 * `settings.authMode` overrides the choice (`basic` for a store behind a TLS-terminating proxy).
 */
import { hmacSha256, toBase64 } from "../../../core/crypto";
import { basicAuth } from "../common/http";

export type WooAuthMode = "basic" | "query" | "oauth1";

export interface WooCredentials {
  consumerKey: string;
  consumerSecret: string;
  mode: WooAuthMode;
}

/** The mode a base URL gets unless settings say otherwise. @example defaultAuthMode("http://shop.test") // "oauth1" */
export const defaultAuthMode = (baseUrl: string): WooAuthMode => (baseUrl.startsWith("https://") ? "basic" : "oauth1");

/** RFC 3986 encoding, as OAuth 1.0 wants it. @example rfc3986("a b!") // "a%20b%21" */
export function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The OAuth 1.0a signature base string for a URL (its query parameters included). */
export function signatureBase(method: string, url: URL): string {
  const params = [...url.searchParams.entries()].filter(([k]) => k !== "oauth_signature").map(([k, v]) => [rfc3986(k), rfc3986(v)] as const);
  params.sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = params.map(([k, v]) => `${k}=${v}`).join("&");
  return `${method.toUpperCase()}&${rfc3986(`${url.origin}${url.pathname}`)}&${rfc3986(normalized)}`;
}

/**
 * Adds credentials to one request.
 * @example const { url, headers } = await authorize(creds, "GET", new URL(`${base}/wp-json/wc/v3/products?sku=A`), Date.now());
 */
export async function authorize(creds: WooCredentials, method: string, url: URL, nowMs: number): Promise<{ url: URL; headers: Record<string, string> }> {
  if (creds.mode === "basic") return { url, headers: { authorization: basicAuth(creds.consumerKey, creds.consumerSecret) } };
  const signed = new URL(url);
  if (creds.mode === "query") {
    signed.searchParams.set("consumer_key", creds.consumerKey);
    signed.searchParams.set("consumer_secret", creds.consumerSecret);
    return { url: signed, headers: {} };
  }
  signed.searchParams.set("oauth_consumer_key", creds.consumerKey);
  signed.searchParams.set("oauth_nonce", crypto.randomUUID().replace(/-/g, ""));
  signed.searchParams.set("oauth_signature_method", "HMAC-SHA256");
  signed.searchParams.set("oauth_timestamp", String(Math.floor(nowMs / 1000)));
  const signature = toBase64(await hmacSha256(`${creds.consumerSecret}&`, signatureBase(method, signed)));
  signed.searchParams.set("oauth_signature", signature);
  return { url: signed, headers: {} };
}
