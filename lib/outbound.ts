/**
 * Applying the outbound URL policy (core/urls.ts) with this deployment's setting: private and
 * loopback targets only where ALLOW_PRIVATE_URLS is "true" (local development and tests).
 */
import { checkOutboundUrl } from "../core/urls";
import type { Env } from "./env";
import { ProblemError } from "./http";

export const allowPrivate = (env: Env) => env.ALLOW_PRIVATE_URLS === "true";

/** A URL from a request body: returned normalised, or a 400 naming the field and why. */
export function outboundUrl(env: Env, value: unknown, path: string): string {
  const v = typeof value === "string" ? checkOutboundUrl(value, { allowPrivate: allowPrivate(env) }) : ({ ok: false, reason: "must be a URL string" } as const);
  if (!v.ok) throw new ProblemError(400, "Validation failed", `${path} ${v.reason}.`, [{ path, message: v.reason }]);
  return (value as string).trim();
}

/** At the moment of calling: a URL stored before the policy (or under another setting) is refused, not fetched. */
export function callableUrl(env: Env, value: string): URL | null {
  const v = checkOutboundUrl(value, { allowPrivate: allowPrivate(env) });
  return v.ok ? v.url : null;
}
