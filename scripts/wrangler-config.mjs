// Reads a wrangler config with wrangler's own reader, so tests and scripts never re-parse TOML.
import { unstable_readConfig } from "wrangler";

/** Turns `[[queues.consumers]]` of a wrangler config into Miniflare's `queueConsumers` option. */
export function queueConsumersFromWrangler(configPath) {
  const config = unstable_readConfig({ config: configPath }, { hideWarnings: true });
  return Object.fromEntries(
    (config.queues?.consumers ?? []).map((c) => [
      c.queue,
      {
        maxBatchSize: c.max_batch_size,
        maxBatchTimeout: c.max_batch_timeout,
        maxRetries: c.max_retries,
        deadLetterQueue: c.dead_letter_queue,
        retryDelay: c.retry_delay,
      },
    ]),
  );
}
