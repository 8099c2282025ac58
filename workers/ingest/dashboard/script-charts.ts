/**
 * The page script's charts of the last hour (browser JavaScript, as text). The series is kept in
 * the page: every poll (5 s) appends one sample of the summary to a ring buffer of one hour,
 * saved in sessionStorage so a reload of the tab keeps its trend. No server-side series is read.
 * Each chart is inline SVG (no library), on a time axis that ends now.
 */
export const chartsScript = String.raw`
const HOUR = 3600 * 1000;
const SERIES_KEY = "switchyard.ops.series";
const SERIES_MAX = 800; // an hour at 5 s is 720 samples; the rest is slack for faster reloads

function loadSeries() {
  try {
    const saved = JSON.parse(sessionStorage.getItem(SERIES_KEY) || "[]");
    return Array.isArray(saved) ? saved.filter((p) => p && typeof p.t === "number" && p.t > Date.now() - HOUR) : [];
  } catch (e) {
    return [];
  }
}

/** Appends one sample of the summary, drops what is older than an hour, saves the ring. */
function record(s, pub) {
  const now = Date.now();
  state.series.push({
    t: now,
    orders: s.orders.total,
    awaiting: awaitingErp(s),
    exceptions: s.exceptions.open,
    dead: s.deadLetters.open,
    lag: s.availabilitySyncLagMs ? s.availabilitySyncLagMs.max : null,
    pending: pub && pub.totals ? pub.totals.pending : null,
  });
  while (state.series.length && (state.series[0].t < now - HOUR || state.series.length > SERIES_MAX)) state.series.shift();
  try { sessionStorage.setItem(SERIES_KEY, JSON.stringify(state.series)); } catch (e) { /* full or private mode: the ring lives in memory only */ }
}

// The drawing scales as a whole (no stretching), so strokes and the last-value dot stay round.
const W = 300;
const H = 80;

function chart(key, title, fmt) {
  const now = Date.now();
  const pts = state.series.filter((p) => typeof p[key] === "number" && p.t >= now - HOUR);
  const last = pts.length ? pts[pts.length - 1][key] : null;
  const values = pts.map((p) => p[key]);
  const lo = Math.min(0, ...values);
  // Headroom above the highest value, so a flat line does not hide in the top edge.
  const hi = Math.max(1, Math.ceil(Math.max(0, ...values) * 1.15));
  // The axis ends now and starts at the first sample this tab kept (an hour back at most, a
  // minute at least), so a fresh tab's first minutes are readable rather than a dot at the edge.
  const start = pts.length ? Math.max(now - HOUR, Math.min(pts[0].t, now - 60 * 1000)) : now - HOUR;
  const x = (t) => (((t - start) / (now - start)) * W).toFixed(1);
  const y = (v) => (H - 4 - ((v - lo) / (hi - lo)) * (H - 8)).toFixed(1);
  const line = pts.map((p) => x(p.t) + "," + y(p[key])).join(" ");
  const label = title + " since " + CLOCK_S.format(new Date(start)) + ": " + (pts.length ? "from " + fmt(values[0]) + " to " + fmt(last) + ", highest " + fmt(Math.max(...values)) : "no samples yet");
  return '<figure class="chart" data-chart="' + key + '"><figcaption><span>' + esc(title) + "</span><b>" + esc(last === null ? "–" : fmt(last)) + "</b></figcaption>" +
    '<svg viewBox="0 0 ' + W + " " + H + '" role="img" aria-label="' + esc(label) + '">' +
    '<line x1="0" y1="' + y(hi) + '" x2="' + W + '" y2="' + y(hi) + '"></line><line x1="0" y1="' + y(lo) + '" x2="' + W + '" y2="' + y(lo) + '"></line>' +
    (pts.length ? '<polyline points="' + line + '"></polyline><circle r="3" cx="' + x(pts[pts.length - 1].t) + '" cy="' + y(last) + '"></circle>' : "") + "</svg>" +
    '<div class="axis"><span>' + esc(CLOCK_S.format(new Date(start))) + "</span><span>max " + esc(fmt(hi)) + "</span><span>now</span></div></figure>";
}

function renderCharts() {
  const charts = [
    chart("orders", "Orders (total)", num),
    chart("awaiting", "Awaiting the ERP", num),
    chart("exceptions", "Open exceptions", num),
    chart("dead", "Open dead letters", num),
    chart("lag", "Stock sync lag, max", ms),
  ];
  if (state.series.some((p) => typeof p.pending === "number")) charts.push(chart("pending", "Publishing pending", num));
  paint("charts", charts.join(""));
  const first = state.series[0];
  $("charts-note").textContent = first ? "Sampled every 5 s by this tab since " + CLOCK_S.format(new Date(first.t)) + " (" + state.series.length + " samples)." : "";
}
`;
