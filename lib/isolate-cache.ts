/**
 * A short-lived per-isolate cache for reads that sit on every request (API keys, connections,
 * channel policies). It holds the promise, so concurrent requests share one load; a failed load
 * is forgotten at once. Other isolates see a change within `ttlMs`.
 *
 * @example const policies = new IsolateCache<Policy | null>(5_000); await policies.get(ch, () => read(ch));
 */
export class IsolateCache<V> {
  readonly #entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
  ) {}

  get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.#entries.get(key);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    if (this.#entries.size >= this.maxEntries) this.#entries.clear();
    this.#entries.set(key, { at: Date.now(), value });
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key);
    });
    return value;
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
