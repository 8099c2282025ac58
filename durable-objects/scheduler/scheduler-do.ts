/**
 * SchedulerDO: the one object (`scheduler`) whose alarm runs the periodic work (jobs/periodic.ts)
 * every SCHEDULER_INTERVAL_SECONDS. Started by the first request an ingest isolate serves;
 * production runs the same jobs from the dispatch Worker's cron as well.
 */
import { DurableObject } from "cloudflare:workers";
import { runPeriodic } from "../../jobs/periodic";
import { reconcile } from "../../jobs/reconcile";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";

export class SchedulerDO extends DurableObject<Env> {
  /** Makes sure the alarm is ticking (idempotent). */
  async ensure(): Promise<void> {
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + 1000);
  }

  /** Runs the periodic work now (ops and tests), without moving the alarm. */
  async runNow() {
    return runPeriodic(this.env);
  }

  /**
   * Reconciliation every RECONCILE_INTERVAL_SECONDS (default 900; the first one an interval after
   * the scheduler first ran). The due time is stored first, so a run that crashes is not retried
   * on every tick.
   */
  async #reconcileWhenDue(): Promise<void> {
    const every = (Number(this.env.RECONCILE_INTERVAL_SECONDS) || 900) * 1000;
    const now = Date.now();
    const due = await this.ctx.storage.get<number>("reconcileAt");
    if (due === undefined || due > now + every) {
      await this.ctx.storage.put("reconcileAt", now + every);
      return;
    }
    if (due > now) return;
    await this.ctx.storage.put("reconcileAt", now + every);
    await reconcile(this.env, { trigger: "scheduled" });
  }

  override async alarm(): Promise<void> {
    try {
      await runPeriodic(this.env);
    } catch (e) {
      log.error("scheduled run failed", { error: String(e) });
    }
    await this.#reconcileWhenDue().catch((e) => log.error("scheduled reconciliation failed", { error: String(e) }));
    await this.ctx.storage.setAlarm(Date.now() + Number(this.env.SCHEDULER_INTERVAL_SECONDS || "10") * 1000);
  }
}
