// HTTP to a Switchyard deployment with the admin token. Every failure becomes a CliError whose
// message is one line: the problem+json `title: detail` when the server sent one.
import { existsSync, readFileSync } from "node:fs";

export class CliError extends Error {}

export const DEFAULT_URL = "http://127.0.0.1:8787";

const isLoopback = (url) => ["127.0.0.1", "localhost", "[::1]"].includes(new URL(url).hostname);

/** Reads one name from ./.dev.vars (a local checkout's dev settings). */
function devVar(name) {
  if (!existsSync(".dev.vars")) return undefined;
  const m = new RegExp(`^\\s*${name}\\s*=\\s*["']?([^"'\\r\\n#]*?)["']?\\s*$`, "m").exec(readFileSync(".dev.vars", "utf8"));
  return m?.[1] || undefined;
}

/**
 * The target and token: `--url`, SWITCHYARD_URL or the local default; SWITCHYARD_ADMIN_TOKEN,
 * then ADMIN_TOKEN, then (for a loopback URL only) ADMIN_TOKEN from ./.dev.vars.
 */
export function resolveTarget(urlOption) {
  const url = (urlOption || process.env.SWITCHYARD_URL || DEFAULT_URL).replace(/\/+$/, "");
  try {
    new URL(url);
  } catch {
    throw new CliError(`not a URL: ${url}`);
  }
  const token = process.env.SWITCHYARD_ADMIN_TOKEN || process.env.ADMIN_TOKEN || (isLoopback(url) ? devVar("ADMIN_TOKEN") : undefined);
  return { url, token };
}

/** One line from a problem+json body (or whatever the server sent). */
export function problemLine(status, text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    const flat = text.replace(/\s+/g, " ").trim();
    return `HTTP ${status}${flat ? `: ${flat.slice(0, 200)}` : ""}`;
  }
  const title = body?.title ?? body?.error ?? `HTTP ${status}`;
  let line = body?.detail ? `${title}: ${body.detail}` : String(title);
  if (Array.isArray(body?.errors) && body.errors.length) {
    line += ` (${body.errors.map((e) => `${e.path || "(body)"}: ${e.message}`).join("; ")})`;
  }
  return line.replace(/\s*\n\s*/g, " ");
}

export function createClient({ url, token, timeoutMs = 30_000 }) {
  return async function request(method, path, body) {
    if (!token) throw new CliError("no admin token: set SWITCHYARD_ADMIN_TOKEN (or ADMIN_TOKEN)");
    let res;
    try {
      res = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (e) {
      const cause = e?.cause?.code ?? e?.cause?.message ?? e?.name ?? "network error";
      throw new CliError(`cannot reach ${url} (${cause})`);
    }
    const text = await res.text();
    if (!res.ok) throw new CliError(problemLine(res.status, text));
    if (!text) return {};
    try {
      return JSON.parse(text);
    } catch {
      throw new CliError(`${method} ${path}: the server answered ${res.status} with something that is not JSON`);
    }
  };
}
