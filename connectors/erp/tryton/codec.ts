/**
 * Tryton's JSON-RPC value encodings (trytond/protocols/jsonrpc.py): Decimal, date and datetime
 * travel as `{"__class__": …}` objects. Datetimes are naive; Tryton on PostgreSQL stores UTC,
 * and on SQLite the server's local time (run it with TZ=UTC), so they are read as UTC.
 */

export interface TrytonDecimal { __class__: "Decimal"; decimal: string }
export interface TrytonDate { __class__: "date"; year: number; month: number; day: number }
export interface TrytonDateTime { __class__: "datetime"; year: number; month: number; day: number; hour: number; minute: number; second: number; microsecond: number }

/** @example decimal("12.50") // { __class__: "Decimal", decimal: "12.50" } */
export const decimal = (v: string | number): TrytonDecimal => ({ __class__: "Decimal", decimal: String(v) });

/** The UTC calendar day of an ISO time. @example dateOf("2026-03-01T23:00:00Z") // 2026-03-01 */
export function dateOf(iso: string): TrytonDate | null {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  return { __class__: "date", year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const pad = (n: number, w = 2) => String(n).padStart(w, "0");

/**
 * A datetime as an ISO string with microseconds (cursor precision; Tryton keeps microseconds).
 * @example isoMicro({ year: 2026, month: 1, day: 2, hour: 3, minute: 4, second: 5, microsecond: 6 }) // "2026-01-02T03:04:05.000006Z"
 */
export function isoMicro(d: Omit<TrytonDateTime, "__class__">): string {
  return `${d.year}-${pad(d.month)}-${pad(d.day)}T${pad(d.hour)}:${pad(d.minute)}:${pad(d.second)}.${pad(d.microsecond, 6)}Z`;
}

/** The inverse of `isoMicro`, for domains. Null when it is not one of ours. */
export function fromIsoMicro(iso: string): TrytonDateTime | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.(\d{6})Z$/.exec(iso);
  if (!m) return null;
  const [year, month, day, hour, minute, second, microsecond] = m.slice(1).map(Number) as [number, number, number, number, number, number, number];
  return { __class__: "datetime", year, month, day, hour, minute, second, microsecond };
}

/** Milliseconds-precision ISO (what ErpOrderStatus.updatedAt and shippedAt carry). */
export function isoMillis(isoMicroString: string): string {
  return isoMicroString.replace(/\.(\d{3})\d{3}Z$/, ".$1Z");
}

/** JSON.parse reviver: Decimal → string (never a float), datetime → ISO with microseconds, date → YYYY-MM-DD. */
export function revive(_key: string, v: unknown): unknown {
  if (!v || typeof v !== "object") return v;
  const o = v as Record<string, unknown>;
  switch (o.__class__) {
    case "Decimal":
      return String(o.decimal);
    case "datetime":
      return isoMicro(o as unknown as TrytonDateTime);
    case "date":
      return `${o.year}-${pad(Number(o.month))}-${pad(Number(o.day))}`;
    default:
      return v;
  }
}
