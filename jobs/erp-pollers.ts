/**
 * The periodic tick of every ERP connection's poller: each connection's ErpPollerDO decides
 * whether its poll is due (its `pollSeconds`, its backoff) and runs it. Only configured
 * connections are polled: the ERP_URL fallback is for booking, and nothing is read back from it.
 */
import { erpPollerName } from "../core/keys";
import { listErpConnections } from "../db/erp-connections";
import type { Env } from "../lib/env";
import { log } from "../lib/log";

/** @example const { polled } = await tickErpPollers(env); */
export async function tickErpPollers(env: Env): Promise<{ connections: number; polled: number }> {
  const rows = await listErpConnections(env.DB);
  const answers = await Promise.allSettled(rows.map((r) => env.ERP_POLLERS.getByName(erpPollerName(r.id)).tick(r.id)));
  let polled = 0;
  answers.forEach((a, i) => {
    if (a.status === "rejected") log.error("ERP poller failed", { connection: rows[i]!.id, error: String(a.reason) });
    else if (!("skipped" in a.value)) polled++;
  });
  return { connections: rows.length, polled };
}
