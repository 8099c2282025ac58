/**
 * Signature checks shared by the adapters. Small on purpose: this is the audit boundary.
 * Every comparison of secret material is constant-time; nothing here parses the body.
 */
import { err, ok, type Result } from "../canonical";
import { fromBase64, hmacSha256, sha256Hex, timingSafeEqual, timingSafeEqualString } from "../crypto";
import type { VerifyFailure } from "./types";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** First non-empty value among `names` (Headers.get is case-insensitive already). */
export function header(headers: Headers, ...names: string[]): string | null {
  for (const name of names) {
    const v = headers.get(name)?.trim();
    if (v) return v;
  }
  return null;
}

/** Decodes a standard-base64 HMAC-SHA256 digest; null when it is not one (wrong alphabet or length). */
export function decodeDigest(b64: string): Uint8Array | null {
  if (!BASE64.test(b64)) return null;
  const bytes = fromBase64(b64);
  return bytes && bytes.length === 32 ? bytes : null;
}

/**
 * Checks a header carrying base64(HMAC-SHA256(secret, raw body)), the scheme Shopify and
 * WooCommerce share. Missing header, undecodable value and mismatch are told apart for ops.
 */
export async function verifyBodyHmac(
  secret: string | Uint8Array,
  body: Uint8Array,
  presented: string | null,
): Promise<Result<true, VerifyFailure>> {
  if (!presented) return err({ reason: "missing_signature" });
  const given = decodeDigest(presented);
  if (!given) return err({ reason: "malformed_signature" });
  const expected = await hmacSha256(secret, body);
  return timingSafeEqual(expected, given) ? ok(true) : err({ reason: "bad_signature" });
}

/**
 * Compares a presented shared secret (Amazon's x-api-key, BigCommerce's bearer) with ours.
 * Both sides are hashed first so neither the content nor the secret's length leaks through timing.
 */
export async function verifySharedSecret(presented: string | null, secret: string): Promise<Result<true, VerifyFailure>> {
  // An empty value is "missing", so an unset (empty) secret can never be matched.
  if (!presented) return err({ reason: "missing_signature" });
  const [a, b] = await Promise.all([sha256Hex(presented), sha256Hex(secret)]);
  return timingSafeEqualString(a, b) ? ok(true) : err({ reason: "bad_signature" });
}

/**
 * A transport id for providers whose id lives in the body, used only when that field is absent
 * or unreadable: the same bytes re-sent give the same id, so retries still dedupe.
 */
export async function bodyDigestId(body: Uint8Array): Promise<string> {
  return `sha256:${await sha256Hex(body)}`;
}

/** A content-addressed delivery: its id is the body's digest (kept, so nothing hashes the body twice). */
export async function digestDelivery(body: Uint8Array, topic: string): Promise<{ deliveryId: string; topic: string; bodyDigest: string }> {
  const bodyDigest = await sha256Hex(body);
  return { deliveryId: `sha256:${bodyDigest}`, topic, bodyDigest };
}
