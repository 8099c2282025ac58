/**
 * Dispatch Worker: queue consumers (ERP hand-off, hydration, subscriber deliveries, dead
 * letters) and the cron that runs the periodic work (jobs/periodic.ts). Queue names differ per environment (`switchyard-dispatch-staging`), so roles are
 * recognised by name pattern.
 */
import type { Env } from "../../lib/env";
import type { DispatchMessage, EventMessage, ImportMessage } from "../../lib/messages";
import { handleImportChunk } from "../../lib/imports";
import { handleDeadLetter } from "./dead-letters";
import { handleDispatchBatch } from "./erp-consumer";
import { handleHydrate } from "./hydrate";
import { runPeriodic } from "../../jobs/periodic";
import { log } from "../../lib/log";
import { flushMetrics } from "../../lib/metrics";
import { handleEventDelivery } from "./subscribers";
import { handlePublish } from "./publish";
import type { PublishMessage } from "../../lib/publishing";

export function queueRole(name: string): "dispatch" | "dispatch-dlq" | "events" | "events-dlq" | "imports" | "unknown" {
  if (/imports/.test(name)) return "imports";
  if (/dispatch.*dlq/.test(name)) return "dispatch-dlq";
  if (/events.*dlq/.test(name)) return "events-dlq";
  if (/dispatch/.test(name)) return "dispatch";
  if (/events/.test(name)) return "events";
  return "unknown";
}

export default {
  async queue(batch: MessageBatch<unknown>, env: Env, ctx: ExecutionContext): Promise<void> {
    const role = queueRole(batch.queue);
    // Publish figures of a batch go together: one offer per connection for the whole batch.
    const kindOf = (m: Message<unknown>) => (m.body as { kind?: string } | null)?.kind;
    const publish = role === "dispatch" ? batch.messages.filter((m) => kindOf(m) === "publish.figures") : [];
    // ERP hand-offs of a batch go together too: the holds of every order the ERP accepted are marked in one call per SKU.
    const erp = role === "dispatch" ? batch.messages.filter((m) => kindOf(m) !== "publish.figures" && kindOf(m) !== "channel.hydrate") : [];
    const rest = role === "dispatch" ? batch.messages.filter((m) => kindOf(m) === "channel.hydrate") : batch.messages;
    // Messages of one batch are independent orders: handle them concurrently, each acked or retried.
    await Promise.all([
      ...(publish.length ? [handlePublish(publish as Message<PublishMessage>[], env)] : []),
      ...(erp.length ? [handleDispatchBatch(erp as Message<Exclude<DispatchMessage, { kind: "channel.hydrate" | "publish.figures" }>>[], env)] : []),
      ...rest.map((msg) => {
        switch (role) {
          case "dispatch":
            return handleHydrate(msg as Message<Extract<DispatchMessage, { kind: "channel.hydrate" }>>, env);
          case "dispatch-dlq":
          case "events-dlq":
            return handleDeadLetter(msg as Message<DispatchMessage | EventMessage>, batch.queue, env);
          case "events":
            return handleEventDelivery(msg as Message<EventMessage>, env);
          case "imports":
            return handleImportChunk(msg as Message<ImportMessage>, env);
          default:
            log.error("message on an unknown queue", { queue: batch.queue });
            msg.retry({ delaySeconds: 60 });
            return Promise.resolve();
        }
      }),
    ]);
    // What the batch counted goes to the metrics object in one call, after every message is settled.
    ctx.waitUntil(flushMetrics(env));
  },

  async scheduled(_controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
    await runPeriodic(env);
  },

  async fetch(): Promise<Response> {
    return new Response("switchyard dispatch: queue consumer and cron only", { status: 404 });
  },
} satisfies ExportedHandler<Env>;
