/**
 * The contract every channel adapter implements. Adapters are pure: no bindings, no fetch,
 * nothing but Web Crypto, so the security-critical part of ingest can be reviewed and tested alone.
 */
import type { ChannelEvent, FieldIssue, Result } from "../canonical";

/**
 * The connection kinds that arrive on `POST /v1/webhooks/{connectionId}`: lib/connections.ts's
 * ConnectionKind less x12, which has its own endpoint.
 */
export type WebhookConnectionKind = "shopify" | "woocommerce" | "amazon" | "bigcommerce" | "standard";

export interface WebhookRequest {
  headers: Headers;
  /** The raw bytes exactly as received: signatures are computed over these, never a re-serialisation. */
  body: Uint8Array;
  /** ms since epoch, injected for testability */
  now: number;
}

export interface ConnectionInfo {
  id: string;
  /** `settings.channel`, defaulting to the connection id: the channel every event is booked under. */
  channel: string;
  secret: string;
  settings: Record<string, unknown>;
}

export type VerifyFailure =
  | { reason: "missing_signature" }
  | { reason: "bad_signature" }
  | { reason: "timestamp_out_of_window"; skewSeconds: number }
  | { reason: "malformed_signature" };

/** What transport dedupe keys on: stable across a provider's retries of one delivery. */
export interface Delivery {
  deliveryId: string;
  topic: string;
  /**
   * Set when `deliveryId` is the digest of the signed body (hex SHA-256): the id is
   * content-addressed, so it can never be reused for other content, and ingest need not hash the
   * body again.
   */
  bodyDigest?: string;
}

export type ParseFailure =
  | { reason: "invalid_json" }
  | { reason: "invalid_payload"; issues: FieldIssue[] }
  | { reason: "unsupported_topic"; topic: string };

export interface ChannelAdapter {
  /** Authenticates the raw bytes (constant-time) before anything is parsed. */
  verify(req: WebhookRequest, conn: ConnectionInfo): Promise<Result<Delivery, VerifyFailure>>;
  /**
   * Turns a verified delivery into canonical events, in the order ingest should apply them.
   * Never throws on bad input: a payload that fails validation is `invalid_payload` (quarantined).
   */
  parse(req: WebhookRequest, conn: ConnectionInfo, delivery: Delivery): Result<ChannelEvent[], ParseFailure>;
}
