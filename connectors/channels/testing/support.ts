/** Test support for publishers (imported by tests and harnesses only, never by a publisher). */
import type { IdCache, PublisherDeps, PublishResult } from "../types";

/** The IdCache a host keeps, in memory. @example const ids = memoryIdCache(); ids.set("k", "v") */
export function memoryIdCache(): IdCache & { entries(): Record<string, string> } {
  const m = new Map<string, string>();
  return {
    get: (k) => m.get(k),
    set: (k, v) => void m.set(k, v),
    entries: () => Object.fromEntries(m),
  };
}

/** Real loopback fetch, real clock, a fresh id cache. */
export function testDeps(ids: IdCache = memoryIdCache()): PublisherDeps {
  return { fetch: (input, init) => fetch(input, init), now: () => Date.now(), timeoutMs: 5_000, ids };
}

export interface StubCall {
  at: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One tenant of a channel stub (scripts/stubs/*.mjs): its own inventory, faults and call log.
 * @example const t = new StubTenant(env.SHOPIFY_STUB_URL); await t.control("seed", { items: [] }); t.base // publisher apiBaseUrl
 */
export class StubTenant {
  readonly id: string;
  constructor(
    readonly stubUrl: string,
    id?: string,
  ) {
    this.id = id ?? `t-${crypto.randomUUID()}`;
  }

  get base(): string {
    return `${this.stubUrl}/t/${this.id}`;
  }

  async control<T = unknown>(action: "seed" | "sell" | "faults" | "reset", body: unknown = {}): Promise<T> {
    const res = await controlFetch(`${this.stubUrl}/_control/${this.id}/${action}`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
    if (!res.ok) throw new Error(`stub control ${action} answered ${res.status}: ${await res.text()}`);
    return (await res.json()) as T;
  }

  async state<T = Record<string, unknown>>(): Promise<T> {
    return (await (await controlFetch(`${this.stubUrl}/_control/${this.id}/state`)).json()) as T;
  }

  async calls(): Promise<StubCall[]> {
    return ((await (await controlFetch(`${this.stubUrl}/_control/${this.id}/calls`)).json()) as { calls: StubCall[] }).calls;
  }
}

/**
 * A control call, tried again when the runtime reused a keep-alive socket the stub had already
 * closed ("Network connection lost"): control calls are idempotent reads or test set-up sent once
 * per failure-free answer, and the stub never saw a request whose connection was lost this way.
 */
async function controlFetch(url: string, init?: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, init);
    } catch (e) {
      if (attempt >= 3 || !/connection lost/i.test(String(e))) throw e;
    }
  }
}

/** Fails when any secret appears anywhere in a result. @example assertNoSecrets(result, [token]) */
export function assertNoSecrets(result: PublishResult, secrets: string[]): void {
  const text = JSON.stringify(result);
  for (const s of secrets) if (s && text.includes(s)) throw new Error(`a credential appears in the publish result: ${text.slice(0, 300)}`);
}
