/**
 * The page script's base (browser JavaScript, kept as text: the page has no build step): escaping,
 * local-time and id formatting, the API call with the operator's token, and painting a card
 * only when its content changed, so a refresh every 5 s neither flickers nor steals focus.
 * Text, not template literals: no backtick or dollar-brace may appear in this code.
 */
export const coreScript = String.raw`
const $ = (id) => document.getElementById(id);
const ESC = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ESC[c]);
const NUM = new Intl.NumberFormat();
const num = (n) => (typeof n === "number" ? NUM.format(n) : "–");
// The browser's own locale and time zone; the exact UTC instant is in the title.
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: "short", timeStyle: "medium" });
const CLOCK = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const CLOCK_S = new Intl.DateTimeFormat(undefined, { timeStyle: "medium" });

/** A local date and time that does not wrap, or a dash. */
function when(iso) {
  if (!iso) return '<span class="muted">–</span>';
  const d = new Date(iso);
  if (isNaN(d.getTime())) return esc(iso);
  return '<time datetime="' + esc(d.toISOString()) + '" title="' + esc(d.toISOString()) + ' UTC">' + esc(DATE_TIME.format(d)) + "</time>";
}

/** How long ago, short: "42 s", "7 min", "3 h", "2 d". */
function age(iso) {
  const ms = Date.now() - new Date(iso).getTime();
  if (!isFinite(ms)) return "–";
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 90) return s + " s";
  if (s < 5400) return Math.round(s / 60) + " min";
  if (s < 172800) return Math.round(s / 3600) + " h";
  return Math.round(s / 86400) + " d";
}

// Drawn, not a font glyph: every system font has these two squares.
const COPY_ICON = '<svg viewBox="0 0 16 16" width="12" height="12" aria-hidden="true" focusable="false"><rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor" stroke-width="1.6"/><path d="M11 3.5V3a1 1 0 0 0-1-1H3a1 1 0 0 0-1 1v7a1 1 0 0 0 1 1h.5" fill="none" stroke="currentColor" stroke-width="1.6"/></svg>';

/** A long id, ellipsized, with its full value in the title and a copy button; a link when href is given. */
function idChip(id, href) {
  if (!id) return '<span class="muted">–</span>';
  const inner = '<span class="ell" title="' + esc(id) + '">' + esc(id) + "</span>";
  const main = href ? '<a href="' + esc(href) + '" data-key="link:' + esc(id) + '">' + inner + "</a>" : inner;
  return '<span class="nowrap">' + main + '<button type="button" class="copy" data-copy="' + esc(id) + '" data-key="copy:' + esc(id) + '" aria-label="Copy ' + esc(id) + '" title="Copy">' + COPY_ICON + "</button></span>";
}

const orderHref = (id) => "#order=" + encodeURIComponent(id);

/** Calls the API with the token; never throws: { status, ok, body }, status 0 when nothing answered. */
async function api(path, init) {
  const opts = init || {};
  try {
    const res = await fetch(path, { method: opts.method || "GET", headers: { authorization: "Bearer " + state.token }, cache: "no-store" });
    const text = await res.text();
    let body = null;
    try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
    return { status: res.status, ok: res.ok, body: body };
  } catch (e) {
    return { status: 0, ok: false, body: null, error: String(e && e.message || e) };
  }
}

/** The reason an answer gives (problem+json detail or title), for a message. */
const why = (r) => (r.body && (r.body.detail || r.body.title)) || (r.status ? "HTTP " + r.status : "no answer" + (r.error ? " (" + r.error + ")" : ""));

/**
 * Replaces a container's content only when it differs from what it shows, and gives focus back
 * to the control that had it (matched by data-key), so polling does not disturb the reader.
 */
const painted = new Map();
function paint(id, html) {
  const el = $(id);
  if (!el || painted.get(id) === html) return;
  const active = document.activeElement;
  const key = active && el.contains(active) && active.dataset ? active.dataset.key : null;
  el.innerHTML = html;
  painted.set(id, html);
  if (key) {
    const again = Array.from(el.querySelectorAll("[data-key]")).find((x) => x.dataset.key === key);
    if (again) again.focus();
  }
}

function show(id, on) {
  const el = $(id);
  if (el) el.hidden = !on;
}

/** A message in a message box: kind "bad", "warn", "ok", or "" to clear. */
function say(id, kind, text) {
  const el = $(id);
  if (!el) return;
  el.className = "msg" + (kind ? " " + kind : "");
  el.textContent = text || "";
}

function table(cls, head, rows, empty) {
  if (!rows.length) return '<p class="muted">' + esc(empty) + "</p>";
  return '<table class="stack ' + cls + '"><thead><tr>' + head.map((h) => "<th" + (h.n ? ' class="n"' : "") + ' scope="col">' + esc(h.t) + "</th>").join("") + "</tr></thead><tbody>" + rows.join("") + "</tbody></table>";
}
const td = (label, html, extra) => '<td data-label="' + esc(label) + '"' + (extra || "") + ">" + html + "</td>";
`;
