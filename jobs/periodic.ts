/**
 * The periodic work, in one place: run by the scheduler object's alarm everywhere (crons do not
 * fire under `wrangler dev`) and by the dispatch Worker's cron in production. Each job is safe to
 * run twice at once or after a crash: they work from durable state and write idempotently.
 * Orders need no sweep here: each order's object watches its own ERP hand-off.
 */
import type { Env } from "../lib/env";
import { log } from "../lib/log";
import { fanOutEvents } from "./fan-out";

export interface PeriodicReport {
  eventsFannedOut: number;
  deliveries: number;
}

export async function runPeriodic(env: Env): Promise<PeriodicReport> {
  const report: PeriodicReport = { eventsFannedOut: 0, deliveries: 0 };
  // Keep up with bursts: fan out page after page, a bounded number per run.
  for (let page = 0; page < 10; page++) {
    const r = await fanOutEvents(env);
    report.eventsFannedOut += r.events;
    report.deliveries += r.deliveries;
    if (r.events < 500) break;
  }
  if (report.deliveries) log.info("periodic run", { ...report });
  return report;
}
