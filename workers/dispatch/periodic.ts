/** The periodic work: run by the cron in production and by the scheduler alarm everywhere. */
import type { Env } from "../../lib/env";
import { sweepOutbox } from "./outbox-sweeper";
import { fanOutEvents } from "./subscribers";

export async function runPeriodic(env: Env): Promise<void> {
  const swept = await sweepOutbox(env);
  // Keep up with bursts: fan out page after page, a bounded number per run.
  const fanned = { events: 0, deliveries: 0 };
  for (let page = 0; page < 10; page++) {
    const r = await fanOutEvents(env);
    fanned.events += r.events;
    fanned.deliveries += r.deliveries;
    if (r.events < 500) break;
  }
  if (swept.requeued.length || fanned.deliveries) {
    console.log(JSON.stringify({ level: "info", msg: "periodic sweep", requeued: swept.requeued.length, eventsFannedOut: fanned.events, deliveries: fanned.deliveries }));
  }
}
