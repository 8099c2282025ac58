/**
 * Odoo's errors, classified by the exception's qualified `name` first (JSON-2 body `{name,
 * message, arguments, context, debug}`, JSON-RPC `error.data.name`) and by HTTP status when a
 * proxy answered instead of Odoo. `debug` is a server traceback: it is never read, so it can
 * never reach a reason or a log line.
 */
import type { ErpRejectCode, ErpResult } from "../types";
import { isTransientStatus } from "../shared/http";
import { config, rejected, retry } from "../shared/result";

/** Business refusals: Odoo's rules said no. */
const BUSINESS = new Set(["odoo.exceptions.UserError", "odoo.exceptions.ValidationError", "odoo.exceptions.RedirectWarning", "odoo.exceptions.Warning"]);
/** Credentials, rights, or a call this Odoo cannot take (module not installed, field unknown). */
const CONFIG = new Set([
  "odoo.exceptions.AccessDenied",
  "odoo.exceptions.AccessError",
  "werkzeug.exceptions.Unauthorized",
  "werkzeug.exceptions.Forbidden",
  "werkzeug.exceptions.NotFound",
  "werkzeug.exceptions.UnprocessableEntity",
  "werkzeug.exceptions.MethodNotAllowed",
  "odoo.http.SessionExpiredException",
  "builtins.ValueError",
  "builtins.TypeError",
  "builtins.KeyError",
  "builtins.AttributeError",
]);
/** Odoo retries serialization failures itself; one that still escapes is worth another go. */
const TRANSIENT = new Set(["odoo.exceptions.ConcurrencyError", "psycopg2.errors.SerializationFailure", "psycopg2.extensions.TransactionRollbackError", "psycopg2.errors.LockNotAvailable", "odoo.exceptions.LockError"]);

export interface OdooFault {
  /** HTTP status, null for a JSON-RPC error (always 200). */
  status: number | null;
  name?: string;
  message: string;
  retryAfter?: number | null;
}

/**
 * @example classify({ status: 422, name: "odoo.exceptions.UserError", message: "You cannot cancel a locked order." }, "sale.order/action_cancel", "not_cancellable")
 */
export function classify(f: OdooFault, what: string, rejectAs: ErpRejectCode = "other"): ErpResult<never> {
  const status = f.status ?? undefined;
  const reason = `${what}: Odoo ${f.name ? `${f.name}: ` : ""}${f.message}`;
  const name = f.name ?? "";
  if (BUSINESS.has(name)) return rejected(reason, rejectAs, status);
  if (name === "odoo.exceptions.MissingError") return rejected(reason, "other", status);
  if (CONFIG.has(name)) return config(reason, status);
  if (TRANSIENT.has(name)) return retry(reason, f.retryAfter ?? null, status);
  // psycopg2.OperationalError is both "database x does not exist" and a dropped connection.
  if (name === "psycopg2.OperationalError") return /does not exist/.test(f.message) ? config(reason, status) : retry(reason, null, status);
  if (f.status !== null) {
    if (isTransientStatus(f.status)) return retry(reason, f.retryAfter ?? null, f.status);
    if (f.status === 401 || f.status === 403 || f.status === 404) return config(reason, f.status);
    if (f.status === 400 || f.status === 422) return rejected(reason, rejectAs, f.status);
    return config(reason, f.status);
  }
  // An uncaught server exception over JSON-RPC: as JSON-2 would answer 500, retry.
  return retry(reason);
}
