/**
 * The one idempotency guard, as the routes use it: claim the key, do the work once, store its
 * answer for every repeat, and release the claim if the work fails (so a retry runs afresh).
 * The governed API keys it per principal and Idempotency-Key; webhooks and EDI per connection and
 * delivery or interchange, in the connection's delivery ledger.
 *
 * @example const r = await guarded(guardStub(env, name), key, fingerprint, {}, async () => ({ status: 201, body }));
 */
import { deliveryKey, deliveryLedgerName } from "../core/keys";
import type { Env } from "./env";

type GuardStub = ReturnType<Env["TRANSACTIONS"]["getByName"]>;

export type Guarded =
  | { kind: "done"; status: number; body: string; replayed: boolean }
  | { kind: "in_flight" }
  | { kind: "mismatch" };

export async function guarded(guard: GuardStub, key: string, fingerprint: string, opts: { wait?: boolean }, run: () => Promise<{ status: number; body: string }>): Promise<Guarded> {
  const claim = await guard.claim(key, fingerprint, opts);
  if (claim.state === "replay") return { kind: "done", status: claim.status, body: claim.body, replayed: true };
  if (claim.state !== "new") return { kind: claim.state };
  try {
    const r = await run();
    await guard.complete(key, fingerprint, r.status, r.body);
    return { kind: "done", ...r, replayed: false };
  } catch (e) {
    await guard.abort(key, fingerprint).catch(() => undefined);
    throw e;
  }
}

/** The ledger shard and key of one delivery of a connection. */
export function deliveryGuard(env: Env, connectionId: string, deliveryId: string): { stub: GuardStub; key: string } {
  return { stub: env.TRANSACTIONS.getByName(deliveryLedgerName(connectionId, deliveryId)), key: deliveryKey(connectionId, deliveryId) };
}
