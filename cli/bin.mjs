#!/usr/bin/env node
// `switchyard`: the admin CLI. Plain ESM on Node >= 20, no build step. Talks HTTP to --url /
// SWITCHYARD_URL with the admin token from SWITCHYARD_ADMIN_TOKEN (or ADMIN_TOKEN). Tables for
// people, --json for scripts; any failure exits 1 with one line on stderr.
import { readFileSync } from "node:fs";
import { Command } from "commander";
import { DEFAULT_URL } from "./client.mjs";
import { registerConnections, registerKeys, registerPolicy, registerSubscriptions } from "./commands/admin.mjs";
import { registerAudit } from "./commands/audit.mjs";
import { registerErp } from "./commands/erp.mjs";
import { registerJobs } from "./commands/jobs.mjs";
import { registerDeadLetters, registerExceptions, registerOrders, registerReconcile, registerStatus } from "./commands/ops.mjs";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

const program = new Command("switchyard")
  .description("Admin CLI for a Switchyard deployment")
  .version(version)
  .option("--url <url>", `Switchyard URL (default: $SWITCHYARD_URL or ${DEFAULT_URL})`)
  .option("--json", "print JSON (for scripts) instead of tables")
  // Program options go before the command, so `subscriptions add --url` can mean the subscriber.
  .enablePositionalOptions()
  .configureHelp({ showGlobalOptions: true })
  .addHelpText(
    "after",
    `
Token: SWITCHYARD_ADMIN_TOKEN, else ADMIN_TOKEN (for a 127.0.0.1/localhost URL, also ./.dev.vars).
Examples:
  switchyard status
  switchyard connections add acme-shop --kind shopify --secret shpss_… --channel webshop
  switchyard keys create --name acme-erp --scopes inventory:write,orders:read
  switchyard dead-letters replay --all --filter 503 --dry-run
  switchyard snapshots import nightly.ndjson --gzip
  switchyard master import products products.ndjson
  switchyard erp add erp1 --kind tryton --url http://127.0.0.1:8000 --credential database=prod --credential username=switchyard --credential password=… --setting locations.DC1=WH --default
  SWITCHYARD_URL=https://api.example.com switchyard --json dead-letters list | jq '.items[].id'`,
  );

registerStatus(program);
registerConnections(program);
registerKeys(program);
registerPolicy(program);
registerSubscriptions(program);
registerErp(program);
registerDeadLetters(program);
registerExceptions(program);
registerReconcile(program);
registerOrders(program);
registerAudit(program);
registerJobs(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const msg = e instanceof Error ? e.message : String(e);
  process.stderr.write(`switchyard: ${msg.split("\n")[0]}\n`);
  process.exitCode = 1;
}
