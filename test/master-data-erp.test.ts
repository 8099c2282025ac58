// The ERP feeds the master data it owns: the generic http connector's GET /products, read by the
// ERP poller into products owned by `erp:<connection>`, by the ERP's version; orders are then
// checked against them.
import { env } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { admin, call, createKey, postOrder, sampleOrder, uid } from "./helpers";

const e = env as unknown as { ERP_CONNECTOR_URL: string; ERP_CONNECTOR_TOKEN: string };
let key: string;
beforeAll(async () => {
  key = await createKey(["orders:write", "orders:read", "master:write"]);
});

async function simProducts(products: unknown[]) {
  const res = await fetch(`${e.ERP_CONNECTOR_URL}/_sim/products`, { method: "POST", body: JSON.stringify({ products }) });
  expect(res.status).toBe(200);
}

describe("products from the ERP", () => {
  it("a poll writes the ERP's products as master data it owns, by version, and orders are checked against them", async () => {
    const conn = uid("erp");
    expect((await admin(`/v1/admin/erp-connections/${conn}`, "PUT", { kind: "http", baseUrl: e.ERP_CONNECTOR_URL, credentials: { token: e.ERP_CONNECTOR_TOKEN }, settings: { pollSeconds: 3600 } })).status).toBe(201);
    const [blocked, cased] = [uid("ERP-BLK"), uid("ERP-CASE")];
    await simProducts([
      { sku: blocked, status: "blocked", name: "Recalled" },
      { sku: cased, status: "active", units: [{ code: "case", each: 24 }] },
      { sku: uid("ERP-BAD"), status: "gone" },
    ]);
    const poll = await admin(`/v1/admin/erp-connections/${conn}/poll`, "POST");
    expect(poll.status).toBe(200);
    const report = (await poll.json()) as { outcome: string; products?: { applied: number } };
    expect(report.outcome).toBe("ok");
    expect(report.products?.applied).toBeGreaterThanOrEqual(2);
    const p = (await (await call(`/v1/master/products/${cased}`, { headers: { authorization: `Bearer ${key}` } })).json()) as { owner: string; units: unknown[] };
    expect(p).toMatchObject({ owner: `erp:${conn}`, units: [{ code: "case", each: 24 }] });

    // A change in the ERP arrives with a higher version; an older write of ours is stale against it.
    await simProducts([{ sku: cased, status: "discontinued", units: [{ code: "case", each: 24 }] }]);
    await admin(`/v1/admin/erp-connections/${conn}/poll`, "POST");
    expect(await (await call(`/v1/master/products/${cased}`, { headers: { authorization: `Bearer ${key}` } })).json()).toMatchObject({ status: "discontinued" });
    expect((await admin(`/v1/master/products/${cased}`, "PUT", { status: "active", version: 1 })).status).toBe(409);

    const refused = await postOrder(key, sampleOrder({ lines: [{ sku: blocked, quantity: 1 }] }));
    expect(refused.status).toBe(422);
  });
});
