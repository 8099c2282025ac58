// The admin CLI against the real system, started the way `npm run dev` starts it, from a temp copy
// of the checkout on free ports (test-node/cli-harness.mjs).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { CLI, TOKEN, api, eventually, fails, json, ok, startCliSystem, stopCliSystem, sys } from "./cli-harness.mjs";

before(startCliSystem, { timeout: 180_000 });
after(stopCliSystem);

describe("switchyard CLI", { timeout: 240_000 }, () => {
  test("status prints a table, and JSON with --json", async () => {
    const r = await ok(["status"]);
    assert.match(r.stdout, /dead letters\s+0 open/);
    const s = await json(["status"]);
    assert.equal(typeof s.orders.total, "number");
    assert.equal(s.deadLetters.open, 0);
  });

  test("connections add, list, rotate", async () => {
    const added = await ok(["connections", "add", "acme-shop", "--kind", "shopify", "--secret", "shpss_first_secret", "--name", "Acme", "--channel", "acme"]);
    assert.match(added.stdout, /acme-shop \(shopify\) saved on channel acme/);
    await ok(["connections", "add", "acme-edi", "--kind", "x12", "--secret", "edi-secret-123", "--channel", "acme"]);
    const table = await ok(["connections", "list"]);
    assert.match(table.stdout, /^ID\s+KIND\s+CHANNEL/m);
    assert.match(table.stdout, /acme-shop\s+shopify\s+acme/);
    const { items } = await json(["connections", "list"]);
    assert.deepEqual(items.map((c) => [c.id, c.channel]), [["acme-edi", "acme"], ["acme-shop", "acme"]]);
    assert.ok(items.every((c) => !("secret" in c)), "reads never return the secret");
    const rotated = await json(["connections", "rotate", "acme-shop", "--secret", "shpss_second_secret"]);
    assert.equal(rotated.id, "acme-shop");
    await fails(["connections", "rotate", "nope", "--secret", "whatever-123"], /^switchyard: Not found: No connection nope\.$/);
  });

  test("keys create, list, revoke (and a revoked key stops working)", async () => {
    const k = await json(["keys", "create", "--name", "partner", "--scopes", "orders:read,ops:read", "--rate", "600"]);
    assert.match(k.key, /^sy_/);
    assert.deepEqual(k.scopes, ["orders:read", "ops:read"]);
    assert.equal((await api("GET", "/v1/ops/summary", undefined, k.key)).status, 200);
    const human = await ok(["keys", "list"]);
    assert.match(human.stdout, new RegExp(`${k.id}\\s+partner\\s+${k.key.slice(0, 7)}`));
    assert.ok(!human.stdout.includes(k.key), "the full key is never listed");
    await ok(["keys", "revoke", k.id]);
    const { items } = await json(["keys", "list"]);
    assert.ok(items.find((x) => x.id === k.id).revokedAt);
    assert.equal((await api("GET", "/v1/ops/summary", undefined, k.key)).status, 401);
    await fails(["keys", "create", "--name", "x", "--scopes", "orders:read,bogus"], /unknown scope bogus/);
  });

  test("policy set creates, then changes only the flags given", async () => {
    await fails(["policy", "set", "acme", "--percent", "50"], /has no policy yet: give --locations/);
    const first = await json(["policy", "set", "acme", "--locations", "DC1,DC2", "--percent", "50", "--backorder"]);
    assert.deepEqual(first.policy, { locations: ["DC1", "DC2"], percent: 50, backorder: true });
    const second = await json(["policy", "set", "acme", "--max", "10", "--end-when-below", "2"]);
    assert.deepEqual(second.policy, { locations: ["DC1", "DC2"], percent: 50, backorder: true, max: 10, endWhenBelow: 2 });
    await fails(["policy", "set", "acme", "--percent", "150"], /--percent/);
  });

  test("subscriptions add and list", async () => {
    const s = await json(["subscriptions", "add", "ops-hook", "--url", "https://hooks.example.test/switchyard", "--secret", "whsec_c3dpdGNoeWFyZC10ZXN0LXNlY3JldA==", "--events", "order.*,shipment.updated"]);
    assert.deepEqual(s, { id: "ops-hook", url: "https://hooks.example.test/switchyard", events: ["order.*", "shipment.updated"] });
    const human = await ok(["subscriptions", "list"]);
    assert.match(human.stdout, /ops-hook\s+https:\/\/hooks\.example\.test\/switchyard\s+order\.\*,shipment\.updated/);
  });

  test("an ERP outage dead-letters an order; exceptions list shows it; replay --all --dry-run changes nothing; replay --all books it", async () => {
    const snap = await api("POST", "/v1/inventory/events", {
      events: [{ eventId: "cli-test-snap-1", source: "erp", type: "snapshot", sku: "CLI-SKU", location: "DC1", asOf: new Date().toISOString(), quantities: { onHand: 50, committed: 0 } }],
    });
    assert.equal(snap.status, 202, JSON.stringify(snap.body));
    const fault = await fetch(`${sys.erpUrl}/_sim/rules`, { method: "POST", body: JSON.stringify({ match: "CLI-DLQ", status: 503 }) });
    assert.equal(fault.status, 201);
    const order = await fetch(`${sys.url}/v1/orders`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json", "idempotency-key": "cli-dlq-1" },
      body: JSON.stringify({ channel: "acme", externalId: "CLI-DLQ-1", customer: { id: "c1" }, currency: "EUR", lines: [{ sku: "CLI-SKU", quantity: 1 }] }),
    });
    assert.equal(order.status, 201);
    const { orderId } = await order.json();

    const dead = await eventually(async () => (await json(["dead-letters", "list"])).items.find((d) => d.orderId === orderId), "the dead letter");
    assert.equal(dead.kind, "erp.order");
    const human = await ok(["dead-letters", "list"]);
    assert.match(human.stdout, new RegExp(`${dead.id}\\s+erp\\.order\\s+${orderId}`));

    const exceptions = await json(["exceptions", "list"]);
    assert.ok(exceptions.items.some((e) => e.orderId === orderId), "the dead-lettered order is an open exception");
    assert.match((await ok(["exceptions", "list", "--filter", "CLI-DLQ"])).stdout, new RegExp(orderId));

    const dry = await ok(["dead-letters", "replay", "--all", "--filter", orderId, "--dry-run"]);
    assert.match(dry.stdout, /Would replay 1 open dead letter/);
    assert.match(dry.stdout, new RegExp(dead.id));
    const dryJson = await json(["dead-letters", "replay", "--all", "--dry-run"]);
    assert.equal(dryJson.dryRun, true);
    assert.ok(dryJson.items.some((d) => d.id === dead.id));
    assert.ok((await json(["dead-letters", "list"])).items.some((d) => d.id === dead.id), "a dry run leaves it open");

    await fetch(`${sys.erpUrl}/_sim/reset`, { method: "POST" });
    const replayed = await json(["dead-letters", "replay", "--all", "--filter", orderId]);
    assert.deepEqual(replayed.items.map((r) => [r.id, r.replayed]), [[dead.id, true]]);
    const booked = await eventually(async () => {
      const o = await json(["orders", "get", orderId]);
      return o.erpOrderId ? o : null;
    }, "the replayed order to be booked");
    assert.equal(booked.status, "erp_accepted");
    assert.match((await ok(["orders", "get", orderId])).stdout, /erp_accepted/);
    const after = await json(["dead-letters", "list", "--state", "all", "--filter", orderId]);
    assert.ok(after.items.find((d) => d.id === dead.id).replayedAt);
    await fails(["dead-letters", "replay"], /give a dead letter id, or --all/);
    await fails(["dead-letters", "replay", "dlq_nope"], /^switchyard: Not found: No dead letter dlq_nope\.$/);
  });

  test("reconcile", async () => {
    const r = await json(["reconcile"]);
    assert.ok(Array.isArray(r.requeued));
    assert.match((await ok(["reconcile"])).stdout, /Re-enqueued \d+ order/);
  });

  test("erp add, list, test, poll, remove", async () => {
    const saved = await json(["erp", "add", "sim", "--kind", "http", "--url", sys.erpUrl, "--credential", "token=test-node-erp-token", "--setting", "locations.DC1=MAIN", "--setting", "pollSeconds=300", "--default"]);
    assert.deepEqual(
      { id: saved.id, kind: saved.kind, default: saved.default, credentials: saved.credentials, settings: saved.settings },
      { id: "sim", kind: "http", default: true, credentials: { token: "(set)" }, settings: { locations: { DC1: "MAIN" }, pollSeconds: 300 } },
    );
    await ok(["erp", "add", "sim-bad", "--kind", "http", "--url", sys.erpUrl, "--credential", "token=not-the-erp-token"]);
    const human = await ok(["erp", "list"]);
    assert.match(human.stdout, /^ID\s+KIND\s+DEFAULT\s+BASE URL/m);
    assert.match(human.stdout, /sim\s+http\s+yes\s+http:\/\/127\.0\.0\.1:\d+\s+token/);
    const listed = await ok(["erp", "list", "--json"]);
    assert.ok(!listed.stdout.includes("test-node-erp-token") && !listed.stdout.includes("not-the-erp-token"), "credentials are never read back");
    const checked = await json(["erp", "test", "sim"]);
    assert.equal(checked.ok, true);
    assert.match((await ok(["erp", "test", "sim"])).stdout, /ok\s+http:\/\/127\.0\.0\.1:\d+ answered/);
    await fails(["erp", "test", "sim-bad"], /^switchyard: ERP check failed: http .*refused the token/);
    await fails(["erp", "add", "t1", "--kind", "tryton", "--url", "http://127.0.0.1:8000", "--credential", "database=prod"], /^switchyard: Validation failed: .*credentials\.username/);
    await fails(["erp", "add", "t1", "--kind", "http", "--url", sys.erpUrl, "--setting", "pollSeconds=often"], /^switchyard: Validation failed: .*settings\.pollSeconds/);
    const polled = await json(["erp", "poll", "sim"]);
    assert.equal(polled.outcome, "ok", polled.reason);
    assert.match((await ok(["erp", "poll", "sim"])).stdout, /outcome\s+ok/);
    await ok(["erp", "remove", "sim-bad"]);
    await ok(["erp", "remove", "sim"]);
    assert.deepEqual((await json(["erp", "list"])).items, []);
    await fails(["erp", "test", "sim"], /^switchyard: Not found: No ERP connection sim\.$/);
  });

  test("runs on the machine's own Node too (the CLI supports Node >= 20; wrangler does not)", async (t) => {
    const other = process.env.PATH.split(path.delimiter)
      .filter((d) => d && !d.includes("node_modules"))
      .map((d) => path.join(d, "node"))
      .find((p) => existsSync(p) && realpathSync(p) !== realpathSync(process.execPath));
    if (!other) return t.skip("no second Node on PATH");
    const r = await new Promise((resolve) =>
      execFile(other, [CLI, "status", "--json"], { env: { ...process.env, SWITCHYARD_URL: sys.url, SWITCHYARD_ADMIN_TOKEN: TOKEN } }, (err, stdout, stderr) => resolve({ err, stdout, stderr })),
    );
    assert.equal(r.err, null, r.stderr);
    assert.equal(typeof JSON.parse(r.stdout).orders.total, "number");
  });

  test("failures exit non-zero with one line", async () => {
    await fails(["connections", "list"], /^switchyard: Unauthorized: A valid admin token is required\.$/, { env: { SWITCHYARD_ADMIN_TOKEN: "wrong-token" } });
    await fails(["status"], /^switchyard: Unauthorized: /, { env: { SWITCHYARD_ADMIN_TOKEN: "wrong-token" } });
    await fails(["status"], /no admin token/, { env: { SWITCHYARD_ADMIN_TOKEN: "", ADMIN_TOKEN: "" }, cwd: tmpdir() });
    await fails(["connections", "add", "x", "--kind", "shopify", "--secret", "short"], /^switchyard: Validation failed: .*secret: must be at least 8 characters/);
    await fails(["connections", "add", "x", "--kind", "ftp", "--secret", "long-enough"], /argument 'ftp' is invalid/);
    await fails(["status", "--url", "http://127.0.0.1:9"], /cannot reach http:\/\/127\.0\.0\.1:9/);
    await fails(["frobnicate"], /unknown command 'frobnicate'/);
  });
});
