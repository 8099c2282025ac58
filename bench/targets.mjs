// The targets the benchmark is held to, judged from a finished run's results (so they can be
// re-judged from bench/results.json alone), and their one-line-each rendering.
import { DUP_C } from "./settings.mjs";

const byName = (r, prefix) => r.scenarios.find((s) => s.name.startsWith(prefix) && !s.skipped);

export function evaluateTargets(r) {
  const t = [];
  const add = (target, measured, met, note = "") => t.push({ target, measured, met, note });
  const ing = byName(r, "webhook ingest");
  const bb = r.scenarios.find((s) => s.name.startsWith("bare:") && s.name.includes(" B body"));
  if (ing && bb) {
    add("webhook ingest ≥ 50% of same-size-body bare throughput", `${(ing.rpsRatio * 100).toFixed(1)}% (${ing.rps} vs ${bb.rps} req/s)`, ing.rpsRatio >= 0.5, ing.rpsRatio >= 0.5 ? "" : `short by ${((0.5 - ing.rpsRatio) * 100).toFixed(1)} points (needs ${(0.5 * bb.rps).toFixed(0)} req/s, ${((0.5 * bb.rps) / ing.rps).toFixed(1)}× today)`);
    add("webhook ack p99 ≤ 2× bare p99", `${ing.p99} ms vs ${bb.p99} ms (${ing.p99Ratio}×)`, ing.p99Ratio <= 2, ing.p99Ratio <= 2 ? "" : `${(ing.p99Ratio / 2).toFixed(1)}× over the allowance`);
  }
  const a1 = byName(r, "availability: single");
  if (a1) add("availability single SKU ≥ 85% of bare", `${(a1.rpsRatio * 100).toFixed(1)}% (${a1.rps} req/s)`, a1.rpsRatio >= 0.85, a1.rpsRatio >= 0.85 ? "" : `short by ${((0.85 - a1.rpsRatio) * 100).toFixed(1)} points`);
  else add("availability single SKU ≥ 85% of bare", "skipped", null, r.scenarios.find((s) => s.name.startsWith("availability: single"))?.skipped ?? "");
  const a50 = byName(r, "availability: batch");
  if (a50) add("availability batch-50 ≥ 40% of bare", `${(a50.rpsRatio * 100).toFixed(1)}% (${a50.rps} req/s)`, a50.rpsRatio >= 0.4, a50.rpsRatio >= 0.4 ? "" : `short by ${((0.4 - a50.rpsRatio) * 100).toFixed(1)} points`);
  else add("availability batch-50 ≥ 40% of bare", "skipped", null, r.scenarios.find((s) => s.name.startsWith("availability: batch"))?.skipped ?? "");
  const e0 = byName(r, "end to end: ERP at 0");
  const e2 = byName(r, "end to end: ERP at 2000");
  if (e0 && e2) {
    const ratio = e2.ackP99 / e0.ackP99;
    add("ack p99 with ERP at 2 s within 10% of ERP at 0 ms", `${e2.ackP99} ms vs ${e0.ackP99} ms (${((ratio - 1) * 100).toFixed(1)}%)`, ratio <= 1.1, ratio <= 1.1 ? "" : `${((ratio - 1.1) * 100).toFixed(1)} points over`);
  }
  const hot = byName(r, "hot SKU");
  if (hot) {
    add("hot SKU ≥ 300 reservations/s", `${hot.reservationsPerSecond} reservations/s`, (hot.reservationsPerSecond ?? 0) >= 300, (hot.reservationsPerSecond ?? 0) >= 300 ? "" : `short by ${(300 - (hot.reservationsPerSecond ?? 0)).toFixed(0)}/s (${((300 / (hot.reservationsPerSecond || 1)) || 0).toFixed(1)}× needed)`);
    add("hot SKU: zero oversell", `${hot.oversold} oversold (${hot.reservedFromAnswers} reserved of ${hot.stockUnits}; D1 ${hot.reservedInD1}; available after ${hot.availableAfter})`, hot.oversold === 0);
  } else add("hot SKU ≥ 300 reservations/s, zero oversell", "skipped", null, r.scenarios.find((s) => s.name.startsWith("hot SKU"))?.skipped ?? "");
  const dup = byName(r, "duplicate storm");
  if (dup) {
    add("duplicate storm: zero second bookings", `${dup.secondBookings} second bookings (${dup.answers.accepted} accepted, ${dup.answers.duplicate} duplicate answers; ${dup.erpPostsForOrder} ERP POSTs)`, dup.secondBookings === 0 && dup.answers.accepted <= 1);
    const ing64 = r.sweep?.ingest?.find((x) => x.connections === DUP_C);
    const ref = ing64 ?? ing;
    if (ref) add(`duplicate storm throughput ≥ unique ingest`, `${dup.rps} vs ${ref.rps} req/s (unique ingest at c=${ref.connections})`, dup.rps >= ref.rps, dup.rps >= ref.rps ? "" : `${((1 - dup.rps / ref.rps) * 100).toFixed(1)}% lower`);
  }
  return t;
}

export function renderTargets(targets) {
  return ["Targets:", ...targets.map((t) => `  ${t.met === null ? "SKIP" : t.met ? "MET " : "MISS"}  ${t.target}: ${t.measured}${t.note ? ` — ${t.note}` : ""}`)].join("\n");
}
