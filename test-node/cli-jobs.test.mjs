// The CLI's bulk jobs against the real system (test-node/cli-harness.mjs, as test-node/cli.test.mjs): a snapshot
// file streamed (gzipped on the way), followed to its report, sent again (all stale); master data
// imported; jobs show; failures in one line.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { api, dir, eventually, fails, json, ok, startCliSystem, stopCliSystem } from "./cli-harness.mjs";

before(startCliSystem, { timeout: 180_000 });
after(stopCliSystem);

describe("switchyard snapshots, master import and jobs", { timeout: 240_000 }, () => {
  test("imports a snapshot file with --gzip, reports rejected lines, and a second send applies nothing", async () => {
    const asOf = new Date(Date.now() - 60_000).toISOString();
    const lines = [];
    for (let i = 0; i < 40; i++) for (const location of ["DC1", "DC2"]) lines.push(JSON.stringify({ sku: `CLI-SNAP-${i}`, location, asOf, quantities: { onHand: 5 + i } }));
    lines.splice(3, 0, "not json");
    const file = path.join(dir, "snap.ndjson");
    writeFileSync(file, lines.join("\n") + "\n");
    const report = await json(["snapshots", "import", file, "--gzip"]);
    assert.equal(report.state, "done");
    assert.equal(report.rows, 81);
    assert.equal(report.applied, 80);
    assert.deepEqual(report.rejected, [{ line: 4, reason: "invalid JSON" }]);
    const table = await ok(["snapshots", "import", file]);
    assert.match(table.stdout, /applied\s+0/);
    assert.match(table.stdout, /stale\s+80/);
    assert.match(table.stdout, /4\s+invalid JSON/);
    const shown = await json(["jobs", "show", report.jobId]);
    assert.equal(shown.applied, 80);
    const a = await api("GET", "/v1/inventory/CLI-SNAP-7");
    assert.equal(a.status, 200);
    assert.equal(a.body.locations.length, 2);
  });

  test("imports products, and a job followed with --no-wait then jobs show --watch", async () => {
    const file = path.join(dir, "products.ndjson");
    writeFileSync(file, [JSON.stringify({ sku: "CLI-P-1", status: "active", units: [{ code: "case", each: 12 }], version: 1 }), JSON.stringify({ sku: "CLI-P-2", status: "blocked", version: 1 })].join("\n"));
    const started = await json(["master", "import", "products", file, "--no-wait"]);
    assert.match(started.jobId, /^job_[0-9a-f]{32}$/);
    const done = await json(["jobs", "show", started.jobId, "--watch"]);
    assert.equal(done.applied, 2);
    const p = await api("GET", "/v1/master/products/CLI-P-2");
    assert.equal(p.body.status, "blocked");
  });

  test("failures exit non-zero with one line", async () => {
    await fails(["snapshots", "import", path.join(dir, "missing.ndjson")], /no such file/);
    await fails(["master", "import", "things", path.join(dir, "products.ndjson")], /kind must be products or customers/);
    await fails(["jobs", "show", "job_nope"], /Not found/);
  });
});
