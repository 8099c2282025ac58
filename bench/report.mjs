// Rendering a run's results: the console table and the blocks of bench/README.md between the
// `<!-- bench:* -->` markers. Everything here reads only the results object, so BENCH_RENDER_ONLY
// can re-render from bench/results.json without running anything.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./launch.mjs";
import { SWEEP } from "./settings.mjs";
import { renderTargets } from "./targets.mjs";

function fmt(x) {
  return x === null || x === undefined ? "–" : String(x);
}

export function renderTable(r) {
  const head = ["scenario", "conc", "req/s", "p50 ms", "p99 ms", "max ms", "non2xx/err", "vs bare (req/s, p99)", "workerd CPU ms/req", "workerd peak RSS"];
  const rows = r.scenarios.map((s) =>
    s.skipped
      ? [s.name, "", "skipped", "", "", "", "", s.skipped, "", ""]
      : [
          s.name,
          fmt(s.connections) + (s.offeredRate ? ` @${s.offeredRate}/s` : ""),
          fmt(s.rps),
          fmt(s.p50),
          fmt(s.p99),
          fmt(s.max),
          `${s.non2xx}/${s.errors + s.timeouts}`,
          s.offeredRate ? `paced; p99 ${s.p99Ratio}×` : s.rpsRatio !== undefined ? `${(s.rpsRatio * 100).toFixed(0)}%, ${s.p99Ratio}×` : s.target === "bare" ? "reference" : "–",
          fmt(s.cpuMsPerRequest),
          `${s.peakRssMB} MB`,
        ],
  );
  const extra = [];
  for (const s of r.scenarios) {
    if (s.skipped) continue;
    if (s.name.startsWith("hot SKU")) extra.push(`hot SKU: ${s.reservedFromAnswers}/${s.stockUnits} units reserved at ${s.reservationsPerSecond} reservations/s, ${s.refusedForStock} refused for stock, oversold ${s.oversold} (D1 reserved ${s.reservedInD1}, DO available after ${s.availableAfter})`);
    if (s.name.startsWith("duplicate storm")) extra.push(`duplicate storm: ${s.answers.accepted} accepted / ${s.answers.duplicate} duplicate / ${s.answers.other} other answers; ERP bookings for the order: ${s.erpBookings} (second bookings ${s.secondBookings})`);
    if (s.name.startsWith("end to end")) extra.push(`end to end, ERP at ${s.erpLatencyMs} ms (${s.offeredRate} orders/s offered): ack p99 ${s.ackP99} ms; order → ERP booked p50 ${s.e2eP50} ms, p99 ${s.e2eP99} ms (${s.booked}/${s.accepted} booked)`);
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells) => cells.map((c, i) => String(c).padEnd(widths[i])).join("  ");
  const text = [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line), "", ...extra].join("\n");
  const md = [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((row) => `| ${row.join(" | ")} |`), "", ...extra.map((e) => `- ${e}`)].join("\n");
  return { text, markdown: md };
}

function renderSweep(r) {
  if (!r.sweep) return "";
  const rows = [];
  for (const [i, c] of SWEEP.entries()) {
    const a = r.sweep.availability[i];
    const g = r.sweep.bareGet[i];
    const w = r.sweep.ingest[i];
    const b = r.sweep.bareBody[i];
    rows.push(`| ${c} | ${g?.rps ?? "–"} | ${a ? `${a.rps} (${(a.rpsRatio * 100).toFixed(0)}%)` : "–"} | ${a ? `${a.p50} / ${a.p99}` : "–"} | ${b?.rps ?? "–"} | ${w ? `${w.rps} (${(w.rpsRatio * 100).toFixed(0)}%)` : "–"} | ${w ? `${w.p50} / ${w.p99}` : "–"} |`);
  }
  return [
    "| concurrency | bare no-body req/s | availability req/s (vs bare) | availability p50 / p99 ms | bare body req/s | ingest req/s (vs bare) | ingest p50 / p99 ms |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function replaceBlock(text, name, content) {
  const start = `<!-- bench:${name}:start -->`;
  const end = `<!-- bench:${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < 0) return text;
  return text.slice(0, i) + start + "\n" + content + "\n" + text.slice(j);
}

const r2 = (x) => Number(Number(x).toFixed(2));

function renderCost(c) {
  if (!c || c.error) return `Cost model: ${c?.error ?? "not run"}.`;
  const rows = c.lines.map((l) => `| ${l.item} | ${Number(l.units.toFixed(3))} | $${l.price} | $${l.usdPerMillionOrders.toFixed(2)} | ${l.how} |`);
  const stmts = Object.entries(c.units.rowsWrittenByStatement ?? {})
    .slice(0, 10)
    .map(([k, v]) => `| \`${k}\` | ${r2(v.rowsWritten)} | ${v.statements === null || v.statements === undefined ? "–" : r2(v.statements)} |`);
  const d1 = Object.entries(c.units.d1StatementsByQuery ?? {}).map(([k, v]) => `\`${k}\` ${r2(v)}`);
  const reads = Object.entries(c.perRead ?? {}).map(([k, v]) => `| ${k} | ${v.workerRequests} | ${v.doRequests} | ${v.d1Queries} (${v.d1RowsRead} rows) | ${v.kvReads} | $${v.usdPerMillionReads} |`);
  return [
    `Flow: ${c.flow}.${c.shipment === "recorded" ? "" : ` Note: ${c.shipment}.`}`,
    "",
    "| unit | per order | price per M | $ per 1M orders | how |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    `| **total** | | | **$${c.usdPerMillionOrders}** | marginal list price beyond included usage, plus the $5/month plan |`,
    "",
    c.pendingAlarmsAfterWindow?.length ? `Still scheduled when the window closed: ${c.pendingAlarmsAfterWindow.map((a) => `${a.cls} alarm in ${Math.round(a.inSeconds / 3600)} h`).join(", ")} — ≈ $${c.estimatedPendingCost} per 1M orders more (estimated: 1 DO request each, plus their deletes).` : "",
    "",
    `DO requests per order by method: ${Object.entries(c.units.doRequestsByMethod).map(([k, v]) => `${k} ${r2(v)}`).join(", ")} (${r2(c.units.alarms)} alarm runs among them, by class as Class.alarm). DO SQLite rows written by class: ${Object.entries(c.units.doRowsWrittenByClass ?? {}).map(([k, v]) => `${k} ${r2(v)}`).join(", ")}. D1 net new rows (outside-in cross-check, a lower bound on rows written): ${Object.entries(c.d1RowCountDelta).map(([k, v]) => `${k} +${r2(v)}`).join(", ")}.`,
    "",
    d1.length ? `D1 statements per order (${r2(c.units.d1Queries)}), by statement: ${d1.join(", ")}.` : "",
    "",
    "Rows written per order, by statement (top 10):",
    "",
    "| statement | rows written | statements |",
    "| --- | --- | --- |",
    ...stmts,
    "",
    "Reads, per request (excluding CPU):",
    "",
    "| read | Worker requests | DO requests | D1 queries | KV reads | $ per 1M reads |",
    "| --- | --- | --- | --- | --- | --- |",
    ...reads,
  ].join("\n");
}

const OP_LABELS = {
  do_call: "a Durable Object call (small argument, no storage)",
  do_write: "a Durable Object call that writes one SQLite row",
  d1_statement: "a D1 statement on its own",
  d1_batch3: "a D1 batch of 3 small statements",
  d1_order_projection: "a D1 batch: one order's projection (its ~3 KB row and its lines)",
  d1_projection_x10: "a D1 batch: ten orders' projections (group commit)",
  d1_read: "a D1 read by primary key",
  kv_get: "a KV read",
  kv_get50: "a KV bulk read of 50 keys (one call, JSON)",
  kv_put: "a KV write",
  queue_send: "a queue message (send, delivery, ack)",
  fetch: "an outbound fetch (to a local HTTP server)",
  log_line: "a JSON log line",
};

function renderOps(r) {
  const p = r.opPrices;
  if (!p?.ops) return `Local price list: ${p?.error ?? "not run"}.`;
  const f = r.ioFloor;
  return [
    `| operation (local, this machine${p.date ? `, ${p.date.slice(0, 16).replace("T", " ")} UTC` : ""}) | runtime CPU ms per operation |`,
    `| --- | --- |`,
    ...Object.entries(p.ops).map(([k, v]) => `| ${OP_LABELS[k] ?? k} | ${v.cpuMsPerOp} |`),
    `| an HTTP request, one at a time | ${p.requestCpuMs} |`,
    "",
    f
      ? `**I/O floor per order: ${f.msPerOrder} ms** of runtime CPU for the cost model's operations per order (webhook, reservation, booking, one shipment) at these prices, about ${f.withoutShipmentMsPerOrder ?? "?"} ms without the shipment's (${Object.entries(f.parts)
          .map(([k, v]) => `${k} ${v}`)
          .join("; ")}), against ${r.cpuMsPerOrder ?? "?"} ms measured per order under load in the ingest scenario (no shipment). The price list varies ±30% between runs on this machine.`
      : "",
  ].join("\n");
}

function renderProfile(c) {
  if (!c?.profile?.length) return "(no profile in the latest run)";
  const keys = Object.keys(c.profile[0].msPerOrder);
  return [
    `| ms per order | ${c.profile.map((p) => `${p.label}: ${p.ordersPerSecond} orders/s`).join(" | ")} |`,
    `| --- | ${c.profile.map(() => "---").join(" | ")} |`,
    ...keys.map((k) => `| ${k.replace(/^ +/, "↳ ")}${k.includes("statements") ? " (a count, not ms)" : ""} | ${c.profile.map((p) => p.msPerOrder[k]).join(" | ")} |`),
    `| D1 statements / DO requests per order | ${c.profile.map((p) => `${p.d1QueriesPerOrder} / ${p.doRequestsPerOrder}`).join(" | ")} |`,
  ].join("\n");
}

export function updateReadme(r, tableMd) {
  const file = join(ROOT, "bench", "README.md");
  if (!existsSync(file)) return;
  let text = readFileSync(file, "utf8");
  const m = r.machine;
  const cost = r.cost && !r.cost.error ? `**Cost per million orders: $${r.cost.usdPerMillionOrders}** at list price (marginal, beyond included usage; breakdown in *Cost per million orders* below).` : `Cost model: ${r.cost?.error ?? "not run"}.`;
  const block = [
    `Run ${r.date} on ${m.cpuModel}, ${m.cores} cores, ${m.memoryGiB} GiB (load average at start ${m.loadavgAtStart.join(" / ")}); Node ${r.versions.node}, wrangler ${r.versions.wrangler}, workerd ${r.versions.workerd}, autocannon ${r.versions.autocannon}; compatibility date ${r.compatibilityDate}; code ${r.code?.commit?.slice(0, 10)} + ${r.code?.uncommittedFiles} uncommitted files; local state on ${r.state ?? "disk (the default temp dir)"}; ${r.settings.durationS} s per scenario, ${r.settings.connections} connections (duplicate storm ${r.settings.dupConnections}); total ${r.totalSeconds} s. Peak workerd RSS: system ${r.peakRssMB.system} MB, bare ${r.peakRssMB.bare} MB (each \`wrangler dev\` runs two workerd processes: the dev proxy and the Workers).`,
    "",
    tableMd,
    "",
    renderTargets(r.targets)
      .split("\n")
      .slice(1)
      .map((l) => `- ${l.trim()}`)
      .join("\n"),
    "",
    r.cpuMsPerOrder ? `Worker CPU per order, measured: ${r.cpuMsPerOrder} ms (${r.cpuMsPerOrderNote}).` : "",
    "",
    cost,
    "",
    r.sweep ? `Concurrency sweep (${r.settings.sweepDurationS} s per level):\n\n${renderSweep(r)}` : "",
  ].join("\n");
  text = replaceBlock(text, "results", block);
  text = replaceBlock(text, "profile", renderProfile(r.cost));
  text = replaceBlock(text, "cost", renderCost(r.cost));
  text = replaceBlock(text, "ops", renderOps(r));
  writeFileSync(file, text);
}
