/**
 * Counting inbound deliveries (channel webhooks and EDI interchanges) per channel and connection:
 * received, each outcome, refusals by reason, the time to the answer; and the connection's
 * arrival for its learned cadence (silence alerts). The route names the connection and the
 * outcome as it learns them; the middleware counts once the answer is made. Nothing is awaited
 * on the answer's path: increments are buffered (lib/metrics.ts). Refusals that happen before
 * the connection is known (too large, timed out) are labelled after the answer, from the cached
 * connection, in `waitUntil`; an id that names no connection is counted as `unknown`, so forged
 * ids cannot mint series.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { AppEnv } from "./http";
import { loadConnection } from "./connections";
import { countMetric, noteSeen, observe } from "./metrics";

interface Noted {
  id: string;
  kind: string;
  channel: string;
  outcome?: string;
}
const noted = new WeakMap<Request, Noted>();

const REFUSALS: Record<number, string> = { 400: "bad_request", 401: "signature", 403: "forbidden", 404: "unknown_connection", 408: "timeout", 413: "too_large", 429: "rate_limited", 503: "unavailable" };

/** The route found the delivery's connection (before it may refuse it). */
export function noteConnection(c: Context<AppEnv>, conn: { id: string; kind: string; channel: string }): void {
  noted.set(c.req.raw, { id: conn.id, kind: conn.kind, channel: conn.channel });
}

/** The route answered the verified delivery with this outcome. */
export function noteOutcome(c: Context<AppEnv>, outcome: string): void {
  const n = noted.get(c.req.raw);
  if (n) n.outcome = outcome;
}

const ctxOf = (c: Context<AppEnv>) => {
  try {
    return c.executionCtx;
  } catch {
    return undefined;
  }
};

export function inboundMetrics(via: "webhook" | "edi"): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = Date.now();
    await next();
    const env = c.env;
    const ctx = ctxOf(c);
    const elapsed = (Date.now() - started) / 1000;
    const status = c.res.status;
    const n = noted.get(c.req.raw);
    const outcome = n?.outcome ?? (via === "edi" && status === 200 ? (c.res.headers.get("x-switchyard-status") ?? "accepted") : undefined);
    const count = (labels: { channel: string; connection: string }) => {
      if (via === "webhook") {
        countMetric(env, ctx, "switchyard_webhook_deliveries_received_total", labels);
        observe(env, ctx, "switchyard_webhook_ack_seconds", labels, elapsed);
      }
      if (outcome && status === 200) {
        countMetric(env, ctx, via === "webhook" ? "switchyard_webhook_deliveries_total" : "switchyard_edi_interchanges_total", { ...labels, outcome });
      } else {
        const reason = status >= 500 && status !== 503 ? "error" : (REFUSALS[status] ?? `status_${status}`);
        countMetric(env, ctx, via === "webhook" ? "switchyard_webhook_deliveries_total" : "switchyard_edi_interchanges_total", { ...labels, outcome: "refused" });
        if (via === "webhook") countMetric(env, ctx, "switchyard_webhook_refused_total", { ...labels, reason });
      }
    };
    if (n) {
      count({ channel: n.channel, connection: n.id });
      // Verified traffic, whatever became of it, is the connection talking.
      if (outcome && status === 200) noteSeen(env, ctx, { key: `connection:${n.id}`, id: n.id, kind: n.kind, channel: n.channel }, started);
      return;
    }
    const id = c.req.param("connectionId") ?? "";
    const unknown = { channel: "unknown", connection: "unknown" };
    if (status === 404 || !id || !ctx) return count(unknown);
    ctx.waitUntil(
      loadConnection(env, id)
        .then((conn) => count(conn ? { channel: conn.channel, connection: conn.id } : unknown))
        .catch(() => count(unknown)),
    );
  };
}
