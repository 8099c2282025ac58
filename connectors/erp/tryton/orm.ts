/**
 * Tryton's model methods over RPC, typed (parameter shapes as trytond 6.0 takes them:
 * search `[domain, offset, limit, order]`, read `[ids, fields]`, create `[[values]]`, write
 * `[ids, values]`, buttons and workflow transitions `[ids]`).
 */
import type { ErpResult } from "../types";
import type { Context, TrytonRpc } from "./rpc";

export type Domain = unknown[];
export type Row = { id: number } & Record<string, unknown>;
export type Order = [string, "ASC" | "DESC"][];

export interface SearchOpts { offset?: number; limit?: number | null; order?: Order | null; context?: Context }

/** @example searchRead(rpc, "party.party", [["code", "=", "C1"]], ["name"], { limit: 1 }) */
export function searchRead(rpc: TrytonRpc, model: string, domain: Domain, fields: string[], o: SearchOpts = {}): Promise<ErpResult<Row[]>> {
  return rpc.call<Row[]>(`model.${model}.search_read`, [domain, o.offset ?? 0, o.limit ?? null, o.order ?? null, fields], o.context);
}

export function search(rpc: TrytonRpc, model: string, domain: Domain, o: SearchOpts = {}): Promise<ErpResult<number[]>> {
  return rpc.call<number[]>(`model.${model}.search`, [domain, o.offset ?? 0, o.limit ?? null, o.order ?? null], o.context);
}

export function read(rpc: TrytonRpc, model: string, ids: number[], fields: string[], context?: Context): Promise<ErpResult<Row[]>> {
  if (!ids.length) return Promise.resolve({ kind: "ok", value: [] });
  return rpc.call<Row[]>(`model.${model}.read`, [ids, fields], context);
}

export function create(rpc: TrytonRpc, model: string, values: Record<string, unknown>[]): Promise<ErpResult<number[]>> {
  return rpc.call<number[]>(`model.${model}.create`, [values]);
}

export function write(rpc: TrytonRpc, model: string, ids: number[], values: Record<string, unknown>): Promise<ErpResult<null>> {
  return rpc.call<null>(`model.${model}.write`, [ids, values]);
}

export function remove(rpc: TrytonRpc, model: string, ids: number[]): Promise<ErpResult<null>> {
  return rpc.call<null>(`model.${model}.delete`, [ids]);
}

/** A button or workflow transition; Tryton silently skips records the transition does not apply to. */
export function button(rpc: TrytonRpc, model: string, method: string, ids: number[]): Promise<ErpResult<null>> {
  return rpc.call<null>(`model.${model}.${method}`, [ids]);
}

/**
 * Runs the server-side on_change of `field` for one unsaved record, the way the Tryton client
 * does when a user picks a party or a product: `values` must hold every field the on_change
 * depends on (see `onChangeDepends`). Tryton instantiates one record per call (a list would be
 * read as ids), and answers a dict of the fields it changed.
 */
export async function onChange(rpc: TrytonRpc, model: string, field: string, values: Record<string, unknown>): Promise<ErpResult<Record<string, unknown>>> {
  const r = await rpc.call<Record<string, unknown> | Record<string, unknown>[]>(`model.${model}.on_change`, [values, [field]]);
  if (r.kind !== "ok") return r;
  return { kind: "ok", value: (Array.isArray(r.value) ? r.value[0] : r.value) ?? {} };
}

/** The fields an on_change reads (from `fields_get`), so callers send each one, null when unknown. */
export async function onChangeDepends(rpc: TrytonRpc, model: string, field: string): Promise<ErpResult<string[]>> {
  const r = await rpc.call<Record<string, { on_change?: string[] }>>(`model.${model}.fields_get`, [[field]]);
  if (r.kind !== "ok") return r;
  return { kind: "ok", value: r.value[field]?.on_change ?? [] };
}
