/**
 * The reference Switchyard writes into the ERP's order (and looks the order up by before
 * creating, CONTRACT.md): the order id itself where the ERP's field can hold it, else a digest of
 * it that fits. Business Central's `externalDocumentNumber` is Code[35] and upper-cased, and an
 * order id is `ord_` + 64 hex (68 characters), so BC gets `SY` + 33 base32 characters of
 * SHA-256(orderId): 165 bits, upper-case already, the same on every retry and replay. The
 * connection's ErpPollerDO remembers digest → order id before the booking is sent, so shipments
 * and status changes read back find their order.
 */
import type { ErpKind } from "../connectors/erp/types";
import { utf8 } from "../core/crypto";

/** Longest reference each kind's ERP field takes (absent: no practical limit). */
const MAX_REFERENCE: Partial<Record<ErpKind, number>> = { "business-central": 35 };
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

function base32(bytes: Uint8Array): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return bits > 0 ? out + BASE32[(value << (5 - bits)) & 31] : out;
}

/**
 * @example await erpReference("business-central", "ord_3f…") // "SYK5Q…" (35 characters)
 * @example await erpReference("tryton", "ord_3f…") // "ord_3f…"
 */
export async function erpReference(kind: ErpKind, orderId: string): Promise<string> {
  const max = MAX_REFERENCE[kind];
  if (max === undefined || orderId.length <= max) return orderId;
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", utf8(orderId) as BufferSource));
  return `SY${base32(digest).slice(0, max - 2)}`;
}
