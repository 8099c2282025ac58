/**
 * The one way a publisher talks to a provider: `deps.fetch` with a timeout, never throwing, the
 * body read once and cut to 500 characters for reasons, and every credential scrubbed out of
 * whatever text may reach a result.
 */
import type { PublisherDeps } from "../types";

export type Answer = { kind: "answer"; status: number; headers: Headers; text: string; json: unknown };
export type NoAnswer = { kind: "network"; reason: string };

const DEFAULT_TIMEOUT_MS = 10_000;
export const BODY_LIMIT = 500;

/**
 * Calls the provider; a timeout or a refused connection is `network`, any HTTP answer is `answer`.
 * @example const a = await callProvider(deps, url, { method: "GET" }); if (a.kind === "answer" && a.status === 200) use(a.json);
 */
export async function callProvider(deps: PublisherDeps, url: string, init: RequestInit): Promise<Answer | NoAnswer> {
  const timeoutMs = deps.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const res = await deps.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { kind: "answer", status: res.status, headers: res.headers, text, json };
  } catch (e) {
    const name = e instanceof Error ? e.name : "";
    if (name === "TimeoutError" || name === "AbortError") return { kind: "network", reason: `no answer within ${timeoutMs} ms` };
    return { kind: "network", reason: `network error: ${cut(e instanceof Error ? e.message : String(e), 200)}` };
  }
}

/** Cuts provider text for a reason. @example cut("x".repeat(900)).length // 501 */
export function cut(text: string, limit = BODY_LIMIT): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

/**
 * A scrubber that replaces every given secret (and its URL-encoded form) in a
 * text; publishers pass every reason through it, so a provider echoing a token back cannot leak it.
 * @example redactor(["s3cret"])("token s3cret refused") // "token [redacted] refused"
 */
export function redactor(secrets: Array<string | undefined>): (text: string) => string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (!s || s.length < 4) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
  }
  const list = [...forms].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const f of list) out = out.split(f).join("[redacted]");
    return out;
  };
}

/** `Basic` credentials without `btoa` on non-Latin-1 input. @example basicAuth("ck", "cs") // "Basic Y2s6Y3M=" */
export function basicAuth(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return `Basic ${btoa(bin)}`;
}

/** What a provider's HTTP status means for the items it carried. */
export function classifyStatus(status: number): "ok" | "config" | "retry" | "rejected" {
  if (status >= 200 && status < 300) return "ok";
  if (status === 401 || status === 403) return "config";
  if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) return "retry";
  return "rejected";
}
