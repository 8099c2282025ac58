/**
 * Per-isolate caches of resolved Tryton master data (party ids by customer code, product ids by
 * SKU, currencies, countries, the location tree), keyed by connection. Only found things are
 * cached, so a party or product added in Tryton is seen on the next order.
 */

const MAX_ENTRIES = 5000;
const store = new Map<string, { value: unknown; expires: number }>();

export interface TtlCache {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown, ttlMs: number): void;
  delete(key: string): void;
}

/** A cache scoped to one connection: `scope` prefixes every key. @example const c = scopedCache("erp1|db", deps.now); c.set("party:C1", 7, 60_000); */
export function scopedCache(scope: string, now: () => number): TtlCache {
  return {
    get<T>(key: string) {
      const e = store.get(`${scope}|${key}`);
      if (!e) return undefined;
      if (e.expires <= now()) {
        store.delete(`${scope}|${key}`);
        return undefined;
      }
      return e.value as T;
    },
    set(key, value, ttlMs) {
      // Oldest first: Map keeps insertion order, so the first key is the oldest entry.
      if (store.size >= MAX_ENTRIES) store.delete(store.keys().next().value as string);
      store.set(`${scope}|${key}`, { value, expires: now() + ttlMs });
    },
    delete(key) {
      store.delete(`${scope}|${key}`);
    },
  };
}
