/** The periodic work: run by the cron in production and by the scheduler alarm everywhere. */
import type { Env } from "../../lib/env";
import { sweepOutbox } from "./outbox-sweeper";
import { fanOutEvents } from "./subscribers";

export async function runPeriodic(env: Env): Promise<void> {
  const swept = await sweepOutbox(env);
  const fanned = await fanOutEvents(env);
  if (swept.requeued.length || fanned.deliveries) {
    console.log(JSON.stringify({ level: "info", msg: "periodic sweep", requeued: swept.requeued.length, eventsFannedOut: fanned.events, deliveries: fanned.deliveries }));
  }
}
