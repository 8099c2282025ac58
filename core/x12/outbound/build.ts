/**
 * Checked element values for the document writers. X12 has no escape character, so a value
 * holding a delimiter would split the segment on the partner's side:
 * - identifiers (PO numbers, SKUs, SSCCs, …) that hold one, or a control character, or exceed
 *   the element's maximum length are errors: a changed id would not match anything there;
 * - free text (names, addresses, descriptions) has delimiters and control characters turned
 *   into spaces and is cut to the element's length, as a partner's translator would.
 * Every problem is collected with its path; the writer answers all of them at once.
 */
import type { Delimiters, ResolvedPartner, Seg } from "./envelope";
import type { DateInput, ItemRef, OutboundError, PartyInput } from "./types";

/** Qualifiers under which our own SKU is the id (the partner keys items by the seller's number). */
const OUR_SKU_QUALIFIERS = new Set(["VN", "SK", "VP", "MG"]);

export class Build {
  readonly errors: OutboundError[] = [];
  private readonly unsafe: RegExp;

  constructor(
    readonly partner: ResolvedPartner,
    private readonly prefix = "",
  ) {
    const s: Delimiters = partner.sep;
    const chars = [s.element, s.segment, s.component, s.repetition].filter((c): c is string => !!c);
    this.unsafe = new RegExp(`[${chars.map((c) => c.replace(/[\\\]^-]/g, "\\$&")).join("")}\\x00-\\x1f\\x7f]`, "g");
  }

  err(path: string, message: string): void {
    this.errors.push({ path: this.prefix + path, message });
  }

  /** A required identifier of `min`..`max` characters, untouched. */
  id(value: unknown, path: string, max: number, min = 1): string {
    if (typeof value !== "string" || !value.trim()) {
      this.err(path, "is required");
      return "";
    }
    const v = value.trim();
    this.unsafe.lastIndex = 0;
    if (this.unsafe.test(v)) this.err(path, `contains a delimiter or control character: ${JSON.stringify(v.slice(0, 60))}`);
    else if (v.length > max || v.length < min) this.err(path, `must be ${min === max ? min : `${min} to ${max}`} characters for X12, got ${v.length}`);
    return v;
  }

  /** An optional identifier: undefined when absent. */
  optId(value: unknown, path: string, max: number, min = 1): string | undefined {
    return value === undefined || value === null || value === "" ? undefined : this.id(value, path, max, min);
  }

  /** A code from a fixed list. */
  code<T extends string>(value: unknown, path: string, allowed: readonly T[]): T {
    if (!allowed.includes(value as T)) this.err(path, `must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
    return value as T;
  }

  /** Free text: delimiters and control characters become spaces, runs collapse, cut to `max`. */
  text(value: unknown, max: number): string | undefined {
    if (typeof value !== "string") return undefined;
    const v = value.replace(this.unsafe, " ").replace(/\s+/g, " ").trim().slice(0, max).trim();
    return v || undefined;
  }

  /** A whole quantity ≥ `min` as X12 numeric text. */
  count(value: unknown, path: string, min = 0): string {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > 999_999_999) {
      this.err(path, `must be a whole number from ${min} to 999999999, got ${JSON.stringify(value)}`);
      return "0";
    }
    return String(value);
  }

  /** A non-negative decimal (number or decimal string) as X12 R text, e.g. 60.31 → "60.31". */
  decimal(value: unknown, path: string, maxLength = 10): string {
    const s = typeof value === "number" && Number.isFinite(value) && value >= 0 ? trimDecimal(value.toFixed(6)) : typeof value === "string" ? value.trim() : "";
    const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
    if (!s || !m || (!m[1] && !m[2]) || s.replace(".", "").length > maxLength) {
      this.err(path, `must be a non-negative decimal of at most ${maxLength} digits, got ${JSON.stringify(value)}`);
      return "0";
    }
    return trimDecimal(s);
  }

  /** A date as a Date (an ISO string is parsed); undefined and an error when unreadable. */
  date(value: DateInput | undefined, path: string): Date | undefined {
    const d = value instanceof Date ? value : typeof value === "string" ? new Date(value) : undefined;
    if (!d || Number.isNaN(d.getTime())) {
      this.err(path, `must be a date (Date or ISO 8601 string), got ${JSON.stringify(value)}`);
      return undefined;
    }
    return d;
  }

  /**
   * The product id pairs of an item: first the partner's `itemQualifier` (our SKU when that is
   * one of the seller's own qualifiers, else the partner's id, which must be given), then the
   * other ids the partner uses, in the order given.
   */
  productIds(item: ItemRef | undefined, path: string): Array<[string, string]> {
    if (!item || typeof item !== "object") {
      this.err(path, "is required");
      return [];
    }
    const q = this.partner.itemQualifier;
    const ids = item.ids ?? {};
    const primary = ids[q] ?? (OUR_SKU_QUALIFIERS.has(q) ? item.sku : undefined);
    if (primary === undefined) {
      this.err(`${path}.ids.${q}`, `the partner keys items by ${q}; no ${q} id is given for SKU ${JSON.stringify(item.sku)}`);
      return [];
    }
    const pairs: Array<[string, string]> = [[q, this.id(primary, ids[q] !== undefined ? `${path}.ids.${q}` : `${path}.sku`, 48)]];
    for (const [k, v] of Object.entries(ids)) {
      if (k === q) continue;
      if (!/^[A-Z0-9]{2}$/.test(k)) this.err(`${path}.ids`, `product id qualifier ${JSON.stringify(k)} is not 2 characters`);
      else pairs.push([k, this.id(v, `${path}.ids.${k}`, 48)]);
    }
    return pairs;
  }

  /** N1 (N101 code, N102 name, N103/N104 id), N3 address lines, N4 place. */
  party(p: PartyInput | undefined, path: string): Seg[] {
    if (!p || typeof p !== "object") {
      this.err(path, "is required");
      return [];
    }
    const code = this.id(p.code, `${path}.code`, 3, 2);
    const name = this.text(p.name, 60);
    const idq = this.optId(p.idQualifier, `${path}.idQualifier`, 2, 1);
    const id = this.optId(p.id, `${path}.id`, 80, 2);
    if (!name && !id) this.err(path, "needs a name or an id (N102 or N103/N104)");
    if (!!idq !== !!id) this.err(path, "idQualifier and id go together (N103/N104)");
    const out: Seg[] = [["N1", code, name, idq, id]];
    const a = p.address;
    if (a) {
      const lines = (a.lines ?? []).map((l) => this.text(l, 55)).filter((l): l is string => !!l);
      if (lines.length > 2) this.err(`${path}.address.lines`, "at most 2 address lines fit one N3");
      if (lines.length) out.push(["N3", ...lines.slice(0, 2)]);
      const city = this.text(a.city, 30);
      const region = this.optId(a.region, `${path}.address.region`, 2, 2);
      const postal = this.optId(a.postalCode, `${path}.address.postalCode`, 15, 3);
      const country = this.optId(a.country, `${path}.address.country`, 3, 2);
      if (city || region || postal || country) out.push(["N4", city, region, postal, country]);
    }
    return out;
  }
}

/** `x` when it is an array, else empty (inputs come from callers that may send anything). */
export function listOf<T>(x: readonly T[] | undefined): readonly T[] {
  return Array.isArray(x) ? x : [];
}

function trimDecimal(s: string): string {
  const [int, frac = ""] = s.split(".");
  const f = frac.replace(/0+$/, "");
  const i = (int ?? "").replace(/^0+(?=\d)/, "") || "0";
  return f ? `${i}.${f}` : i;
}
