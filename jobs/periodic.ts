/**
 * The periodic work, in one place: run by the scheduler object's alarm everywhere (crons do not
 * fire under `wrangler dev`) and by the dispatch Worker's cron in production. Each job is safe to
 * run twice at once or after a crash: they work from durable state and write idempotently.
 * Orders need no sweep here: each order's object watches its own ERP hand-off.
 */
import type { Env } from "../lib/env";
import { log } from "../lib/log";
import { announceSilence } from "../lib/silence";
import { tickErpPollers } from "./erp-pollers";
import { fanOutEvents, sweepDeliveries } from "./fan-out";
import { runReprojections } from "./reproject";

export interface PeriodicReport {
  eventsFannedOut: number;
  deliveries: number;
  deliveriesResent: number;
  /** ERP connections whose poller ran a poll in this run (the others were not due). */
  erpPolls: number;
  /** SKUs re-projected for a changed channel policy or publishing connection. */
  reprojected: number;
  /** Connections raised silent, and silent ones heard from again, announced in this run. */
  silenced: number;
  resumed: number;
}

export async function runPeriodic(env: Env): Promise<PeriodicReport> {
  const report: PeriodicReport = { eventsFannedOut: 0, deliveries: 0, deliveriesResent: 0, erpPolls: 0, reprojected: 0, silenced: 0, resumed: 0 };
  // Keep up with bursts: fan out page after page, a bounded number per run.
  for (let page = 0; page < 10; page++) {
    const r = await fanOutEvents(env);
    report.eventsFannedOut += r.events;
    report.deliveries += r.deliveries;
    if (r.events < 500) break;
  }
  const swept = await sweepDeliveries(env).catch((e) => {
    log.error("delivery sweep failed", { error: String(e) });
    return { resent: 0, promoted: 0 };
  });
  report.deliveriesResent = swept.resent + swept.promoted;
  // A failing ERP must not stop the fan-out above, nor the run of the next tick.
  report.erpPolls = await tickErpPollers(env)
    .then((r) => r.polled)
    .catch((e) => {
      log.error("ERP pollers not ticked", { error: String(e) });
      return 0;
    });
  report.reprojected = await runReprojections(env)
    .then((r) => r.skus)
    .catch((e) => {
      log.error("re-projection failed", { error: String(e) });
      return 0;
    });
  // Silence transitions become outbound events here; the next run's fan-out sends them.
  const silence = await announceSilence(env).catch((e) => {
    log.error("silence check failed", { error: String(e) });
    return { silent: 0, resumed: 0 };
  });
  report.silenced = silence.silent;
  report.resumed = silence.resumed;
  if (report.reprojected || report.silenced || report.resumed || report.deliveries || report.erpPolls || report.deliveriesResent) log.info("periodic run", { ...report });
  return report;
}
