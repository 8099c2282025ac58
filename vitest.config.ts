import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { startErpSimulator } from "./scripts/erp-sim.mjs";
import { startHttpStub } from "./scripts/http-stub.mjs";
import { startAmazonStub } from "./scripts/stubs/amazon.mjs";
import { startBigCommerceStub } from "./scripts/stubs/bigcommerce.mjs";
import { startShopifyStub } from "./scripts/stubs/shopify.mjs";
import { startWooCommerceStub } from "./scripts/stubs/woocommerce.mjs";
import { startTrytonForTests } from "./scripts/tryton/testing.mjs";
import trytonFixture from "./connectors/erp/tryton/test-fixture.json" with { type: "json" };
import switchyardTrytonFixture from "./test/erp-tryton.fixture.json" with { type: "json" };
import { startFaultyProxy } from "./scripts/stubs/faulty-proxy.mjs";
import { startBusinessCentralStub } from "./scripts/stubs/business-central.mjs";
import { startOdooStub } from "./scripts/stubs/odoo.mjs";
import { startWarehouseStub } from "./scripts/stubs/warehouse.mjs";
import { queueConsumersFromWrangler } from "./scripts/wrangler-config.mjs";

// The ERP is outside the system: a real HTTP server on loopback stands in for it, the same
// simulator `npm run dev` runs. Tests scope their faults by external order id so files can run
// in parallel against one simulator.
const erp = await startErpSimulator({ port: 0, quiet: true, unref: true });
// The ERP connectors' conformance suites (connectors/erp/**) run against their own simulator,
// one that checks the token, and against loopback stubs that answer like BC and Odoo document.
const erpConnectorToken = "conformance-erp-token";
const erpForConnectors = await startErpSimulator({ port: 0, quiet: true, unref: true, token: erpConnectorToken });
// The generic HTTP connector's conformance run sets the simulator's master data (which customers
// and items exist), and that list is global to a simulator: it gets one of its own, so orders the
// system-level tests send to ERP_CONNECTOR_URL with their own SKUs are not refused as unknown items.
const erpForConformance = await startErpSimulator({ port: 0, quiet: true, unref: true, token: erpConnectorToken });
const businessCentral = await startBusinessCentralStub({ unref: true });
const odoo19 = await startOdooStub({ unref: true, version: 19 });
const odoo17 = await startOdooStub({ unref: true, version: 17 });
// Third-party APIs (a channel's REST API, subscribers) answer from a programmable stub server.
const stub = await startHttpStub({ unref: true });
// Channel APIs the publishers write to, one stub per provider (state per tenant path, so files
// running in parallel never share a store).
const [shopifyStub, wooStub, bigcommerceStub, amazonStub] = await Promise.all([
  startShopifyStub({ unref: true }),
  startWooCommerceStub({ unref: true }),
  startBigCommerceStub({ unref: true }),
  startAmazonStub({ unref: true }),
]);
// The systems orders are released to (a WMS, a 3PL, an EDI dealer): receivers that check
// signatures and tokens and record what they were sent, per tenant.
const warehouse = await startWarehouseStub({ unref: true });
const migrations = await readD1Migrations("./migrations");
// A real Tryton 6.0 (Debian's trytond on SQLite, a fresh copy of the cached database) for the
// tryton connector's tests; killed with this process. SWITCHYARD_SKIP_TRYTON=1 skips them.
// test/erp-tryton.test.ts drives Switchyard against it with its own codes (SYT-*), and through a
// proxy that can lose Tryton's answers (scripts/stubs/faulty-proxy.mjs).
const merged = Object.fromEntries((["customers", "products", "locations", "stock"] as const).map((k) => [k, [...trytonFixture[k], ...switchyardTrytonFixture[k]]]));
const tryton = await startTrytonForTests(merged);
const trytonProxy = "skipped" in tryton ? null : await startFaultyProxy({ target: tryton.url, unref: true });
const trytonBindings: Record<string, string> = "skipped" in tryton
  ? { TRYTON_SKIPPED: tryton.skipped }
  : { TRYTON_URL: tryton.url, TRYTON_DATABASE: tryton.database, TRYTON_USERNAME: tryton.username, TRYTON_PASSWORD: tryton.password, TRYTON_PROXY_URL: trytonProxy!.url };


export default defineConfig({
  plugins: [
    cloudflareTest({
      // The runner Worker mounts ingest, availability and dispatch handlers side by side
      // (test/worker.ts), with the ingest Worker's bindings plus the dispatch consumers, so a
      // test drives the same queue path `npm run dev` does.
      main: "./test/worker.ts",
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          ADMIN_TOKEN: "test-admin-token",
          SECRETS_KEY: "test-secrets-key-0123456789abcdef",
          ERP_URL: erp.url,
          ERP_TOKEN: "test-erp-token",
          STUB_URL: stub.url,
          SHOPIFY_STUB_URL: shopifyStub.url,
          WOO_STUB_URL: wooStub.url,
          BIGCOMMERCE_STUB_URL: bigcommerceStub.url,
          AMAZON_STUB_URL: amazonStub.url,
          ERP_CONNECTOR_URL: erpForConnectors.url,
          ERP_CONNECTOR_TOKEN: erpConnectorToken,
          ERP_CONFORMANCE_URL: erpForConformance.url,
          BC_STUB_URL: businessCentral.url,
          ODOO19_STUB_URL: odoo19.url,
          ODOO17_STUB_URL: odoo17.url,
          WAREHOUSE_STUB_URL: warehouse.url,
          TEST_MIGRATIONS: migrations,
          RETRY_BASE_SECONDS: "0",
          SCHEDULER_INTERVAL_SECONDS: "1",
          // An order re-sends its ERP hand-off when nothing moved for this long (the queue lost it).
          OUTBOX_SWEEP_AFTER_SECONDS: "5",
          ALLOW_PRIVATE_URLS: "true",
          FAULT_INJECTION: "on",
          BODY_READ_TIMEOUT_MS: "1500",
          EFFECTS_RETRY_MS: "1000",
          ...trytonBindings,
        },
        queueConsumers: queueConsumersFromWrangler("./workers/dispatch/wrangler.toml"),
        // test/worker.ts routes availability paths itself; this binding is never called in tests.
        serviceBindings: { AVAILABILITY: () => new Response("unused in tests", { status: 500 }) },
      },
    }),
  ],
  test: {
    setupFiles: ["./test/setup.ts"],
    // Log lines of passing tests are noise in CI; a failing test still shows its output.
    silent: "passed-only",
    include: ["core/**/*.test.ts", "test/**/*.test.ts", "durable-objects/**/*.test.ts", "workers/**/*.test.ts", "lib/**/*.test.ts", "connectors/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
