/**
 * One Odoo model call, whichever wire carries it: JSON-2 on 19+, JSON-RPC on 18 and older. The
 * connector's logic is written once against this interface.
 */
import type { ErpResult } from "../types";
import { retry } from "../shared/result";

export interface OdooCall {
  /** Records the method runs on; omitted for @api.model methods (search_read, create). */
  ids?: number[];
  /** The method's parameters, by name (`domain`, `fields`, `vals_list`, ...). */
  params?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

/** No answer at all (timeout, network): the call may or may not have been committed. */
export interface NoAnswer {
  kind: "no_answer";
  reason: string;
}
export type OdooAnswer = ErpResult<unknown> | NoAnswer;

/** A lost answer is a retry for every caller that need not know whether Odoo committed. */
export function settle(r: OdooAnswer): ErpResult<unknown> {
  return r.kind === "no_answer" ? retry(r.reason) : r;
}

export interface OdooTransport {
  readonly name: "JSON-2" | "JSON-RPC";
  /** The model method's JSON result, the classified failure, or no answer. */
  call(model: string, method: string, c?: OdooCall): Promise<OdooAnswer>;
  /** The server's version string ("19.0"), proving the base URL. */
  version(): Promise<ErpResult<string>>;
  /** An authenticated call that proves credentials and database. */
  whoami(): Promise<ErpResult<string>>;
}
