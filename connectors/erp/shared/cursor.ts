/**
 * Opaque page cursors: a connector's own state (a watermark, the ids seen at it, a next-page
 * link) as base64url JSON, so callers store one string and never depend on its shape.
 */

/** @example encodeCursor({ t: "2025-01-01T00:00:00Z", ids: [] }) // "eyJ0Ijoi…" */
export function encodeCursor(state: unknown): string {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The state a cursor carries, or null when it is not one of ours (garbled, truncated, foreign). */
export function decodeCursor<T>(cursor: string, valid: (v: unknown) => v is T): T | null {
  try {
    const bin = atob(cursor.replace(/-/g, "+").replace(/_/g, "/"));
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const v: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return valid(v) ? v : null;
  } catch {
    return null;
  }
}
