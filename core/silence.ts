/**
 * Upstream silence: each connection learns its usual cadence (an exponentially weighted moving
 * average of the gaps between its deliveries) and is silent when it has been quiet for longer than
 * a multiple of that cadence, never less than a floor. A per-connection `silenceAfterSeconds`
 * replaces the learned threshold. A connection with too few gaps has no learned cadence yet and
 * is never raised, unless it has an explicit threshold. Pure: the MetricsDO keeps the state.
 */

export interface Cadence {
  /** ms epoch of the last delivery (or successful poll). */
  lastSeen: number;
  /** Learned usual gap, seconds (null before the first gap). */
  ewmaGapSeconds: number | null;
  /** How many gaps the average has seen. */
  gaps: number;
}

/** Arrivals since the last flush: the first and last arrival times (ms) and how many. */
export interface Arrivals {
  first: number;
  last: number;
  count: number;
}

export const EWMA_ALPHA = 0.2;
/** Gaps a connection needs before its learned cadence raises anything. */
export const MIN_GAPS = 3;
export const DEFAULT_MULTIPLE = 4;
export const DEFAULT_FLOOR_SECONDS = 300;

function blend(ewma: number | null, gap: number, times: number): number {
  if (times <= 0) return ewma ?? gap;
  if (ewma === null) {
    ewma = gap;
    times -= 1;
  }
  const keep = (1 - EWMA_ALPHA) ** times;
  return ewma * keep + gap * (1 - keep);
}

/**
 * Folds a batch of arrivals into the cadence: the gap from the previous last arrival to the
 * batch's first, then the batch's own mean gap for each of its inner gaps. Arrivals older than
 * what is known (a late flush from another isolate) only move `lastSeen` forward, never back.
 */
export function foldArrivals(prev: Cadence | null, a: Arrivals): Cadence {
  let ewma = prev?.ewmaGapSeconds ?? null;
  let gaps = prev?.gaps ?? 0;
  if (prev && a.first > prev.lastSeen) {
    ewma = blend(ewma, (a.first - prev.lastSeen) / 1000, 1);
    gaps += 1;
  }
  if (a.count > 1 && a.last > a.first) {
    const inner = a.count - 1;
    ewma = blend(ewma, (a.last - a.first) / 1000 / inner, inner);
    gaps += inner;
  }
  return { lastSeen: Math.max(prev?.lastSeen ?? 0, a.last), ewmaGapSeconds: ewma, gaps };
}

export interface SilenceRules {
  multiple?: number;
  floorSeconds?: number;
  /** The connection's own `settings.silenceAfterSeconds`. */
  silenceAfterSeconds?: number | null;
}

/** Seconds of quiet after which the connection is silent; null while nothing can be said. */
export function thresholdSeconds(c: Cadence, rules: SilenceRules = {}): number | null {
  const explicit = rules.silenceAfterSeconds;
  if (typeof explicit === "number" && Number.isFinite(explicit) && explicit > 0) return explicit;
  if (c.ewmaGapSeconds === null || c.gaps < MIN_GAPS) return null;
  return Math.max(rules.floorSeconds ?? DEFAULT_FLOOR_SECONDS, (rules.multiple ?? DEFAULT_MULTIPLE) * c.ewmaGapSeconds);
}

export interface SilenceVerdict {
  silent: boolean;
  silentForSeconds: number;
  thresholdSeconds: number | null;
  /** What the connection is expected to send every so often (the learned cadence, or the explicit threshold). */
  expectedEverySeconds: number | null;
}

export function judge(c: Cadence, now: number, rules: SilenceRules = {}): SilenceVerdict {
  const threshold = thresholdSeconds(c, rules);
  const quiet = Math.max(0, (now - c.lastSeen) / 1000);
  const expected = c.ewmaGapSeconds !== null && c.gaps >= 1 ? Math.round(c.ewmaGapSeconds * 1000) / 1000 : threshold;
  return { silent: threshold !== null && quiet > threshold, silentForSeconds: Math.floor(quiet), thresholdSeconds: threshold, expectedEverySeconds: expected };
}

export interface SeenBatch {
  /** `connection:<id>` or `erp:<id>`. */
  key: string;
  id: string;
  kind: string;
  channel: string | null;
  first: number;
  last: number;
  count: number;
}
export interface CadenceRow {
  key: string;
  id: string;
  kind: string;
  channel: string | null;
  lastSeen: number;
  ewmaGapSeconds: number | null;
  gaps: number;
  silentSince: number | null;
}
export interface SilenceTransition {
  type: "connection.silent" | "connection.resumed";
  key: string;
  connectionId: string;
  kind: string;
  channel: string | null;
  /** When the connection was raised silent (ms); names the episode. */
  silentSince: number;
  lastSeenAt: number;
  expectedEverySeconds: number | null;
  silentForSeconds: number;
  at: number;
}

/** The id `checkSilence` keeps a transition under (and the outbound event's id is built from). */
export const transitionId = (t: SilenceTransition) => `${t.type === "connection.silent" ? "silent" : "resumed"}:${t.key}:${t.silentSince}`;
