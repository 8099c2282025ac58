/**
 * The one structured logger: a JSON line per call with level, message and the fields that tie it
 * to an order (orchestrationId, orderId, connectionId). Values under secret-looking keys are
 * replaced before anything is written, so a caller cannot leak a credential by passing it along.
 *
 * @example log.info("erp accepted", { orderId, orchestrationId, erpOrderId });
 */
type Fields = Record<string, unknown>;

const SECRET_KEY = /(secret|token|password|apikey|api_key|authorization|credential|signature|cookie)/i;

function redact(v: unknown, depth = 0): unknown {
  if (depth > 4 || v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((x) => redact(x, depth + 1));
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, SECRET_KEY.test(k) ? "[redacted]" : redact(x, depth + 1)]));
}

function write(level: "debug" | "info" | "warn" | "error", msg: string, fields: Fields = {}): void {
  const line = JSON.stringify({ level, msg, ...(redact(fields) as Fields), at: new Date().toISOString() });
  if (level === "error") console.error(line);
  else console.log(line);
}

export const log = {
  debug: (msg: string, fields?: Fields) => write("debug", msg, fields),
  info: (msg: string, fields?: Fields) => write("info", msg, fields),
  warn: (msg: string, fields?: Fields) => write("warn", msg, fields),
  error: (msg: string, fields?: Fields) => write("error", msg, fields),
};
