/**
 * Silence alerts from the connections' learned cadence (core/silence.ts; the MetricsDO keeps it):
 * which connections are quiet now (the summary, /metrics), and the periodic announcement of each
 * connection raised silent or resumed as an outbound event (`connection.silent`,
 * `connection.resumed`, one stream per connection so a subscriber gets them in order). Rules per
 * connection come from its `settings.silenceAfterSeconds`; the floor and the multiple from
 * SILENCE_FLOOR_SECONDS and SILENCE_MULTIPLE (defaults 300 s and 4×).
 */
import { METRICS_OBJECT } from "../core/keys";
import { DEFAULT_FLOOR_SECONDS, DEFAULT_MULTIPLE, judge, transitionId, type CadenceRow, type SilenceRules } from "../core/silence";
import { listConnections } from "../db/connections";
import { listErpConnections } from "../db/erp-connections";
import { appendEvents } from "../db/outbound-events";
import type { Env } from "./env";
import { log } from "./log";
import { countMetric, flushMetrics } from "./metrics";

export interface SilentConnection {
  connectionId: string;
  kind: string;
  channel: string | null;
  lastSeenAt: string;
  expectedEverySeconds: number | null;
  silentForSeconds: number;
  thresholdSeconds: number;
}

const positive = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : typeof v === "string" && Number(v) > 0 ? Number(v) : null);

export function silenceDefaults(env: Env): SilenceRules {
  return { floorSeconds: positive(env.SILENCE_FLOOR_SECONDS) ?? DEFAULT_FLOOR_SECONDS, multiple: positive(env.SILENCE_MULTIPLE) ?? DEFAULT_MULTIPLE };
}

/** Each connection's explicit threshold, keyed like the cadence (`connection:<id>`, `erp:<id>`). */
export async function silenceRules(env: Env): Promise<Record<string, SilenceRules>> {
  const [channels, erps] = await Promise.all([listConnections(env.DB), listErpConnections(env.DB)]);
  const out: Record<string, SilenceRules> = {};
  for (const c of channels) {
    const s = positive(c.settings?.silenceAfterSeconds);
    if (s) out[`connection:${c.id}`] = { silenceAfterSeconds: s };
  }
  for (const c of erps) {
    const s = positive(c.settings?.silenceAfterSeconds);
    if (s) out[`erp:${c.id}`] = { silenceAfterSeconds: s };
  }
  return out;
}

/** The connections quiet beyond their threshold now, longest silent first. */
export function silentNow(cadence: CadenceRow[], rules: Record<string, SilenceRules>, defaults: SilenceRules, now = Date.now()): SilentConnection[] {
  const out: SilentConnection[] = [];
  for (const c of cadence) {
    const v = judge(c, now, { ...defaults, ...(rules[c.key] ?? {}) });
    if (!v.silent || v.thresholdSeconds === null) continue;
    out.push({ connectionId: c.id, kind: c.kind, channel: c.channel, lastSeenAt: new Date(c.lastSeen).toISOString(), expectedEverySeconds: v.expectedEverySeconds, silentForSeconds: v.silentForSeconds, thresholdSeconds: v.thresholdSeconds });
  }
  return out.sort((a, b) => b.silentForSeconds - a.silentForSeconds);
}

/** Periodic: raises connections gone silent and announces every silence transition once. */
export async function announceSilence(env: Env, now = Date.now()): Promise<{ silent: number; resumed: number }> {
  const stub = env.METRICS.getByName(METRICS_OBJECT);
  const transitions = await stub.checkSilence(now, await silenceRules(env), silenceDefaults(env));
  if (!transitions.length) return { silent: 0, resumed: 0 };
  const at = new Date(now).toISOString();
  await appendEvents(
    env.DB,
    transitions.map((t) => ({
      id: `conn_${transitionId(t)}`,
      type: t.type,
      occurredAt: new Date(t.at).toISOString(),
      orchestrationId: null,
      data: {
        connectionId: t.connectionId,
        kind: t.kind,
        channel: t.channel,
        lastSeenAt: new Date(t.lastSeenAt).toISOString(),
        expectedEverySeconds: t.expectedEverySeconds,
        silentForSeconds: t.silentForSeconds,
        silentSince: new Date(t.silentSince).toISOString(),
      },
      createdAt: at,
      stream: `conn:${t.key}`,
      // Silent before resumed within an episode; episodes in time order.
      seq: t.silentSince * 2 + (t.type === "connection.silent" ? 0 : 1),
    })),
  );
  await stub.announced(transitions.map(transitionId));
  for (const t of transitions) if (t.type === "connection.silent") countMetric(env, undefined, "switchyard_connection_silence_alerts_total", { connection: t.connectionId, kind: t.kind });
  await flushMetrics(env);
  for (const t of transitions) (t.type === "connection.silent" ? log.warn : log.info)(t.type === "connection.silent" ? "connection gone silent" : "connection resumed", { connectionId: t.connectionId, kind: t.kind, channel: t.channel, silentForSeconds: t.silentForSeconds });
  return { silent: transitions.filter((t) => t.type === "connection.silent").length, resumed: transitions.filter((t) => t.type === "connection.resumed").length };
}
