// The test runner's main Worker: the three Workers' handlers mounted side by side, the way
// `npm run dev` runs them in one session (ingest takes public traffic and hands availability
// paths to the availability Worker; dispatch consumes the queues and runs the cron).
import ingest from "../workers/ingest/index";
import availability from "../workers/availability/index";
import dispatch from "../workers/dispatch/index";
import type { Env } from "../lib/env";
import { checkAgainstDocument } from "./contract";

export { TransactionDO } from "../durable-objects/order/transaction-do";
export { InventoryDO } from "../durable-objects/inventory/inventory-do";
export { SchedulerDO } from "../durable-objects/scheduler/scheduler-do";
export { RateLimiterDO } from "../durable-objects/limits/rate-limiter-do";
export { ErpPollerDO } from "../durable-objects/erp-poller/erp-poller-do";
export { PartnerDO } from "../durable-objects/partner/partner-do";
export { MasterDO } from "../durable-objects/master/master-do";
export { MetricsDO } from "../durable-objects/metrics/metrics-do";
export { PublisherDO } from "../durable-objects/publisher/publisher-do";

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    const probe = request.clone();
    const response = await (pathname.startsWith("/v1/availability") ? availability.fetch(request, env, ctx) : ingest.fetch(request, env, ctx));
    return checkAgainstDocument(probe, response);
  },
  queue: dispatch.queue,
  scheduled: dispatch.scheduled,
} satisfies ExportedHandler<Env>;
