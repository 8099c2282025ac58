/**
 * Standard Webhooks verification (https://www.standardwebhooks.com): HMAC-SHA256 over
 * `${webhook-id}.${webhook-timestamp}.${body}` with the base64 secret after `whsec_`, sent as a
 * space-separated list of `v1,<base64>` so senders can rotate keys. Svix-powered senders use
 * the same scheme under `svix-*` header names.
 */
import { err, ok, type Result } from "../../canonical";
import { fromBase64, hmacSha256, timingSafeEqual, toBase64, utf8 } from "../../crypto";
import { decodeDigest, header } from "../signature";
import type { VerifyFailure } from "../types";

/** The spec's replay window: reject timestamps further than this from our clock. */
export const TOLERANCE_SECONDS = 300;

/** `whsec_<base64>`, or the bare base64 some dashboards show; null when it is neither. */
export function secretKey(secret: string): Uint8Array | null {
  const b64 = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return null;
  const key = fromBase64(b64);
  return key && key.length > 0 ? key : null;
}

/**
 * Signs an outbound message the Standard Webhooks way: `v1,<base64 HMAC-SHA256(key, "id.timestamp.body")>`,
 * with the same secret decoding as verification (so a secret that verifies inbound signs outbound).
 *
 * @example await signStandard("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_1", 1700000000, "{}")
 */
export async function signStandard(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const key = secretKey(secret) ?? utf8(secret);
  return `v1,${toBase64(await hmacSha256(key, `${id}.${timestamp}.${body}`))}`;
}

export interface SignedHeaders {
  id: string;
  timestamp: number;
}

export async function verifyStandardSignature(
  headers: Headers,
  body: Uint8Array,
  secret: string,
  now: number,
): Promise<Result<SignedHeaders, VerifyFailure>> {
  const id = header(headers, "webhook-id", "svix-id");
  const ts = header(headers, "webhook-timestamp", "svix-timestamp");
  const list = header(headers, "webhook-signature", "svix-signature");
  if (!id || !ts || !list) return err({ reason: "missing_signature" });
  if (!/^\d{1,12}$/.test(ts)) return err({ reason: "malformed_signature" });
  const timestamp = Number(ts);
  // Positive skew: the sender's clock (or a replayer) claims a time in our future.
  const skewSeconds = timestamp - Math.floor(now / 1000);
  if (Math.abs(skewSeconds) > TOLERANCE_SECONDS) return err({ reason: "timestamp_out_of_window", skewSeconds });

  const entries = list.split(" ").filter(Boolean).map((e) => {
    const comma = e.indexOf(",");
    return comma < 0 ? null : { version: e.slice(0, comma), signature: e.slice(comma + 1) };
  });
  if (entries.every((e) => e === null)) return err({ reason: "malformed_signature" });
  const key = secretKey(secret);
  if (!key) return err({ reason: "bad_signature" });

  const prefix = utf8(`${id}.${ts}.`);
  const signed = new Uint8Array(prefix.length + body.length);
  signed.set(prefix);
  signed.set(body, prefix.length);
  const expected = await hmacSha256(key, signed);
  // Every v1 entry is checked: any one matching is enough, other versions (v1a) are skipped.
  let matched = false;
  for (const e of entries) {
    if (e?.version !== "v1") continue;
    const given = decodeDigest(e.signature);
    if (given && timingSafeEqual(expected, given)) matched = true;
  }
  return matched ? ok({ id, timestamp }) : err({ reason: "bad_signature" });
}
