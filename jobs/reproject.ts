/**
 * Re-projection: after a channel policy changes, or a publishing connection is added or its
 * location map changes, every SKU's figure for that channel is recomputed (KV projection and
 * publishers) without waiting for stock to move. A job (D1 `reprojections`, written by the
 * admin PUT that asked for it) walks the SKU index page by page; each SKU's InventoryDO
 * recomputes under the policy the job read and publishes to the named connections even when
 * the figure did not change. The cursor only moves after a page is done, so a crash repeats at
 * most one page, which is harmless: figures are idempotent and publishers drop equal ones.
 */
import { channelPolicySchema, type PolicyOrDefault } from "../core/inventory/policy";
import { connectionsForChannel } from "../db/connections";
import { getPolicyRow } from "../db/policies";
import { advanceReprojection, openReprojections, requestReprojection, skusAfter, type ReprojectionRow } from "../db/publishing";
import type { Env } from "../lib/env";
import { newId } from "../lib/ids";
import { log } from "../lib/log";
import { loadPublishTarget, publishTarget, type PublishTarget } from "../lib/publishing";

const PAGE = 200;
const CONCURRENCY = 25;
/** One periodic run re-projects for at most this long (the next run carries on from the cursor). */
const BUDGET_MS = 8_000;

/** Records a re-projection (the admin PUT awaits this, so a 2xx means it will happen). */
export async function askReprojection(env: Env, channel: string, reason: string, connections: string[] | null): Promise<string> {
  const id = newId("reproj");
  await requestReprojection(env.DB, { id, channel, reason, connections, requestedAt: new Date().toISOString() });
  return id;
}

async function jobInputs(env: Env, job: ReprojectionRow): Promise<{ policy: PolicyOrDefault; targets: PublishTarget[] }> {
  const row = await getPolicyRow(env.DB, job.channel);
  const parsed = row ? channelPolicySchema.safeParse(row.policy) : null;
  const policy = parsed?.success ? parsed.data : null;
  const targets = job.connections
    ? (await Promise.all(job.connections.map((id) => loadPublishTarget(env, id)))).filter((t): t is PublishTarget => !!t && t.channel === job.channel)
    : (await connectionsForChannel(env.DB, job.channel)).map(publishTarget).filter((t): t is PublishTarget => !!t);
  return { policy, targets };
}

/** Works through open jobs, page by page, within the budget. */
export async function runReprojections(env: Env, budgetMs = BUDGET_MS): Promise<{ skus: number; jobsDone: number }> {
  const started = Date.now();
  let skus = 0;
  let jobsDone = 0;
  for (const job of await openReprojections(env.DB)) {
    const { policy, targets } = await jobInputs(env, job);
    let cursor = job.cursor;
    let count = job.skus;
    while (Date.now() - started < budgetMs) {
      const page = await skusAfter(env.DB, cursor, PAGE);
      for (let i = 0; i < page.length; i += CONCURRENCY) {
        await Promise.all(page.slice(i, i + CONCURRENCY).map((sku) => env.INVENTORY.getByName(sku).reproject({ channel: job.channel, policy, targets })));
      }
      const done = page.length < PAGE;
      const next = page.at(-1) ?? cursor;
      if (!(await advanceReprojection(env.DB, job.id, cursor, next, count + page.length, done ? new Date().toISOString() : null))) break; // another runner took it
      skus += page.length;
      count += page.length;
      cursor = next;
      if (done) {
        jobsDone++;
        log.info("re-projection done", { channel: job.channel, reason: job.reason, skus: count, ms: Date.now() - started });
        break;
      }
    }
    if (Date.now() - started >= budgetMs) break;
  }
  return { skus, jobsDone };
}
