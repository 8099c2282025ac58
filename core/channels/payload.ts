/**
 * Parsing helpers shared by the adapters: exact JSON ids, decimal strings, validation results.
 * Pure and total: nothing here throws on hostile input.
 */
import { z } from "zod";
import { canonicalOrderSchema, err, fieldIssues, ok, type CanonicalOrder, type Result } from "../canonical";
import { firstMalformedString, jsonDepth } from "../text";
import type { ParseFailure } from "./types";

type SourceContext = { source?: string };

/**
 * Parses a UTF-8 JSON body. Integers beyond 2^53 (Shopify ids are 64-bit) come back as their exact
 * source text instead of a rounded double, using the reviver's source-text access where the
 * runtime has it; elsewhere they are stringified as parsed, which is still a string.
 */
export function parseJsonBody(body: Uint8Array): Result<unknown, ParseFailure> {
  let value: unknown;
  try {
    const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(body);
    value = JSON.parse(text, exactIntegers);
  } catch {
    return err({ reason: "invalid_json" });
  }
  // Nothing a provider sends nests this deep; refusing early keeps every later walk bounded.
  if (jsonDepth(value, MAX_DEPTH) > MAX_DEPTH) return err({ reason: "invalid_payload", issues: [{ path: "(body)", message: `nested deeper than ${MAX_DEPTH}` }] });
  // A lone surrogate in an id would be stored differently from how it names the order: refuse it.
  const bad = firstMalformedString(value);
  return bad ? err({ reason: "invalid_payload", issues: [{ path: bad, message: "not well-formed Unicode" }] }) : ok(value);
}

const MAX_DEPTH = 64;

function exactIntegers(_key: string, value: unknown, context?: SourceContext): unknown {
  if (typeof value !== "number" || Number.isSafeInteger(value) || !Number.isInteger(value)) return value;
  const src = context?.source;
  return src && /^-?\d+$/.test(src) ? src : BigInt(value).toString();
}

/** An id that providers send as a number or a string; output is always the exact string. */
export const externalIdSchema = z
  .union([z.string().trim().min(1), z.number().int().nonnegative()])
  .transform((v) => String(v));

/** The numeric tail of a Shopify GraphQL id: `gid://shopify/Order/123` → `123`. */
export function gidTail(gid: string | null | undefined): string | undefined {
  if (!gid) return undefined;
  const m = /^gid:\/\/[^/]+\/[^/]+\/([^/?#]+)/.exec(gid);
  return m?.[1];
}

/**
 * Normalises an amount to the canonical decimal string: at least two decimals, at most six,
 * so "12.0000" (BigCommerce), 3 (WooCommerce) and "89.99" (Shopify) all read alike.
 */
export function toDecimal(v: string | number | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = typeof v === "number" ? (Number.isFinite(v) ? v.toFixed(6) : "") : v.trim();
  const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(s);
  if (!m) return typeof v === "string" ? v : undefined;
  const frac = (m[3] ?? "").replace(/0+$/, "");
  if (frac.length > 6) return s;
  return `${m[1]}${m[2]!.replace(/^0+(?=\d)/, "")}.${frac.padEnd(2, "0")}`;
}

/** Exact sum of decimal strings (micro-units in a BigInt, no float drift). */
export function sumDecimals(values: string[]): string {
  let total = 0n;
  for (const v of values) {
    const d = toDecimal(v);
    const m = d ? /^(-?)(\d+)\.(\d{2,6})$/.exec(d) : null;
    if (!m) continue;
    const micro = BigInt(m[2]!) * 1_000_000n + BigInt(m[3]!.padEnd(6, "0"));
    total += m[1] ? -micro : micro;
  }
  const neg = total < 0n;
  const abs = neg ? -total : total;
  const frac = (abs % 1_000_000n).toString().padStart(6, "0");
  return toDecimal(`${neg ? "-" : ""}${abs / 1_000_000n}.${frac}`)!;
}

/** ms since epoch of a provider timestamp, or null when it does not parse. */
export function timeVersion(value: string | null | undefined): number | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isFinite(t) && t >= 0 ? t : null;
}

/** "" and whitespace count as absent: providers send empty strings for unset optional fields. */
export function present(v: string | null | undefined): string | undefined {
  const t = v?.trim();
  return t ? t : undefined;
}

/** Joins name parts that may be null or empty. */
export function fullName(...parts: (string | null | undefined)[]): string | undefined {
  return present(parts.filter((p) => p && p.trim()).join(" "));
}

export function invalidPayload(error: z.ZodError, prefix = ""): Result<never, ParseFailure> {
  const issues = fieldIssues(error).map((i) => ({
    ...i,
    path: prefix ? (i.path === "(body)" ? prefix : `${prefix}.${i.path}`) : i.path,
  }));
  return err({ reason: "invalid_payload", issues });
}

/** Validates a mapped order; issues carry canonical paths (`lines.0.sku`, `shipTo.postalCode`). */
export function validOrder(order: unknown): Result<CanonicalOrder, ParseFailure> {
  const r = canonicalOrderSchema.safeParse(order);
  return r.success ? ok(r.data) : invalidPayload(r.error);
}

/** Drops keys whose value is undefined, so strict canonical schemas see only real fields. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
