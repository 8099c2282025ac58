/**
 * Dead letters: messages that exhausted their retries are recorded in D1 (one row per message,
 * keyed by queue + message id, so a redelivered dead letter is recorded once) and the order
 * is marked `exception` with reason `dead_letter` by its own object. Replay: jobs/dead-letters.ts.
 */
import { recordDeadLetter } from "../../db/dead-letters";
import { setDeliveryState } from "../../db/outbound-events";
import { promoteStreams } from "../../jobs/fan-out";
import type { Env } from "../../lib/env";
import { newId } from "../../lib/ids";
import { log } from "../../lib/log";
import { countMetric } from "../../lib/metrics";
import type { DispatchMessage, EventMessage } from "../../lib/messages";
import { orderStubById } from "../../lib/orders";

export async function handleDeadLetter(msg: Message<DispatchMessage | EventMessage>, queue: string, env: Env): Promise<void> {
  try {
    const body = msg.body;
    const orderId = "orderId" in body ? body.orderId : null;
    const stub = orderId ? orderStubById(env, orderId) : null;
    const last = stub ? (await stub.erpPayload())?.lastError : null;
    const maxAttempts = Number(env.ERP_MAX_ATTEMPTS || "6");
    const reason = `gave up after ${maxAttempts} attempts${last ? `: ${last}` : ""}`;
    const id = newId("dlq");
    const recorded = await recordDeadLetter(env.DB, {
      id,
      queue,
      messageId: body.key ? `${body.key}#${msg.id}` : msg.id,
      orderId,
      kind: body.kind,
      body: body as unknown as Record<string, unknown>,
      reason,
      attempts: maxAttempts,
      createdAt: new Date().toISOString(),
    });
    if (recorded) countMetric(env, undefined, "switchyard_dead_letters_total", { queue, kind: body.kind });
    if (body.kind === "event.deliver") {
      // Given up on: the order's later events may go (this one stays replayable).
      const d = await setDeliveryState(env.DB, body.eventId, body.subscriptionId, "dead");
      if (d?.stream) await promoteStreams(env, [{ subscriptionId: body.subscriptionId, stream: d.stream }]);
    }
    if (recorded && stub) await stub.recordErp({ type: "dead_letter", attempts: maxAttempts, reason, deadLetterId: id });
    msg.ack();
  } catch (e) {
    log.error("dead letter not recorded; retrying", { error: String(e) });
    msg.retry({ delaySeconds: 5 });
  }
}
