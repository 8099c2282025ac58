#!/usr/bin/env node
// Waits until an order reaches one of the given statuses (or dispatch states), for shell examples:
//   node scripts/wait-order.mjs <orderId> erp_accepted released      (default: 30 s, then exit 1)
// Reads the demo API key from .dev.vars, talks to SWITCHYARD_URL or http://127.0.0.1:8787.
import { readFileSync } from "node:fs";

const [orderId, ...want] = process.argv.slice(2);
if (!orderId || !want.length) {
  console.error("usage: wait-order.mjs <orderId> <status> [status…]");
  process.exit(2);
}
const key = process.env.SWITCHYARD_KEY ?? /^DEMO_API_KEY=(.+)$/m.exec(readFileSync(".dev.vars", "utf8"))?.[1]?.trim();
const url = process.env.SWITCHYARD_URL ?? "http://127.0.0.1:8787";
const deadline = Date.now() + Number(process.env.WAIT_SECONDS ?? 30) * 1000;
let last = "";
while (Date.now() < deadline) {
  const res = await fetch(`${url}/v1/orders/${orderId}`, { headers: { authorization: `Bearer ${key}` } }).catch(() => null);
  if (res?.ok) {
    const o = await res.json();
    last = `${o.status}/${o.dispatchState}`;
    if (want.includes(o.status) || want.includes(o.dispatchState)) {
      console.log(o.status);
      process.exit(0);
    }
  }
  await new Promise((r) => setTimeout(r, 200));
}
console.error(`wait-order.mjs: ${orderId} is still ${last || "not readable"}`);
process.exit(1);
