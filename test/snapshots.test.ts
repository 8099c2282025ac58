// Bulk snapshots and bulk master data as NDJSON jobs, through HTTP: streamed in, fanned out to
// each SKU's object through the imports queue, progress and a final report with line-numbered
// rejections, gzip, and a re-sent file that applies nothing twice.
import { describe, expect, it, vi, beforeAll } from "vitest";
import { call, createKey, uid } from "./helpers";

let key: string;
beforeAll(async () => {
  key = await createKey(["inventory:write", "availability:read", "master:write", "orders:read"]);
});

type Report = { jobId: string; kind: string; state: string; rows: number; applied: number; stale: number; rejected: { line: number; reason: string }[]; rejectedCount: number; chunks: { sent: number; done: number } };
const send = (path: string, body: BodyInit, headers: Record<string, string> = {}, k = key) =>
  call(path, { method: "POST", headers: { authorization: `Bearer ${k}`, "content-type": "application/x-ndjson", ...headers }, body });
const job = async (id: string) => (await (await call(`/v1/jobs/${id}`, { headers: { authorization: `Bearer ${key}` } })).json()) as Report;
const finished = (id: string) =>
  vi.waitFor(
    async () => {
      const r = await job(id);
      if (r.state === "running") throw new Error(`job ${id}: ${r.chunks.done}/${r.chunks.sent} chunks`);
      return r;
    },
    { timeout: 90_000, interval: 200 },
  );
const available = async (sku: string) => ((await (await call(`/v1/availability/${sku}?channel=web`, { headers: { authorization: `Bearer ${key}` } })).json()) as { available: number }).available;
const gzip = async (text: string) => new Uint8Array(await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer());

function file(skus: string[], asOf: string, onHand: (i: number) => number) {
  const lines: string[] = [];
  skus.forEach((sku, i) => {
    for (const location of ["DC1", "DC2", "DC3", "DC4"]) lines.push(JSON.stringify({ sku, location, asOf, quantities: { onHand: onHand(i), committed: 1 } }));
  });
  return lines;
}

describe("POST /v1/inventory/snapshots", () => {
  it("applies every good row once, reports bad lines by number, and applies nothing twice when the file comes again", async () => {
    const skus = Array.from({ length: 150 }, () => uid("BULK"));
    const lines = file(skus, new Date(Date.now() - 60_000).toISOString(), (i) => 10 + (i % 7));
    // Bad lines among the good: not JSON, a wrong type, a figure the ERP does not own, a missing field.
    lines.splice(5, 0, "{not json");
    lines.splice(100, 0, JSON.stringify({ sku: skus[0], location: "DC1", asOf: "2026-01-01T00:00:00Z", quantities: { onHand: "12" } }));
    lines.splice(400, 0, JSON.stringify({ sku: skus[0], location: "DC1", asOf: "2026-01-01T00:00:00Z", quantities: { damaged: 1 } }));
    lines.push(JSON.stringify({ sku: skus[1], location: "DC1", quantities: { onHand: 1 } }));
    const res = await send("/v1/inventory/snapshots", lines.join("\n") + "\n");
    expect(res.status).toBe(202);
    const { jobId } = (await res.json()) as { jobId: string };
    expect(jobId).toMatch(/^job_[0-9a-f]{32}$/);
    const r = await finished(jobId);
    expect(r).toMatchObject({ kind: "inventory", state: "done", rows: 604, applied: 600, stale: 0, rejectedCount: 4 });
    expect(r.chunks.sent).toBeGreaterThan(1);
    expect(r.rejected.map((x) => x.line)).toEqual([6, 101, 401, 604]);
    expect(r.rejected[0]!.reason).toBe("invalid JSON");
    expect(r.rejected[1]!.reason).toContain("quantities.onHand");
    expect(r.rejected[2]!.reason).toContain("damaged is owned by wms");
    expect(r.rejected[3]!.reason).toContain("asOf");
    await expect.poll(() => available(skus[3]!), { timeout: 10_000 }).toBe(4 * (10 + 3 - 1));

    const again = await send("/v1/inventory/snapshots", lines.join("\n"));
    const second = await finished(((await again.json()) as { jobId: string }).jobId);
    expect(second).toMatchObject({ state: "done", applied: 0, stale: 600, rejectedCount: 4 });
    expect(await available(skus[3]!)).toBe(4 * 12);
  }, 120_000);

  it("takes gzip (Content-Encoding or application/gzip), and a newer snapshot wins over an older one", async () => {
    const skus = [uid("GZ"), uid("GZ")];
    const newer = file(skus, new Date(Date.now() - 30_000).toISOString(), () => 20);
    const older = file(skus, new Date(Date.now() - 90_000).toISOString(), () => 99);
    const a = await send("/v1/inventory/snapshots", await gzip(newer.join("\n")), { "content-encoding": "gzip" });
    expect(a.status).toBe(202);
    expect(await finished(((await a.json()) as { jobId: string }).jobId)).toMatchObject({ applied: 8, stale: 0 });
    const b = await send("/v1/inventory/snapshots", await gzip(older.join("\n")), { "content-type": "application/gzip" });
    expect(await finished(((await b.json()) as { jobId: string }).jobId)).toMatchObject({ applied: 0, stale: 8 });
    await expect.poll(() => available(skus[0]!), { timeout: 10_000 }).toBe(4 * 19);
  });

  it("refuses a line longer than 64 KiB by its number without holding it, and a body that is not gzip", async () => {
    const sku = uid("BIG");
    const good = JSON.stringify({ sku, location: "DC1", asOf: new Date().toISOString(), quantities: { onHand: 3 } });
    const huge = JSON.stringify({ sku, location: "DC1", asOf: new Date().toISOString(), quantities: { onHand: 3 }, pad: "x".repeat(200_000) });
    let deep = "1";
    for (let i = 0; i < 100; i++) deep = `{"a":${deep}}`;
    const res = await send("/v1/inventory/snapshots", [good, huge, deep, "[1,2]", good].join("\r\n"));
    const r = await finished(((await res.json()) as { jobId: string }).jobId);
    expect(r.rejected).toEqual([
      { line: 2, reason: "line longer than 64 KiB" },
      { line: 3, reason: "JSON nested deeper than 64 levels" },
      { line: 4, reason: "a line must be a JSON object" },
    ]);
    expect(r).toMatchObject({ rows: 5, applied: 1, stale: 1 });
    const notGzip = await send("/v1/inventory/snapshots", good, { "content-encoding": "gzip" });
    expect(notGzip.status).toBe(400);
    expect(((await notGzip.json()) as { detail: string }).detail).toContain("not valid gzip");
  });

  it("needs inventory:write and an NDJSON or gzip body", async () => {
    expect((await send("/v1/inventory/snapshots", "{}", { "content-type": "text/csv" })).status).toBe(415);
    expect((await call("/v1/inventory/snapshots", { method: "POST", body: "{}" })).status).toBe(401);
    const reader = await createKey(["orders:read"]);
    expect((await send("/v1/inventory/snapshots", "{}", {}, reader)).status).toBe(403);
    expect((await call(`/v1/jobs/job_${"0".repeat(32)}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
    expect((await call(`/v1/jobs/nope`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
  });
});

describe("POST /v1/master/{products|customers}", () => {
  it("imports products and customers by version through the same job path", async () => {
    const [a, b] = [uid("P"), uid("P")];
    const lines = [
      JSON.stringify({ sku: a, status: "active", units: [{ code: "case", each: 6 }], version: 2 }),
      JSON.stringify({ sku: b, status: "discontinued", version: 1 }),
      JSON.stringify({ sku: a, status: "blocked", version: 1 }),
      JSON.stringify({ sku: b, status: "bogus", version: 1 }),
    ];
    const res = await send("/v1/master/products", lines.join("\n"));
    expect(res.status).toBe(202);
    const r = await finished(((await res.json()) as { jobId: string }).jobId);
    expect(r).toMatchObject({ kind: "products", state: "done", rows: 4, applied: 2, stale: 1, rejected: [{ line: 4, reason: expect.stringContaining("status") }] });
    expect(await (await call(`/v1/master/products/${a}`, { headers: { authorization: `Bearer ${key}` } })).json()).toMatchObject({ status: "active", version: 2, units: [{ code: "case", each: 6 }] });

    const id = uid("C");
    const c = await send("/v1/master/customers", JSON.stringify({ id, name: "Bulk Co", priceGroup: "dealers", version: 1 }));
    expect(await finished(((await c.json()) as { jobId: string }).jobId)).toMatchObject({ kind: "customers", applied: 1 });
    expect(await (await call(`/v1/master/customers/${id}`, { headers: { authorization: `Bearer ${key}` } })).json()).toMatchObject({ name: "Bulk Co", priceGroup: "dealers" });
  });
});
