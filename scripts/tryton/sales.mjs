#!/usr/bin/env node
// The sales in the dev Tryton (`npm run dev -- --erp tryton`), as Tryton holds them: what the
// demo orders became. Reads where that Tryton is from <state>/tryton/connection.json.
//   node scripts/tryton/sales.mjs [<orderId (the sale's reference)>]
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { trytonSession } from "./rpc.mjs";

const stateDir = path.resolve(process.env.SWITCHYARD_STATE_DIR ?? ".wrangler/state");
const file = path.join(stateDir, "tryton", "connection.json");
if (!existsSync(file)) {
  console.error(`✘ ${file} not found: start Switchyard with \`npm run dev -- --erp tryton\` first.`);
  process.exit(1);
}
const t = await trytonSession(JSON.parse(readFileSync(file, "utf8")));
try {
  const reference = process.argv[2];
  const domain = reference ? [["reference", "=", reference]] : [];
  const sales = await t.call("model.sale.sale.search_read", domain, 0, 10, [["id", "DESC"]], ["number", "reference", "state", "shipment_state", "party.rec_name", "warehouse.code", "currency.code", "total_amount", "lines"]);
  if (!sales.length) console.log(reference ? `no Tryton sale with reference ${reference}` : "no Tryton sales yet");
  for (const s of sales) {
    const lines = await t.call("model.sale.line.read", s.lines, ["product.code", "quantity", "unit_price"]);
    console.log(`sale ${s.id} (number ${s.number ?? "-"}) ${s.state}, shipment ${s.shipment_state}; ${s["party."]?.rec_name ?? ""}; warehouse ${s["warehouse."]?.code ?? "-"}; ${s.total_amount} ${s["currency."]?.code ?? ""}; reference ${s.reference ?? "-"}`);
    for (const l of lines) console.log(`    ${l["product."]?.code ?? "?"} × ${l.quantity} @ ${l.unit_price}`);
  }
} finally {
  await t.logout().catch(() => {});
}
