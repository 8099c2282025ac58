// scripts/tryton/ against the real trytond: a started server answers, seeding twice changes
// nothing the second time (everything is looked up by code first), stock is set to the wanted
// level, and stop() leaves no trytond behind. Skipped, loudly, with SWITCHYARD_SKIP_TRYTON=1.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { serverCall, trytonSession } from "../scripts/tryton/rpc.mjs";
import { seedTryton } from "../scripts/tryton/seed.mjs";
import { startTryton } from "../scripts/tryton/server.mjs";

const skip = process.env.SWITCHYARD_SKIP_TRYTON === "1" ? "SWITCHYARD_SKIP_TRYTON=1" : false;

const data = {
  customers: [{ code: "NODE-C1", name: "Node Customer", street: "2 Side St", city: "Dayton", postalCode: "45402", country: "US" }],
  products: [{ sku: "NODE-SKU-1", name: "Node widget", listPrice: "5.25" }],
  locations: [{ code: "NODE-DC", name: "Node DC" }, { code: "NODE-BIN", name: "Node bin", parent: "NODE-DC" }],
  stock: [{ sku: "NODE-SKU-1", location: "NODE-DC", quantity: 12 }, { sku: "NODE-SKU-1", location: "NODE-BIN", quantity: 3 }],
};

describe("scripts/tryton", { skip }, () => {
  let tryton;
  before(async () => {
    tryton = await startTryton({ port: 0 });
  });
  after(async () => {
    await tryton?.stop();
  });

  test("seedTryton is idempotent and sets stock levels at coded locations", async () => {
    const first = await seedTryton(tryton, data);
    assert.equal(first.stockLinesChanged, 2);
    const second = await seedTryton(tryton, data);
    assert.deepEqual(second, { ...first, stockLinesChanged: 0 });

    const t = await trytonSession(tryton);
    assert.equal((await t.call("model.party.party.search", [["code", "=", "NODE-C1"]], 0, null, null)).length, 1);
    assert.equal((await t.call("model.product.product.search", [["code", "=", "NODE-SKU-1"]], 0, null, null)).length, 1);
    const [dc] = await t.call("model.stock.location.search_read", [["code", "=", "NODE-DC"]], 0, 1, null, ["type", "storage_location"]);
    assert.equal(dc.type, "warehouse");
    const product = first.products["NODE-SKU-1"];
    const level = async (loc, withChilds) => (await t.callWith({ locations: [loc], with_childs: withChilds }, "model.product.product.read", [product], ["quantity"]))[0].quantity;
    assert.equal(await level(dc.storage_location, false), 12);
    assert.equal(await level(first.locations["NODE-BIN"], false), 3);
    assert.equal(await level(dc.id, true), 15);
  });

  test("stop() ends trytond", async () => {
    const other = await startTryton({ port: 0 });
    assert.match(await serverCall(other.url, "common.server.version"), /^\d+\.\d+\./);
    await other.stop();
    assert.throws(() => process.kill(other.pid, 0), { code: "ESRCH" });
  });
});
