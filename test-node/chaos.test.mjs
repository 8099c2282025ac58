// The short variant of `npm run chaos` (scripts/chaos/run.mjs): the system as `npm run dev` runs
// it, under mixed load, killed with SIGKILL and restarted three times, its ERP down, throttling,
// slow and timing out, its subscriber down and slow. Nothing acknowledged may be lost or booked
// twice, no reservation may leak, every subscriber event must arrive, in order per order.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runChaos } from "../scripts/chaos/run.mjs";

test("chaos (short): nothing lost, nothing booked twice, no reservation leaked, every event delivered in order", { timeout: 900_000 }, async () => {
  const lines = [];
  const r = await runChaos({ short: true, log: (l) => lines.push(l) });
  const summary = `${lines.join("\n")}\n${JSON.stringify(r.counts)}\n${r.problems.slice(0, 20).join("\n")}`;
  assert.ok(r.restarts >= 3, summary);
  assert.ok(r.counts.acknowledged > 50, `enough load went through: ${summary}`);
  assert.equal(r.counts.lost, 0, summary);
  assert.equal(r.counts.doubleBooked, 0, summary);
  assert.equal(r.counts.leakedUnits, 0, summary);
  assert.equal(r.counts.missingEvents, 0, summary);
  assert.equal(r.counts.outOfOrder, 0, summary);
});
