/** Cost-run entry for the ingest Worker: the app's own handler and DO classes, metered (bench/cost/meter.ts). */
import app, { InventoryDO as AppInventoryDO, MetricsDO as AppMetricsDO, PublisherDO as AppPublisherDO, TransactionDO as AppTransactionDO } from "../../workers/ingest/index";
// Every other class is served as it is (wrangler needs every class the config binds); the local
// exports below take precedence over `export *` for the metered ones.
export * from "../../workers/ingest/index";
import { add, flush, meterDurableObject, setScript, wrapEnv } from "./meter";

setScript("ingest");

export const TransactionDO = meterDurableObject(AppTransactionDO, "TransactionDO");
export const InventoryDO = meterDurableObject(AppInventoryDO, "InventoryDO");
export const MetricsDO = meterDurableObject(AppMetricsDO, "MetricsDO");
export const PublisherDO = meterDurableObject(AppPublisherDO, "PublisherDO");

export default {
  async fetch(request: Request, env: object, ctx: ExecutionContext): Promise<Response> {
    if (new URL(request.url).pathname === "/__bench/flush") {
      flush("final");
      return new Response("flushed");
    }
    add("worker.requests.ingest");
    const t0 = Date.now();
    try {
      return await app.fetch(request as never, wrapEnv(env, "ingest") as never, ctx);
    } finally {
      add(`time.fetch.ingest`, Date.now() - t0);
      flush("ingest.fetch");
    }
  },
};
