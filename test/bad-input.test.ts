import { describe, expect, it } from "vitest";
import { call, createKey, postOrder, sampleOrder, stockedOrder, uid } from "./helpers";

type Problem = { type: string; title: string; status: number; detail?: string; errors?: { path: string; message: string }[] };

async function problem(res: Response, status: number): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/problem+json");
  const p = (await res.json()) as Problem;
  expect(p.status).toBe(status);
  expect(JSON.stringify(p)).not.toMatch(/at .*\.ts:\d+/); // no stack traces
  return p;
}

async function notStored(key: string, channel: string, externalId: string) {
  const res = await call(`/v1/orders?channel=${encodeURIComponent(channel)}&externalId=${encodeURIComponent(externalId)}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status).toBe(404);
}

describe("bad input to POST /v1/orders", () => {
  it("rejects invalid JSON", async () => {
    const key = await createKey();
    const res = await call("/v1/orders", { method: "POST", headers: { authorization: `Bearer ${key}`, "idempotency-key": uid() }, body: '{"channel": "x",' });
    const p = await problem(res, 400);
    expect(p.title).toMatch(/JSON/);
  });

  it("names every wrong or missing field and stores nothing", async () => {
    const key = await createKey();
    const body = { ...sampleOrder(), currency: 12, customer: {}, lines: [{ sku: "A", quantity: -3 }, { sku: "B", quantity: 1.5 }] };
    const p = await problem(await postOrder(key, body), 400);
    const paths = p.errors!.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(["currency", "customer.id", "lines.0.quantity", "lines.1.quantity"]));
    await notStored(key, body.channel, body.externalId);
  });

  it("refuses unknown fields where the schema is strict", async () => {
    const key = await createKey();
    const body = { ...sampleOrder(), discount: "100%" };
    const p = await problem(await postOrder(key, body), 400);
    expect(p.errors!.map((e) => e.path).join(" ") + JSON.stringify(p.errors)).toContain("discount");
    await notStored(key, body.channel, body.externalId);
  });

  it("requires an Idempotency-Key", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    const p = await problem(await postOrder(key, body, null), 400);
    expect(p.errors![0]!.path).toBe("header.Idempotency-Key");
    await notStored(key, body.channel, body.externalId);
  });

  it("refuses a 2 MiB body with 413", async () => {
    const key = await createKey();
    const body = { ...sampleOrder(), notes: "x".repeat(2 * 1024 * 1024) };
    await problem(await postOrder(key, body), 413);
    await notStored(key, body.channel, body.externalId);
  });

  it("treats SQL-looking strings as data", async () => {
    const key = await createKey();
    const externalId = `PO'); DROP TABLE orders;-- ${uid()}`;
    const res = await postOrder(key, await stockedOrder({ externalId }));
    expect(res.status).toBe(201);
    const found = await call(`/v1/orders?channel=b2b-portal&externalId=${encodeURIComponent(externalId)}`, { headers: { authorization: `Bearer ${key}` } });
    expect(found.status).toBe(200);
  });

  it("answers unknown paths with problem+json", async () => {
    await problem(await call("/v1/nothing-here"), 404);
  });
});
