#!/usr/bin/env node
// Signs a body the way a provider would, for trying webhooks by hand:
//   node scripts/sign.mjs shopify <secret> '<body>'       → the X-Shopify-Hmac-Sha256 value
//   node scripts/sign.mjs woocommerce <secret> '<body>'   → the X-WC-Webhook-Signature value
//   node scripts/sign.mjs standard <whsec_…> '<body>' <id> [timestamp]
//                                                         → the webhook-signature value (timestamp defaults to now)
import { createHmac } from "node:crypto";

const [kind, secret, body, id, ts] = process.argv.slice(2);
if (!kind || !secret || body === undefined) {
  console.error("usage: sign.mjs shopify|woocommerce|standard <secret> <body> [id] [timestamp]");
  process.exit(2);
}
if (kind === "shopify" || kind === "woocommerce") {
  process.stdout.write(createHmac("sha256", secret).update(body).digest("base64"));
} else if (kind === "standard") {
  if (!id) {
    console.error("standard needs a message id");
    process.exit(2);
  }
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const t = ts ?? String(Math.floor(Date.now() / 1000));
  process.stdout.write(`v1,${createHmac("sha256", key).update(`${id}.${t}.${body}`).digest("base64")}`);
} else {
  console.error(`unknown kind ${kind}`);
  process.exit(2);
}
