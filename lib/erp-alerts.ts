/**
 * ERP problems a person must act on, as exception records (`GET /v1/ops/exceptions`) and error
 * log lines: a connection whose credentials or configuration the ERP refuses (`erp.config`), and
 * an ERP that will not cancel an order Switchyard cancelled (`erp.cancel_refused`). Ids are
 * deterministic, so a retried message alerts once; a later success resolves the config alert.
 */
import { recordException, resolveException } from "../db/exceptions";
import type { Env } from "./env";
import { log } from "./log";

const configId = (connection: string, subject: string) => `erp-config:${connection}:${subject}`;

/**
 * @example await alertErpConfig(env, { connection: "tryton", subject: orderId, orderId, reason: r.reason, attempt: 2 })
 */
export async function alertErpConfig(env: Env, a: { connection: string; subject: string; orderId?: string; reason: string; attempt?: number; orchestrationId?: string }): Promise<void> {
  log.error("ERP connection refused: check its credentials and settings", { connection: a.connection, orderId: a.orderId, orchestrationId: a.orchestrationId, reason: a.reason, attempt: a.attempt });
  await recordException(env.DB, {
    id: configId(a.connection, a.subject),
    kind: "erp.config",
    orderId: a.orderId ?? null,
    connectionId: a.connection,
    reason: a.reason,
    detail: { connection: a.connection, ...(a.attempt !== undefined ? { attempt: a.attempt } : {}), fix: `check the ERP connection (POST /v1/admin/erp-connections/${a.connection}/test)` },
    body: null,
    createdAt: new Date().toISOString(),
  });
}

/** The connection works again for this subject: its alert is resolved. */
export function clearErpConfigAlert(env: Env, connection: string, subject: string): Promise<boolean> {
  return resolveException(env.DB, configId(connection, subject), new Date().toISOString());
}

/** The ERP keeps an order Switchyard cancelled: somebody must stop it there. */
export async function alertCancelRefused(env: Env, a: { connection: string; orderId: string; erpOrderId: string; reason: string; orchestrationId?: string }): Promise<void> {
  log.warn("ERP refused to cancel an order cancelled in Switchyard", { connection: a.connection, orderId: a.orderId, orchestrationId: a.orchestrationId, erpOrderId: a.erpOrderId, reason: a.reason });
  await recordException(env.DB, {
    id: `erp-cancel-refused:${a.orderId}`,
    kind: "erp.cancel_refused",
    orderId: a.orderId,
    connectionId: a.connection,
    reason: a.reason,
    detail: { erpOrderId: a.erpOrderId, connection: a.connection, fix: "the order is cancelled in Switchyard (its holds are released) but not in the ERP: stop it there" },
    body: null,
    createdAt: new Date().toISOString(),
  });
}
