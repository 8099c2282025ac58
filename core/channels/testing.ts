/** Helpers for the adapter tests only (imported by *.test.ts, never by an adapter). */
import type { Result } from "../canonical";
import { hmacSha256, toBase64, utf8 } from "../crypto";
import type { ConnectionInfo, WebhookRequest } from "./types";

export const NOW = Date.parse("2026-01-15T12:00:00Z");

export function request(body: string | Uint8Array, headers: Record<string, string> = {}, now = NOW): WebhookRequest {
  return { headers: new Headers(headers), body: typeof body === "string" ? utf8(body) : body, now };
}

export function connection(secret: string, channel = "test-channel", settings: Record<string, unknown> = {}): ConnectionInfo {
  return { id: `conn-${channel}`, channel, secret, settings };
}

export async function base64Hmac(secret: string | Uint8Array, body: string | Uint8Array): Promise<string> {
  return toBase64(await hmacSha256(secret, body));
}

/** The same bytes with one byte changed: the smallest tampering a signature must catch. */
export function tamper(body: Uint8Array, at = Math.floor(body.length / 2)): Uint8Array {
  const copy = body.slice();
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

/** Unwraps an ok Result or fails the test with the error it carried. */
export function unwrap<T, E>(r: Result<T, E>): T {
  if (!r.ok) throw new Error(`expected ok, got ${JSON.stringify(r.error)}`);
  return r.value;
}

/** Unwraps a failed Result or fails the test with the value it carried. */
export function failure<T, E>(r: Result<T, E>): E {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r.value)}`);
  return r.error;
}
