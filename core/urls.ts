/**
 * Outbound URL policy: where Switchyard may send data and credentials (subscriptions, channel
 * and ERP connections). Refused everywhere: non-HTTP schemes, `user:pass@` credentials in the
 * URL, and link-local addresses (169.254.0.0/16, fe80::/10: cloud metadata services live there).
 * Refused outside local development: loopback, private and shared ranges (127/8, 10/8,
 * 172.16/12, 192.168/16, 100.64/10, 0/8, ::1, fc00::/7, `localhost`). Hostnames are checked as
 * written; Workers have no DNS API, so a public name that resolves to a private address is not
 * caught here (Cloudflare's own egress does not reach private networks).
 *
 * @example checkOutboundUrl("http://169.254.169.254/latest", { allowPrivate: true }) // { ok: false, … "link-local" }
 */
export type UrlVerdict = { ok: true; url: URL } | { ok: false; reason: string };

function ipv4(host: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

function classifyV4([a, b]: number[]): "link-local" | "private" | "public" {
  if (a === 169 && b === 254) return "link-local";
  if (a === 127 || a === 10 || a === 0 || (a === 172 && b! >= 16 && b! <= 31) || (a === 192 && b === 168) || (a === 100 && b! >= 64 && b! <= 127)) return "private";
  return "public";
}

function classifyHost(hostname: string): "link-local" | "private" | "public" {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, "").replace(/\.$/, "");
  const v4 = ipv4(host);
  if (v4) return classifyV4(v4);
  if (host.includes(":")) {
    // IPv4-mapped (::ffff:a.b.c.d, or the hex form the URL parser writes) takes the IPv4 rules.
    const mapped = /^::ffff:(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/.exec(host);
    if (mapped) {
      const parts = mapped[1] ? ipv4(mapped[1]) : [parseInt(mapped[2]!, 16) >> 8, parseInt(mapped[2]!, 16) & 255, parseInt(mapped[3]!, 16) >> 8, parseInt(mapped[3]!, 16) & 255];
      return parts ? classifyV4(parts) : "private";
    }
    if (/^fe[89ab][0-9a-f]:/.test(host)) return "link-local";
    if (host === "::1" || host === "::" || /^f[cd][0-9a-f]{2}:/.test(host)) return "private";
    return "public";
  }
  if (host === "localhost" || host.endsWith(".localhost") || host === "metadata.google.internal") return host === "metadata.google.internal" ? "link-local" : "private";
  return "public";
}

export function checkOutboundUrl(raw: string, opts: { allowPrivate: boolean }): UrlVerdict {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "is not a valid URL" };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "must be an http or https URL" };
  if (url.username || url.password) return { ok: false, reason: "must not carry credentials (user:pass@); configure them as settings" };
  const kind = classifyHost(url.hostname);
  if (kind === "link-local") return { ok: false, reason: "must not point at a link-local address" };
  if (kind === "private" && !opts.allowPrivate) return { ok: false, reason: "must not point at a loopback or private address" };
  return { ok: true, url };
}

/** Setting names that hold a URL Switchyard will call (`apiBaseUrl`, `outboundUrl`, `lwaTokenUrl`, …). */
export const isUrlSetting = (name: string) => /url$/i.test(name);
