/**
 * The page script's loop and controls (browser JavaScript, as text): the token (kept in
 * sessionStorage), the 5 s refresh, what a refused token shows, the order view (#order=<id>),
 * and replaying dead letters one at a time or in bulk (ops:write, or the admin token).
 */
export const mainScript = String.raw`
const TOKEN_KEY = "t";
const POLL_MS = 5000;
const state = { token: "", admin: null, series: loadSeries(), selected: new Set(), exFilter: null, exceptions: [], showReplayed: false, replaying: false, busy: false, again: false, lastOk: 0, locked: false };

function setStatus(kind, text) {
  $("live").className = "live" + (kind ? " " + kind : "");
  $("status-text").textContent = text;
}

/** A refused token: say so in the page, show no figures, stop asking until a new one is given. */
function refuse(r) {
  state.locked = true;
  show("main", false);
  setStatus("", "Not loaded");
  const text = r.status === 403
    ? "This key may not read the dashboard (" + why(r) + "). Use an API key with the ops:read scope, or the admin token."
    : "The token was refused (" + why(r) + "). Paste an API key with the ops:read scope, or the admin token.";
  say("auth-msg", "bad", text);
}

async function refresh() {
  if (!state.token || state.locked) return;
  // One refresh at a time; a control that asks meanwhile gets one more right after.
  if (state.busy) { state.again = true; return; }
  state.busy = true;
  try {
    const s = await api("/v1/ops/summary");
    if (s.status === 401 || s.status === 403) return refuse(s);
    if (!s.ok) {
      say("auth-msg", "warn", "The summary could not be read (" + why(s) + "); the figures below are from " + (state.lastOk ? CLOCK_S.format(new Date(state.lastOk)) : "no earlier load") + ". Retrying every 5 s.");
      setStatus("stale", "Stale");
      return;
    }
    if (state.admin === null) state.admin = (await api("/v1/admin/erp-connections")).status === 200;
    const [backlog, exceptions, dead, pub, erp] = await Promise.all([
      api("/v1/ops/backlog"),
      api("/v1/ops/exceptions?limit=500"),
      api("/v1/ops/dead-letters?limit=200&state=" + (state.showReplayed ? "all" : "open")),
      api("/v1/ops/publishing?limit=0"),
      state.admin ? api("/v1/admin/erp-connections") : Promise.resolve(null),
    ]);
    say("auth-msg", "", "");
    show("main", true);
    renderKpis(s.body);
    if (backlog.ok) renderBacklog(backlog.body); else paint("backlog", '<p class="msg warn">Backlog unavailable: ' + esc(why(backlog)) + "</p>");
    renderErp(s.body, erp && erp.ok ? erp.body.items : null);
    // Publishing is a separate deployment step: a 404 means this Worker does not serve it.
    show("card-publishing", pub.status !== 404);
    if (pub.ok) renderPublishing(pub.body); else if (pub.status !== 404) paint("publishing", '<p class="msg warn">Publishing unavailable: ' + esc(why(pub)) + "</p>");
    show("card-silent", Array.isArray(s.body.silentConnections));
    if (Array.isArray(s.body.silentConnections)) renderSilent(s.body.silentConnections);
    if (exceptions.ok) renderExceptions((state.exceptions = exceptions.body.items)); else paint("exceptions", '<p class="msg warn">Exceptions unavailable: ' + esc(why(exceptions)) + "</p>");
    if (dead.ok) renderDeadLetters(dead.body.items); else paint("dead-letters", '<p class="msg warn">Dead letters unavailable: ' + esc(why(dead)) + "</p>");
    record(s.body, pub.ok ? pub.body : null);
    renderCharts();
    if (currentOrder()) await loadOrder(currentOrder(), false);
    state.lastOk = Date.now();
    setStatus("on", "Updated " + CLOCK_S.format(new Date(state.lastOk)) + (state.admin ? " · admin" : ""));
  } finally {
    state.busy = false;
    if (state.again) { state.again = false; refresh(); }
  }
}

function useToken(token) {
  state.token = token;
  state.admin = null;
  state.locked = false;
  painted.clear();
  if (token) sessionStorage.setItem(TOKEN_KEY, token); else sessionStorage.removeItem(TOKEN_KEY);
  if (!token) {
    show("main", false);
    setStatus("", "Not loaded");
    say("auth-msg", "", "Paste a token and press Load.");
    return;
  }
  refresh();
}

const currentOrder = () => {
  const m = /^#order=(.+)$/.exec(location.hash);
  return m ? decodeURIComponent(m[1]) : null;
};

async function loadOrder(id, focus) {
  show("order-view", true);
  $("order-title").textContent = "Order";
  const r = await api("/v1/orders/" + encodeURIComponent(id));
  if (currentOrder() !== id) return;
  if (r.status === 403) paint("order-body", '<p class="msg bad">This key lacks the orders:read scope: the order view needs a key with orders:read, or the admin token.</p>');
  else if (r.status === 404) paint("order-body", '<p class="msg warn">No order ' + esc(id) + ".</p>");
  else if (!r.ok) paint("order-body", '<p class="msg warn">The order could not be read (' + esc(why(r)) + ").</p>");
  else {
    $("order-title").textContent = "Order " + r.body.channel + " / " + r.body.externalId;
    renderOrder(r.body);
  }
  if (focus) {
    $("order-title").focus();
    $("order-view").scrollIntoView({ block: "start" });
  }
}

function onHash() {
  const id = currentOrder();
  if (!id) {
    show("order-view", false);
    painted.delete("order-body");
    return;
  }
  if (state.token && !state.locked) loadOrder(id, true);
}

/** Replays dead letters one after the other; stops at a refused key, reports every outcome. */
async function replay(ids) {
  if (!ids.length || state.replaying) return;
  state.replaying = true;
  $("dl-bulk").disabled = true;
  say("dl-msg", "", "Replaying " + ids.length + "…");
  const done = [];
  const failed = [];
  for (const id of ids) {
    const r = await api("/v1/ops/dead-letters/" + encodeURIComponent(id) + "/replay", { method: "POST" });
    if (r.status === 403) {
      say("dl-msg", "bad", "Not replayed: this key lacks the ops:write scope (" + why(r) + "). Replaying needs a key with ops:write, or the admin token.");
      state.replaying = false;
      return refresh();
    }
    if (r.status === 401) {
      state.replaying = false;
      return refuse(r);
    }
    if (r.ok) { done.push(id); state.selected.delete(id); } else failed.push(id + ": " + why(r));
  }
  say("dl-msg", failed.length ? "warn" : "ok", (done.length ? "Queued again: " + done.join(", ") + "." : "") + (failed.length ? " Not replayed: " + failed.join("; ") + "." : ""));
  state.replaying = false;
  await refresh();
}

async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
    button.title = "Copied";
  } catch (e) {
    // No clipboard (an insecure origin): select the text so the reader can copy it.
    const span = button.parentElement.querySelector(".ell");
    if (span) window.getSelection().selectAllChildren(span);
    button.title = "Selected: copy it with your keyboard";
  }
}

$("auth").addEventListener("submit", (e) => { e.preventDefault(); useToken($("t").value.trim()); });
$("forget").addEventListener("click", () => { $("t").value = ""; useToken(""); });
$("order-close").addEventListener("click", () => { history.pushState(null, "", location.pathname); onHash(); });
window.addEventListener("hashchange", onHash);
document.addEventListener("click", (e) => {
  const t = e.target.closest ? e.target.closest("button") : null;
  if (!t) return;
  if (t.dataset.copy) copy(t.dataset.copy, t);
  else if (t.dataset.replay) replay([t.dataset.replay]);
  else if (t.dataset.kind) { state.exFilter = state.exFilter === t.dataset.kind ? null : t.dataset.kind; renderExceptions(state.exceptions); }
});
$("dead-letters").addEventListener("change", (e) => {
  const id = e.target.dataset.select;
  if (!id) return;
  if (e.target.checked) state.selected.add(id); else state.selected.delete(id);
  $("dl-bulk").disabled = state.selected.size === 0;
  $("dl-bulk").textContent = "Replay selected" + (state.selected.size ? " (" + state.selected.size + ")" : "");
});
$("dl-all").addEventListener("change", (e) => {
  const boxes = Array.from($("dead-letters").querySelectorAll("input[data-select]"));
  for (const b of boxes) { b.checked = e.target.checked; if (b.checked) state.selected.add(b.dataset.select); else state.selected.delete(b.dataset.select); }
  $("dl-bulk").disabled = state.selected.size === 0;
  $("dl-bulk").textContent = "Replay selected" + (state.selected.size ? " (" + state.selected.size + ")" : "");
});
$("dl-bulk").addEventListener("click", () => replay(Array.from(state.selected)));
$("dl-replayed").addEventListener("change", (e) => { state.showReplayed = e.target.checked; refresh(); });

$("t").value = sessionStorage.getItem(TOKEN_KEY) || "";
useToken($("t").value);
onHash();
setInterval(refresh, POLL_MS);
`;
