/**
 * Ingest Worker: the public write edge. Verifies, validates, dedupes, records, enqueues,
 * answers — and never waits for the ERP. Hosts the Durable Object classes and routes the
 * availability paths to the availability Worker through its service binding.
 */
import { Hono } from "hono";
import { SCHEDULER_OBJECT } from "../../core/keys";
import { notFound, onError, type AppEnv } from "../../lib/http";
import availability from "../availability/index";
import { adminRoutes } from "./routes/admin";
import { opsRoutes } from "./routes/ops";
import { opsBacklogRoutes } from "./routes/ops-backlog";
import { opsPublishingRoutes } from "./routes/ops-publishing";
import { orderRoutes } from "./routes/orders";
import { webhookRoutes } from "./routes/webhooks";
import { ediRoutes } from "./routes/edi";
import { shipmentRoutes } from "./routes/shipments";
import { inventoryRoutes } from "./routes/inventory";
import { metaRoutes } from "./routes/meta";
import { erpConnectionRoutes } from "./routes/erp-connections";
import { erpHandoffRoutes } from "./routes/erp-handoff";
import { fulfillerRoutes } from "./routes/fulfillers";
import { ediDocumentRoutes } from "./routes/edi-documents";
import { returnRoutes } from "./routes/returns";
import { masterRoutes } from "./routes/master";
import { jobRoutes } from "./routes/jobs";

export { TransactionDO } from "../../durable-objects/order/transaction-do";
export { InventoryDO } from "../../durable-objects/inventory/inventory-do";
export { SchedulerDO } from "../../durable-objects/scheduler/scheduler-do";
export { RateLimiterDO } from "../../durable-objects/limits/rate-limiter-do";
export { ErpPollerDO } from "../../durable-objects/erp-poller/erp-poller-do";
export { PartnerDO } from "../../durable-objects/partner/partner-do";
export { MasterDO } from "../../durable-objects/master/master-do";
export { MetricsDO } from "../../durable-objects/metrics/metrics-do";
export { PublisherDO } from "../../durable-objects/publisher/publisher-do";

export const app = new Hono<AppEnv>();
app.onError(onError);
app.notFound(notFound);

// Every route file declares its routes with their full paths (lib/api.ts), so the document and
// the router cannot disagree.
for (const routes of [metaRoutes, adminRoutes, erpConnectionRoutes, fulfillerRoutes, orderRoutes, erpHandoffRoutes, webhookRoutes, ediRoutes, ediDocumentRoutes, opsRoutes, opsBacklogRoutes, opsPublishingRoutes, shipmentRoutes, returnRoutes, jobRoutes, inventoryRoutes, masterRoutes]) app.route("/", routes);
app.all("/v1/availability/*", async (c) => {
  if (!c.env.AVAILABILITY) return notFound(c);
  return c.env.AVAILABILITY.fetch(c.req.raw);
});

let schedulerStarted = false;

export default {
  fetch(request, env, ctx) {
    if (!schedulerStarted) {
      // Once per isolate: make sure the scheduler alarm is ticking (idempotent).
      schedulerStarted = true;
      ctx.waitUntil(env.SCHEDULER.getByName(SCHEDULER_OBJECT).ensure().catch(() => { schedulerStarted = false; }));
    }
    // Availability reads are the hottest path: served before any routing of ours, by the
    // availability Worker's own app in this isolate (the same bindings: KV, the SKUs' objects,
    // keys), not over the service binding: one Worker invocation per read, as in production,
    // where the availability Worker has its own route.
    if (new URL(request.url).pathname.startsWith("/v1/availability/")) return availability.fetch(request, env, ctx);
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<AppEnv["Bindings"]>;
