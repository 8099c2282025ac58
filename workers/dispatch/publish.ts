/**
 * Publish messages (one per projection run, lib/publishing.ts): every message of a queue batch
 * is grouped into one offer list per channel connection, so a burst costs one call per
 * connection per batch. Offers are storage-only writes in the connection's PublisherDO and safe
 * to repeat (older figures are dropped there), so a failed batch is simply retried.
 */
import { publisherObjectName } from "../../core/keys";
import type { Env } from "../../lib/env";
import { log } from "../../lib/log";
import { offersByConnection, type PublishMessage } from "../../lib/publishing";

export async function handlePublish(messages: Message<PublishMessage>[], env: Env): Promise<void> {
  try {
    const byConnection = await offersByConnection(env, messages.map((m) => m.body));
    await Promise.all([...byConnection].map(([id, offers]) => env.PUBLISHERS.getByName(publisherObjectName(id)).offer(id, offers)));
    for (const m of messages) m.ack();
  } catch (e) {
    log.error("publish figures not handed to publishers; retrying", { error: String(e), messages: messages.length });
    for (const m of messages) m.retry({ delaySeconds: Math.min(60, 2 ** m.attempts) });
  }
}
