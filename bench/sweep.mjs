// The concurrency sweep: availability and webhook ingest at each level of SWEEP, each level beside
// the bare reference at the same concurrency, so the ratio shows how the gap moves with load.
import { drain, log } from "./lib.mjs";
import { AVAIL_CHANNEL, SWEEP, SWEEP_DUR } from "./settings.mjs";

/** The last argument is what runScenarios returns: the sweep runs on the same system, after the scenarios. */
export async function runSweep(sys, bare, results, { run, ingestReq, availSkip, authz, webhookBody }) {
  const u = sys.url;
  results.sweep = { availability: [], ingest: [], bareGet: [], bareBody: [] };
  for (const c of SWEEP) {
    const b = await run(`sweep bare no body c=${c}`, "bare", { url: `${bare.url}/`, connections: c, duration: SWEEP_DUR });
    results.sweep.bareGet.push(b);
    if (!availSkip) {
      const a = await run(`sweep availability c=${c}`, "system", { url: `${u}/v1/availability/AV-ONE?channel=${AVAIL_CHANNEL}`, headers: authz, connections: c, duration: SWEEP_DUR });
      results.sweep.availability.push({ ...a, rpsRatio: Number((a.rps / b.rps).toFixed(3)) });
      log(`sweep availability c=${c}: ${a.rps} req/s (bare ${b.rps}), p50 ${a.p50} ms, p99 ${a.p99} ms`);
    }
  }
  for (const c of SWEEP) {
    const b = await run(`sweep bare body c=${c}`, "bare", { url: `${bare.url}/body`, method: "POST", body: webhookBody, headers: { "content-type": "application/json" }, connections: c, duration: SWEEP_DUR });
    results.sweep.bareBody.push(b);
    const seen = { accepted: 0, other: 0 };
    const bookedBefore = sys.erp.state.bookings.size;
    const i = await run(`sweep ingest c=${c}`, "system", { url: `${u}/v1/webhooks/bench-shopify`, connections: c, duration: SWEEP_DUR, requests: [ingestReq(seen)] });
    results.sweep.ingest.push({ ...i, accepted: seen.accepted, rpsRatio: Number((i.rps / b.rps).toFixed(3)) });
    log(`sweep ingest c=${c}: ${i.rps} req/s (bare ${b.rps}), p50 ${i.p50} ms, p99 ${i.p99} ms, accepted ${seen.accepted}`);
    // Let the dispatch backlog clear so the next level is not measured against it.
    if (c !== SWEEP.at(-1)) await drain(sys, bookedBefore + seen.accepted, null, 30_000);
  }
}
