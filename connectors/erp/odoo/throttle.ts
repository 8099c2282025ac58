/**
 * Client-side pacing for Odoo, which documents no rate limits (odoo/documentation PRs #3647 and
 * #3800 are still open; integrators self-limit to about one call a second per database). Calls of
 * one connection in one isolate are spaced `1000 / callsPerSecond` ms apart, whoever makes them.
 */
import type { ConnectorDeps } from "../types";

const nextSlot = new Map<string, number>();

/**
 * Waits for this connection's next slot.
 * @example await pace(`${cfg.id}|${cfg.baseUrl}`, 1, deps); // then make the call
 */
export async function pace(key: string, callsPerSecond: number, deps: ConnectorDeps): Promise<void> {
  const interval = 1000 / Math.max(0.01, callsPerSecond);
  const now = deps.now();
  const at = Math.max(now, nextSlot.get(key) ?? 0);
  nextSlot.set(key, at + interval);
  if (at <= now) return;
  await (deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms))))(at - now);
  // A timer that fired late moved this call later: the next one keeps its distance from it.
  const late = deps.now() - at;
  if (late > 0) nextSlot.set(key, Math.max(nextSlot.get(key) ?? 0, at + late + interval));
}
