/**
 * The page script's cards (browser JavaScript, as text): each turns one API answer into the
 * HTML of its card. Numbers carry data-* attributes naming what they count, so the browser test
 * can compare what is shown with what the API says.
 */
export const cardsScript = String.raw`
const BAD_STATUSES = new Set(["exception", "erp_rejected", "short_picked"]);
const kpi = (key, label, value, cls) => '<div class="kpi ' + (cls || "") + '" data-kpi="' + key + '"><span>' + esc(label) + "</span><b>" + value + "</b></div>";
const chip = (attr, name, n, bad) => '<span class="chip' + (bad ? " bad" : "") + '" ' + attr + '="' + esc(name) + '">' + esc(name) + " <b>" + num(n) + "</b></span>";
const awaitingErp = (s) => (s.dispatch.pending || 0) + (s.dispatch.enqueued || 0);
const ms = (v) => (typeof v !== "number" ? "–" : v < 1000 ? Math.round(v) + " ms" : (v / 1000).toFixed(1) + " s");

function renderKpis(s) {
  const silent = Array.isArray(s.silentConnections) ? s.silentConnections.length : null;
  paint("kpis", [
    kpi("orders", "Orders", num(s.orders.total)),
    kpi("awaiting-erp", "Awaiting the ERP", num(awaitingErp(s)), awaitingErp(s) ? "warn" : ""),
    kpi("exceptions", "Open exceptions", num(s.exceptions.open), s.exceptions.open ? "bad" : ""),
    kpi("dead-letters", "Open dead letters", num(s.deadLetters.open), s.deadLetters.open ? "bad" : ""),
    kpi("sync-lag", "Stock sync lag, max 1 h", ms(s.availabilitySyncLagMs && s.availabilitySyncLagMs.max)),
    silent === null ? "" : kpi("silent", "Silent connections", num(silent), silent ? "bad" : ""),
  ].join(""));
}

function renderBacklog(b) {
  const rows = b.channels.map((c) => {
    const statuses = Object.entries(c.byStatus).sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));
    return '<tr data-channel="' + esc(c.channel) + '">' +
      td("Channel", '<span class="ell" title="' + esc(c.channel) + '">' + esc(c.channel) + "</span>") +
      td("Orders", num(c.total), ' class="n" data-field="total"') +
      td("Awaiting ERP", num(c.awaitingErp), ' class="n" data-field="awaitingErp"') +
      td("Oldest waiting", c.oldestAwaitingErpAt ? '<span class="nowrap">' + esc(age(c.oldestAwaitingErpAt)) + "</span> " + when(c.oldestAwaitingErpAt) : '<span class="muted">–</span>') +
      td("By status", '<div class="chips">' + statuses.map((e) => chip("data-status", e[0], e[1], BAD_STATUSES.has(e[0]))).join("") + "</div>") +
      "</tr>";
  });
  paint("backlog", table("backlog", [{ t: "Channel" }, { t: "Orders", n: 1 }, { t: "Awaiting ERP", n: 1 }, { t: "Oldest waiting" }, { t: "By status" }], rows, "No orders yet."));
}

function renderErp(s, conns) {
  const states = ["pending", "enqueued", "confirmed", "rejected", "dead", "skipped"];
  const extra = Object.keys(s.dispatch).filter((k) => !states.includes(k));
  const chips = states.concat(extra).filter((k) => s.dispatch[k] !== undefined || k === "dead").map((k) => chip("data-dispatch", k, s.dispatch[k] || 0, (k === "dead" || k === "rejected") && s.dispatch[k] > 0));
  paint("erp",
    "<h3>Hand-off states</h3><div class=\"chips\">" + chips.join("") + "</div>" +
    '<h3>Dead letters</h3><div class="chips">' + chip("data-dl", "open", s.deadLetters.open, s.deadLetters.open > 0) + chip("data-dl", "total", s.deadLetters.total, false) + "</div>");
  show("erp-connections", Boolean(conns));
  if (!conns) return;
  const rows = conns.map((c) => "<tr>" + td("Id", idChip(c.id)) + td("Kind", esc(c.kind)) + td("URL", '<span class="ell" title="' + esc(c.baseUrl) + '">' + esc(c.baseUrl) + "</span>") + td("Default", c.default ? "yes" : "no") + "</tr>");
  paint("erp-connections", "<h3>ERP connections</h3>" + table("erp", [{ t: "Id" }, { t: "Kind" }, { t: "URL" }, { t: "Default" }], rows, "None configured: orders go to ERP_URL."));
}

function renderPublishing(p) {
  const t = p.totals || {};
  const head = '<div class="chips">' + chip("data-pub", "connections", t.connections || 0) + chip("data-pub", "pending", t.pending || 0, false) + chip("data-pub", "failed", t.failed || 0, t.failed > 0) + chip("data-pub", "dead letters", t.deadLettersOpen || 0, t.deadLettersOpen > 0) + "</div>" +
    '<p class="status">Lag (stock fact → channel acknowledged): p50 ' + esc(ms(t.lagP50Ms)) + ", p99 " + esc(ms(t.lagP99Ms)) + "</p>";
  const rows = (p.connections || []).map((c) => {
    const items = c.items || {};
    const lag = c.lagMs || {};
    const note = c.disabled || (c.pausedUntil ? "paused: " + (c.pausedReason || "") : "") || (c.throttledUntil ? "throttled: " + (c.throttleReason || "") : "") || c.lastError || "";
    return "<tr>" + td("Connection", idChip(c.connectionId)) + td("Channel", esc(c.channel)) + td("Pending", num(items.pending), ' class="n"') + td("Failed", num((items.rejected || 0) + (items.dead || 0)), ' class="n"') +
      td("Lag p50 / p99", '<span class="nowrap">' + esc(ms(lag.p50)) + " / " + esc(ms(lag.p99)) + "</span>") + td("Last OK", when(c.lastOkAt)) + td("Note", esc(note)) + "</tr>";
  });
  paint("publishing", head + table("publishing", [{ t: "Connection" }, { t: "Channel" }, { t: "Pending", n: 1 }, { t: "Failed", n: 1 }, { t: "Lag p50 / p99" }, { t: "Last OK" }, { t: "Note" }], rows, "No publishing connection."));
}

// The silence alerts' shape is the metrics work's; the known fields are shown, the rest as text.
function renderSilent(list) {
  const known = ["connectionId", "id", "connection", "kind", "channel", "lastSeenAt", "lastEventAt", "lastAt", "since"];
  const rows = list.map((c) => {
    const id = c.connectionId || c.id || c.connection || "";
    const last = c.lastSeenAt || c.lastEventAt || c.lastAt || c.since || null;
    const rest = Object.entries(c).filter((e) => !known.includes(e[0])).map((e) => e[0] + ": " + (typeof e[1] === "object" ? JSON.stringify(e[1]) : e[1])).join(", ");
    return '<tr data-silent="' + esc(id) + '">' + td("Connection", idChip(id)) + td("Kind", esc(c.kind || c.channel || "")) + td("Last heard", last ? '<span class="nowrap">' + esc(age(last)) + " ago</span> " + when(last) : "never") + td("Detail", esc(rest)) + "</tr>";
  });
  paint("silent", table("silent", [{ t: "Connection" }, { t: "Kind" }, { t: "Last heard" }, { t: "Detail" }], rows, "Every connection is talking."));
}

function renderExceptions(items) {
  const counts = {};
  for (const e of items) counts[e.kind] = (counts[e.kind] || 0) + 1;
  const kinds = Object.keys(counts).sort((a, b) => counts[b] - counts[a] || (a < b ? -1 : 1));
  if (state.exFilter && !counts[state.exFilter]) state.exFilter = null;
  const buttons = kinds.map((k) => '<button type="button" class="chip" data-kind="' + esc(k) + '" data-key="kind:' + esc(k) + '" aria-pressed="' + (state.exFilter === k) + '">' + esc(k) + " <b>" + num(counts[k]) + "</b></button>").join("");
  const shown = items.filter((e) => !state.exFilter || e.kind === state.exFilter);
  const rows = shown.slice(0, 100).map((e) => {
    const subject = e.orderId ? idChip(e.orderId, orderHref(e.orderId)) : e.connectionId ? "connection " + idChip(e.connectionId) : '<span class="muted">–</span>';
    return '<tr data-exception="' + esc(e.id) + '">' + td("Type", '<span class="nowrap">' + esc(e.kind) + "</span>") + td("Order", subject) + td("Reason", esc(String(e.reason || "").slice(0, 300))) + td("At", when(e.at)) + "</tr>";
  });
  const more = shown.length > rows.length ? '<p class="status">Showing ' + rows.length + " of " + shown.length + ".</p>" : "";
  paint("exceptions", (kinds.length ? '<div class="chips" role="group" aria-label="Filter by type">' + buttons + "</div>" : "") + table("exceptions", [{ t: "Type" }, { t: "Order" }, { t: "Reason" }, { t: "At" }], rows, "No open exceptions.") + more);
}

function renderDeadLetters(items) {
  const ids = new Set(items.map((d) => d.id));
  for (const id of Array.from(state.selected)) if (!ids.has(id)) state.selected.delete(id);
  const rows = items.map((d) => '<tr data-dead-letter="' + esc(d.id) + '">' +
    td("Select", '<input type="checkbox" data-select="' + esc(d.id) + '" data-key="sel:' + esc(d.id) + '" aria-label="Select ' + esc(d.id) + '"' + (state.selected.has(d.id) ? " checked" : "") + ">") +
    td("Id", idChip(d.id)) + td("Kind", '<span class="nowrap">' + esc(d.kind) + "</span>") + td("Order", d.orderId ? idChip(d.orderId, orderHref(d.orderId)) : '<span class="muted">–</span>') +
    td("Reason", esc(String(d.reason || "").slice(0, 300))) + td("Attempts", num(d.attempts), ' class="n"') + td("Created", when(d.createdAt)) +
    td("Replayed", d.replayedAt ? when(d.replayedAt) + (d.replayCount > 1 ? " (" + d.replayCount + "×)" : "") : '<span class="muted">open</span>') +
    td("", '<button type="button" data-replay="' + esc(d.id) + '" data-key="replay:' + esc(d.id) + '">' + (d.replayedAt ? "Replay again" : "Replay") + "</button>") + "</tr>");
  paint("dead-letters", table("dead-letters", [{ t: "" }, { t: "Id" }, { t: "Kind" }, { t: "Order" }, { t: "Reason" }, { t: "Attempts", n: 1 }, { t: "Created" }, { t: "Replayed" }, { t: "" }], rows, state.showReplayed ? "No dead letters." : "No open dead letters."));
  $("dl-all").checked = items.length > 0 && items.every((d) => state.selected.has(d.id));
  $("dl-bulk").disabled = state.selected.size === 0 || state.replaying;
  $("dl-bulk").textContent = "Replay selected" + (state.selected.size ? " (" + state.selected.size + ")" : "");
}

function renderOrder(o) {
  const facts = [["Order", idChip(o.orderId)], ["Channel", esc(o.channel)], ["External id", idChip(o.externalId)], ["Status", '<span class="chip' + (BAD_STATUSES.has(o.status) ? " bad" : "") + '" data-order-status>' + esc(o.status) + "</span>"], ["ERP hand-off", esc(o.dispatchState)], ["ERP order", o.erpOrderId ? idChip(o.erpOrderId) : '<span class="muted">–</span>'], ["Created", when(o.createdAt)], ["Updated", when(o.updatedAt)]];
  if (o.exception) facts.push(["Exception", esc(o.exception.reason + (o.exception.detail ? ": " + o.exception.detail : ""))]);
  const lines = o.lines.map((l) => "<tr>" + td("Line", num(l.lineNo), ' class="n"') + td("SKU", esc(l.sku)) + td("Qty", num(l.quantity), ' class="n"') + td("Reserved", num(l.reserved), ' class="n"') + td("Backordered", num(l.backordered), ' class="n"') + td("Shipped", num(l.shipped), ' class="n"') + "</tr>");
  const timeline = o.timeline.slice().reverse().map((t) => '<li data-timeline="' + esc(t.type) + '"><b>' + esc(t.type) + '</b> <span class="muted">' + esc(t.source) + "</span> " + when(t.at) + (t.detail && Object.keys(t.detail).length ? "<code>" + esc(JSON.stringify(t.detail).slice(0, 600)) + "</code>" : "") + "</li>");
  paint("order-body", '<dl class="facts">' + facts.map((f) => "<dt>" + f[0] + "</dt><dd>" + f[1] + "</dd>").join("") + "</dl>" +
    "<h3>Lines</h3>" + table("lines", [{ t: "Line", n: 1 }, { t: "SKU" }, { t: "Qty", n: 1 }, { t: "Reserved", n: 1 }, { t: "Backordered", n: 1 }, { t: "Shipped", n: 1 }], lines, "No lines.") +
    '<h3>Timeline <span class="muted">(newest first)</span></h3><ol class="timeline">' + timeline.join("") + "</ol>");
}
`;
