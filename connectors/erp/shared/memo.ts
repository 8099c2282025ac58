/**
 * Per-isolate memory for what connectors may keep between calls: access tokens and resolved
 * master data (customer, item, location ids). Keys carry the connection id and a fingerprint of
 * its credentials, so a rotated secret or another connection never sees a stale entry.
 */

/** FNV-1a of a credential, so cache keys never hold the secret itself. @example fingerprint("s3cret") // "1b6a2f3e" */
export function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, "0");
}

/**
 * A map whose entries expire `ttlMs` after they were stored (by the connector's clock). Only
 * found values are stored: an unknown SKU is asked again next time, since it may be created.
 * @example const items = new Memo<string>(600_000); items.get(key, now) ?? items.set(key, id, now);
 */
export class Memo<V> {
  readonly #entries = new Map<string, { at: number; value: V }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 5000,
  ) {}

  get(key: string, now: number): V | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (now - e.at >= this.ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V, now: number): V {
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    this.#entries.set(key, { at: now, value });
    return value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }
}
