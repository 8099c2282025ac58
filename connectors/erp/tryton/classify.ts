/**
 * How Tryton's answers become ErpResult failures. Tryton 6.0 answers JSON-RPC with HTTP 200 and
 * `{"error": [...]}` for both business and server errors (trytond/protocols/jsonrpc.py):
 * `["UserError", [message, description, domain]]` (every ValidationError and AccessError too),
 * `["UserWarning", [name, message, description]]`, `["ConcurrencyException", message]`,
 * `["LoginException", [name, message, type]]`, or `[str(exception), traceback]` for anything
 * else. HTTP 401 is a missing, wrong or expired session; 403 a method not exposed over RPC;
 * 429 login throttling; 503 a server busy or restarting.
 */
import { parseRetryAfter } from "../../../core/retry";
import type { ErpRejectCode, ErpResult } from "../types";

export type Failure = Exclude<ErpResult<never>, { kind: "ok" }>;

/** Third-party text in a reason is cut to 500 characters (the connector contract). */
export const cut = (s: string, n = 500) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Removes any of `secrets` from a reason: belt and braces, Tryton never echoes a password. */
export function redact(reason: string, secrets: string[]): string {
  let out = reason;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join("***");
  return out;
}

const retry = (reason: string, httpStatus?: number, retryAfterSeconds: number | null = null): Failure => ({ kind: "retry", reason, retryAfterSeconds, ...(httpStatus ? { httpStatus } : {}) });
const config = (reason: string, httpStatus?: number): Failure => ({ kind: "config", reason, ...(httpStatus ? { httpStatus } : {}) });
const rejected = (reason: string, code: ErpRejectCode = "other"): Failure => ({ kind: "rejected", reason, code });

/** A non-2xx HTTP answer (the body is HTML or empty for these; it is not quoted). */
export function classifyHttp(status: number, retryAfter: string | null, what: string): Failure {
  if (status === 401) return config(`Tryton answered 401 to ${what}: the session or credentials were refused`, 401);
  if (status === 403) return config(`Tryton answered 403 to ${what}: the method is not exposed over RPC or not allowed for this user`, 403);
  if (status === 404) return config(`Tryton answered 404 to ${what}: no such database or route on this server`, 404);
  if (status === 408 || status === 425 || status === 429 || status >= 500) return retry(`Tryton answered HTTP ${status} to ${what}`, status, parseRetryAfter(retryAfter));
  return config(`Tryton answered HTTP ${status} to ${what}`, status);
}

const userErrorText = (args: unknown): string => {
  const [message, description] = Array.isArray(args) ? args : [args];
  return [message, description].filter((s) => typeof s === "string" && s).join(" — ");
};

/**
 * A JSON-RPC `error` member. `database` names the database for the "doesn't exist" case, whose
 * Tryton text carries the server's file path instead.
 * @example classifyTrytonError(["UserError", ["A value is required for field \"Party\" in \"Sale\".", "", null]], "x") // rejected
 */
export function classifyTrytonError(error: unknown, database: string, what: string): Failure {
  const [name, args] = Array.isArray(error) ? error : [String(error), ""];
  switch (name) {
    case "UserError": {
      const text = userErrorText(args);
      // AccessError is a UserError too; a user without rights is a configuration problem.
      if (/^(You are not allowed|Calling button .* is not allowed)/.test(text)) return config(cut(`Tryton refused ${what}: ${text}`));
      return rejected(cut(`Tryton: ${text}`), "invalid_order");
    }
    case "UserWarning":
      return rejected(cut(`Tryton asked for confirmation (${what}): ${userErrorText(Array.isArray(args) ? args.slice(1) : args)}`));
    case "ConcurrencyException":
      return retry(cut(`Tryton reported a concurrent change (${what}): ${String(args)}`));
    case "LoginException":
      return config(cut(`Tryton wants another login step (${what}): ${userErrorText(Array.isArray(args) ? args.slice(1) : args)}`));
  }
  const text = String(name);
  if (/Database .* doesn't exist/.test(text)) return config(`Tryton has no database "${database}"`);
  // A KeyError naming a model or method: the module that provides it is not activated.
  if (/^'[\w.]+'$/.test(text)) return config(`Tryton does not know ${text} (${what}): is the module activated?`);
  return retry(cut(`Tryton server error (${what}): ${text}`));
}
