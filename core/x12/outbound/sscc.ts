/**
 * SSCC-18, the GS1 Serial Shipping Container Code on carton and pallet labels (AI 00) and in
 * the 856 as MAN*GM: extension digit (0-9, the shipper's free choice) + GS1 company prefix
 * (7-10 digits) + serial reference (so that the 17 digits are full) + a mod-10 check digit.
 * The check digit is GS1's: weights 3 and 1 alternate from the rightmost data digit, and it is
 * what brings the weighted sum up to a multiple of ten (GS1 General Specifications, the check
 * digit table worked on 376104250021234569). A serial must not be reused for 12 months
 * (gs1-128.info, "SSCC-18 Barcodes"); allocating serials is the caller's job.
 */

/** The GS1 mod-10 check digit of a digit string (any length), e.g. "37610425002123456" → 9. */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10;
}

export type SsccResult = { ok: true; sscc: string } | { ok: false; reason: string };

/**
 * Builds an SSCC-18 from its parts; the serial is zero-padded on the left to fill 17 digits.
 * @example buildSscc({ extension: 0, companyPrefix: "0614141", serial: 123456789 }) // → { ok: true, sscc: "006141411234567890" }
 */
export function buildSscc(parts: { extension: number | string; companyPrefix: string; serial: number | string }): SsccResult {
  const ext = String(parts.extension);
  const prefix = String(parts.companyPrefix);
  const serial = String(parts.serial);
  if (!/^\d$/.test(ext)) return { ok: false, reason: `extension digit must be one digit 0-9, got "${ext}"` };
  if (!/^\d{7,10}$/.test(prefix)) return { ok: false, reason: `GS1 company prefix must be 7 to 10 digits, got "${prefix}"` };
  const room = 16 - prefix.length;
  if (!/^\d+$/.test(serial)) return { ok: false, reason: `serial reference must be digits, got "${serial}"` };
  if (serial.length > room) return { ok: false, reason: `serial reference ${serial} does not fit in ${room} digits after a ${prefix.length}-digit company prefix` };
  const body = ext + prefix + serial.padStart(room, "0");
  return { ok: true, sscc: body + String(gs1CheckDigit(body)) };
}

/** Whether `s` is 18 digits whose last is the GS1 check digit of the first 17, e.g. isValidSscc("376104250021234569") === true. */
export function isValidSscc(s: string): boolean {
  return /^\d{18}$/.test(s) && gs1CheckDigit(s.slice(0, 17)) === s.charCodeAt(17) - 48;
}
