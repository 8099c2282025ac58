/**
 * `inventorySetQuantities` on the `available` quantity with compare-and-set, many rows per call.
 *
 * - CAS: from 2026-01 each row carries `changeFromQuantity` (an integer compares, an explicit null
 *   opts out), mandatory on every row from 2026-04; up to 2025-10 the row carries
 *   `compareQuantity` and the input `ignoreCompareQuantity`
 *   (https://shopify.dev/changelog/compare-and-swap-redesign-for-inventory-set-quantities). The
 *   compared value is the figure the channel last acknowledged from us; a mismatch
 *   (`CHANGE_FROM_QUANTITY_STALE`) means the channel changed it itself (a sale), so we re-read it
 *   and hand it back as `retry` + `channelAvailable`, never overwrite.
 * - Idempotency: `@idempotent(key:)` from 2026-01, mandatory from 2026-04
 *   (https://shopify.dev/docs/api/usage/implementing-idempotency). The key is derived from the
 *   rows (item, location, figure, compared value, seq), so a retry of the same figure is the same
 *   request and a recomputed one is a new request, as Shopify's two principles ask.
 *   `IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED` asks for a new key: we resend once with a salted one.
 * - Whether the other rows of a call apply when one row fails is not documented; we read the
 *   answer per row (`userErrors[].field` names the row, `changes` lists what applied), and rows
 *   that failed only because a neighbour did are sent once more on their own.
 */
import { sha256Hex } from "../../../core/crypto";
import type { PublishItem } from "../types";
import { gql, type Gql, type ShopifyClient } from "./client";

export interface Row {
  item: PublishItem;
  inventoryItemId: string;
  locationId: string;
  quantity: number;
  compare: number | null;
}

export type RowVerdict =
  | { kind: "ok"; acknowledged: number }
  | { kind: "stale" }
  | { kind: "retry" | "rejected" | "config"; reason: string; forgetId?: boolean }
  | { kind: "collateral" };

export interface SendOutcome {
  verdicts: Map<Row, RowVerdict>;
  /** The whole call failed before any row was looked at. */
  failure?: Exclude<Gql, { kind: "data" }>;
  newKey?: boolean;
  throttle?: Extract<Gql, { kind: "data" }>["throttle"];
}

/** Versions that speak `changeFromQuantity` and `@idempotent`. @example modernApi("2026-04") // true */
export const modernApi = (version: string) => version === "unstable" || version >= "2026-01";

/** A UUID-shaped key from the rows, stable for the same figures and seqs. */
export async function idempotencyKey(connectionId: string, rows: Row[], salt?: string): Promise<string> {
  const material = JSON.stringify({ c: connectionId, s: salt ?? null, r: rows.map((r) => [r.inventoryItemId, r.locationId, r.quantity, r.compare, r.item.seq]) });
  const h = await sha256Hex(material);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

const mutation = (key: string | undefined) => `mutation SwitchyardPublish($input: InventorySetQuantitiesInput!) {
  inventorySetQuantities(input: $input)${key ? ` @idempotent(key: "${key}")` : ""} {
    inventoryAdjustmentGroup { id changes { name delta quantityAfterChange item { id } location { id } } }
    userErrors { code field message }
  }
}`;

function input(connectionId: string, version: string, rows: Row[]): Record<string, unknown> {
  const common = { name: "available", reason: "correction", referenceDocumentUri: `gid://switchyard/ChannelPublish/${encodeURIComponent(connectionId)}` };
  if (modernApi(version)) {
    return { ...common, quantities: rows.map((r) => ({ inventoryItemId: r.inventoryItemId, locationId: r.locationId, quantity: r.quantity, changeFromQuantity: r.compare })) };
  }
  // ≤ 2025-10: one flag for the whole input, so callers never mix compared and uncompared rows.
  const ignore = rows.every((r) => r.compare === null);
  return {
    ...common,
    ignoreCompareQuantity: ignore,
    quantities: rows.map((r) => (ignore ? { inventoryItemId: r.inventoryItemId, locationId: r.locationId, quantity: r.quantity } : { inventoryItemId: r.inventoryItemId, locationId: r.locationId, quantity: r.quantity, compareQuantity: r.compare })),
  };
}

function verdictFor(code: string, message: string): RowVerdict | "stale" | "newKey" | "later" {
  switch (code) {
    case "CHANGE_FROM_QUANTITY_STALE":
    case "COMPARE_QUANTITY_STALE":
      return "stale";
    case "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED":
    case "IDEMPOTENCY_KEY_PARAMETER_MISMATCH":
      return "newKey";
    case "IDEMPOTENCY_CONCURRENT_REQUEST":
      return "later";
    case "INVALID_INVENTORY_ITEM":
      // The variant may have been deleted and re-created: forget the id so the retry looks it up.
      return { kind: "retry", reason: `Shopify: ${message} (cached inventory item id dropped; the next attempt looks the SKU up again)`, forgetId: true };
    case "INVALID_LOCATION":
      return { kind: "config", reason: `Shopify: ${message} (check publish.locations)` };
    default:
      // ITEM_NOT_STOCKED_AT_LOCATION (activating a location is the merchant's decision),
      // NON_MUTABLE_INVENTORY_ITEM (bundles), INVALID_QUANTITY_*, and anything we sent wrong.
      return { kind: "rejected", reason: `Shopify ${code || "userError"}: ${message}` };
  }
}

/**
 * Sends one mutation for `rows` and reads every row's fate out of the answer.
 * @example const o = await sendRows(client, "conn-1", "2026-04", rows); o.verdicts.get(rows[0])
 */
export async function sendRows(client: ShopifyClient, connectionId: string, version: string, rows: Row[], salt?: string): Promise<SendOutcome> {
  const key = modernApi(version) ? await idempotencyKey(connectionId, rows, salt) : undefined;
  const r = await gql(client, mutation(key), { input: input(connectionId, version, rows) });
  const verdicts = new Map<Row, RowVerdict>();
  if (r.kind !== "data") return { verdicts, failure: r };
  const payload = (r.data.inventorySetQuantities ?? {}) as {
    inventoryAdjustmentGroup?: { changes?: Array<{ name?: string; quantityAfterChange?: number | null; item?: { id?: string }; location?: { id?: string } }> } | null;
    userErrors?: Array<{ code?: string | null; field?: string[] | null; message?: string }>;
  };
  const errors = payload.userErrors ?? [];
  let newKey = false;
  let later = false;
  for (const e of errors) {
    const field = e.field ?? [];
    const index = field[1] === "quantities" ? Number(field[2]) : NaN;
    const v = verdictFor(e.code ?? "", client.redact(e.message ?? ""));
    if (v === "newKey") newKey = true;
    else if (v === "later") later = true;
    const targets = Number.isInteger(index) && rows[index] ? [rows[index]!] : rows;
    for (const row of targets) {
      if (v === "stale") verdicts.set(row, { kind: "stale" });
      else if (typeof v === "object" && !verdicts.has(row)) verdicts.set(row, v);
    }
  }
  if (newKey) return { verdicts: new Map(), newKey: true, throttle: r.throttle };
  const group = payload.inventoryAdjustmentGroup;
  for (const row of rows) {
    if (verdicts.has(row)) continue;
    if (later) verdicts.set(row, { kind: "retry", reason: "Shopify: the same request is still in progress (IDEMPOTENCY_CONCURRENT_REQUEST)" });
    else if (group) {
      const change = (group.changes ?? []).find((c) => c.item?.id === row.inventoryItemId && c.location?.id === row.locationId && (c.name ?? "available") === "available");
      verdicts.set(row, { kind: "ok", acknowledged: typeof change?.quantityAfterChange === "number" ? change.quantityAfterChange : row.quantity });
    } else if (errors.length > 0) verdicts.set(row, { kind: "collateral" });
    else verdicts.set(row, { kind: "retry", reason: "Shopify answered without an adjustment group or errors" });
  }
  return { verdicts, throttle: r.throttle };
}

const LEVEL_FIELDS = `inventoryLevel(locationId: $LOC) { quantities(names: ["available"]) { name quantity } }`;

/**
 * Re-reads `available` for rows whose compare-and-set lost, one aliased field per row.
 * @example const now = await readAvailable(client, staleRows); now.get(row) // 4
 */
export async function readAvailable(client: ShopifyClient, rows: Row[]): Promise<{ levels: Map<Row, number>; failure?: Exclude<Gql, { kind: "data" }>; throttle?: Extract<Gql, { kind: "data" }>["throttle"] }> {
  const vars: Record<string, string> = {};
  const decl: string[] = [];
  const fields: string[] = [];
  rows.forEach((row, i) => {
    vars[`i${i}`] = row.inventoryItemId;
    vars[`l${i}`] = row.locationId;
    decl.push(`$i${i}: ID!`, `$l${i}: ID!`);
    fields.push(`r${i}: inventoryItem(id: $i${i}) { id ${LEVEL_FIELDS.replace("$LOC", `$l${i}`)} }`);
  });
  const r = await gql(client, `query SwitchyardLevels(${decl.join(", ")}) {\n  ${fields.join("\n  ")}\n}`, vars);
  const levels = new Map<Row, number>();
  if (r.kind !== "data") return { levels, failure: r };
  rows.forEach((row, i) => {
    const node = r.data[`r${i}`] as { inventoryLevel?: { quantities?: Array<{ name?: string; quantity?: number }> } | null } | null | undefined;
    const q = node?.inventoryLevel?.quantities?.find((x) => x.name === "available")?.quantity;
    if (typeof q === "number") levels.set(row, q);
  });
  return { levels, throttle: r.throttle };
}
