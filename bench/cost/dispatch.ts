/** Cost-run entry for the dispatch Worker: the app's queue consumer and cron, metered (bench/cost/meter.ts). */
import app from "../../workers/dispatch/index";
import { add, flush, setScript, wrapEnv } from "./meter";

setScript("dispatch");

function meteredBatch(batch: MessageBatch<unknown>): MessageBatch<unknown> {
  const messages = batch.messages.map((m) => ({
    get id() {
      return m.id;
    },
    get timestamp() {
      return m.timestamp;
    },
    get body() {
      return m.body;
    },
    get attempts() {
      return m.attempts;
    },
    ack: () => {
      add(`queue.acked.${batch.queue}`);
      m.ack();
    },
    retry: (o?: QueueRetryOptions) => {
      add(`queue.retried.${batch.queue}`);
      m.retry(o);
    },
  }));
  return {
    queue: batch.queue,
    messages,
    ackAll: () => {
      add(`queue.ackAll.${batch.queue}`);
      batch.ackAll();
    },
    retryAll: (o?: QueueRetryOptions) => {
      add(`queue.retried.${batch.queue}`, messages.length);
      batch.retryAll(o);
    },
  } as unknown as MessageBatch<unknown>;
}

export default {
  async queue(batch: MessageBatch<unknown>, env: object, ctx: ExecutionContext): Promise<void> {
    add("worker.requests.dispatch.queue");
    add(`queue.delivered.${batch.queue}`, batch.messages.length);
    try {
      await app.queue(meteredBatch(batch), wrapEnv(env, "dispatch") as never, ctx);
    } finally {
      flush("dispatch.queue");
    }
  },
  async scheduled(controller: ScheduledController, env: object, ctx: ExecutionContext): Promise<void> {
    add("worker.requests.dispatch.scheduled");
    try {
      await app.scheduled(controller, wrapEnv(env, "dispatch") as never, ctx);
    } finally {
      flush("dispatch.scheduled");
    }
  },
  async fetch(): Promise<Response> {
    return app.fetch();
  },
};
