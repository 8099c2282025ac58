/**
 * The last line of defence for the two promises every connector makes: it never throws, and no
 * credential reaches a result. Each connector's factory wraps its implementation in `guarded`.
 */
import type { ErpConnector, ErpResult } from "../types";
import { config, errorText } from "./result";

const METHODS = ["health", "createOrder", "cancelOrder", "getOrder", "ordersChangedSince", "stockByLocation", "shipmentsSince", "productsChangedSince"] as const;

/** Replaces every occurrence of each secret (and its URL-encoded form) with `[redacted]`. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join("[redacted]");
  }
  return out;
}

function scrubResult<T>(r: ErpResult<T>, secrets: readonly string[]): ErpResult<T> {
  if (r.kind === "ok") {
    // Values are built from ERP data, never from credentials; checking costs one stringify.
    const text = JSON.stringify(r.value);
    const clean = text === undefined ? text : scrub(text, secrets);
    return clean === text ? r : { kind: "ok", value: JSON.parse(clean as string) as T };
  }
  return { ...r, reason: scrub(r.reason, secrets) };
}

/**
 * Wraps a connector: a throw becomes `config` (a bug or an answer we cannot read must be looked
 * at, not retried forever) and every result is scrubbed of `secrets()`.
 * @example return guarded(impl, () => [config.credentials.clientSecret ?? "", tokenCache.current() ?? ""]);
 */
export function guarded(impl: ErpConnector, secrets: () => readonly string[]): ErpConnector {
  const out = { kind: impl.kind } as { -readonly [K in keyof ErpConnector]: ErpConnector[K] };
  for (const m of METHODS) {
    // Optional methods (productsChangedSince) stay absent where the connector has none.
    if (typeof impl[m] !== "function") continue;
    const fn = impl[m]!.bind(impl) as (...a: unknown[]) => Promise<ErpResult<unknown>>;
    (out as Record<string, unknown>)[m] = async (...args: unknown[]) => {
      try {
        return scrubResult(await fn(...args), secrets());
      } catch (e) {
        return config(scrub(`connector failed unexpectedly: ${errorText(e)}`, secrets()));
      }
    };
  }
  return out;
}
