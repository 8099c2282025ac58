// The mixed load `npm run chaos` drives: every inbound path a distributor uses, each request's
// answer recorded, so the checks can hold the system to exactly what it acknowledged.
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { DEMO_CONNECTIONS } from "../seed.mjs";

export const SKUS = ["CHAOS-A", "CHAOS-B", "CHAOS-C", "CHAOS-D"];
const conn = (kind) => DEMO_CONNECTIONS.find((c) => c.kind === kind);
const pick = (a) => a[Math.floor(Math.random() * a.length)];
const lines = () => Array.from({ length: 1 + Math.floor(Math.random() * 2) }, () => ({ sku: pick(SKUS), quantity: 1 + Math.floor(Math.random() * 3) }));

/** One run's ledger of what Switchyard answered 2xx to: the checks' ground truth. */
export class Ledger {
  orders = new Map(); // orderId -> { channel, externalId, via, cancelled }
  sent = 0;
  answered = { "2xx": 0, "4xx": 0, "5xx": 0, network: 0 };
  deliveries = []; // resendable webhook deliveries: { url, headers, body }
  shippable = []; // orderIds to ship later
}

export function makeTraffic(root, { url, key, ledger }) {
  const woo = JSON.parse(readFileSync(path.join(root, "test/fixtures/woocommerce/wc-v3-docs_order-727_processing.json"), "utf8"));
  let n = Date.now() % 1_000_000_000;
  let ctl = Math.floor(Math.random() * 800_000_000) + 100_000_000;

  async function send(u, init, record) {
    ledger.sent++;
    let res;
    try {
      res = await fetch(u, { ...init, signal: AbortSignal.timeout(15_000) });
    } catch {
      ledger.answered.network++;
      // Down (being restarted): back off like a client would instead of spinning.
      await new Promise((r) => setTimeout(r, 500));
      return null;
    }
    let text = "";
    try {
      text = await res.text();
    } catch {
      // The runtime died mid-answer: the client got no answer, so nothing is owed to it.
      ledger.answered.network++;
      return null;
    }
    const bucket = res.status < 300 ? "2xx" : res.status < 500 ? "4xx" : "5xx";
    ledger.answered[bucket]++;
    if (res.status < 300) await Promise.resolve(record?.(text, res)).catch(() => undefined);
    return res;
  }

  const accept = (via, channel, externalId) => (text) => {
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return;
    }
    // An order Switchyard answered for (new, duplicate, updated or stale): it must reach the ERP once, unless cancelled first.
    if (!body.orderId || body.status === "quarantined") return;
    if (!ledger.orders.has(body.orderId)) ledger.orders.set(body.orderId, { channel, externalId, via, cancelled: false });
    ledger.shippable.push(body.orderId);
  };

  const kinds = {
    async api() {
      const externalId = `CH-API-${++n}`;
      const body = JSON.stringify({ channel: "b2b-portal", externalId, customer: { id: "C-CHAOS", name: "Chaos Co" }, currency: "USD", lines: lines() });
      await send(`${url}/v1/orders`, { method: "POST", headers: { authorization: `Bearer ${key}`, "idempotency-key": randomUUID(), "content-type": "application/json" }, body }, accept("api", "b2b-portal", externalId));
    },
    async shopify() {
      const id = ++n;
      const c = conn("shopify");
      const body = JSON.stringify({
        id, admin_graphql_api_id: `gid://shopify/Order/${id}`, email: "c@example.com", created_at: new Date().toISOString(), updated_at: new Date().toISOString(), currency: "EUR", cancelled_at: null,
        customer: { id: 9, first_name: "Cha", last_name: "Os" }, shipping_address: { first_name: "Cha", last_name: "Os", address1: "1 Chaos Rd", city: "Berlin", zip: "10115", country_code: "DE" },
        line_items: lines().map((l, i) => ({ id: i + 1, sku: l.sku, quantity: l.quantity, price: "5.00", name: l.sku })),
      });
      const headers = { "x-shopify-hmac-sha256": createHmac("sha256", c.secret).update(body).digest("base64"), "x-shopify-topic": "orders/create", "x-shopify-webhook-id": randomUUID() };
      ledger.deliveries.push({ url: `${url}/v1/webhooks/${c.id}`, headers, body });
      await send(`${url}/v1/webhooks/${c.id}`, { method: "POST", headers, body }, accept("shopify", c.channel, String(id)));
    },
    async woocommerce() {
      const id = ++n;
      const c = conn("woocommerce");
      const modified = new Date().toISOString().slice(0, 19);
      const body = JSON.stringify({ ...woo, id, number: String(id), date_modified_gmt: modified, date_created_gmt: modified, line_items: lines().map((l, i) => ({ ...woo.line_items[0], id: i + 1, sku: l.sku, quantity: l.quantity })) });
      const headers = { "x-wc-webhook-signature": createHmac("sha256", c.secret).update(body).digest("base64"), "x-wc-webhook-topic": "order.created", "x-wc-webhook-delivery-id": randomUUID() };
      ledger.deliveries.push({ url: `${url}/v1/webhooks/${c.id}`, headers, body });
      await send(`${url}/v1/webhooks/${c.id}`, { method: "POST", headers, body }, accept("woocommerce", c.channel, String(id)));
    },
    async standard() {
      const c = conn("standard");
      const externalId = `CH-STD-${++n}`;
      const msg = `msg_${randomUUID()}`;
      const ts = Math.floor(Date.now() / 1000);
      const body = JSON.stringify({ type: "order.created", timestamp: new Date().toISOString(), data: { externalId, customer: { id: "C-FS" }, currency: "EUR", lines: lines() } });
      const sig = createHmac("sha256", Buffer.from(c.secret.slice(6), "base64")).update(`${msg}.${ts}.${body}`).digest("base64");
      const headers = { "webhook-id": msg, "webhook-timestamp": String(ts), "webhook-signature": `v1,${sig}` };
      await send(`${url}/v1/webhooks/${c.id}`, { method: "POST", headers, body }, accept("standard", c.channel, externalId));
    },
    async edi() {
      const c = conn("x12");
      const po = `CHEDI${++n}`;
      const control = String(++ctl).padStart(9, "0");
      const d = new Date().toISOString();
      const ymd = d.slice(2, 10).replaceAll("-", "");
      const po1 = lines().map((l, i) => `PO1*${i + 1}*${l.quantity}*EA*5.00**VN*${l.sku}~`);
      const segs = [`ST*850*0001~`, `BEG*00*SA*${po}**20${ymd}~`, `N1*BY*CHAOS DEALER*92*D-1~`, `N1*ST*CHAOS DEALER DC*92*D-1-ST~`, `N3*1 DEALER WAY~`, `N4*CLEVELAND*OH*44101*US~`, ...po1, `CTT*${po1.length}~`];
      const body = [`ISA*00*          *00*          *ZZ*CHAOSDEALER    *ZZ*SWITCHYARD     *${ymd}*1200*U*00401*${control}*0*P*>~`, `GS*PO*CHAOSDEALER*SWITCHYARD*20${ymd}*1200*${Number(control)}*X*004010~`, ...segs, `SE*${segs.length + 1}*0001~`, `GE*1*${Number(control)}~`, `IEA*1*${control}~`].join("\n");
      await send(`${url}/v1/edi/${c.id}`, { method: "POST", headers: { authorization: `Bearer ${c.secret}`, "content-type": "application/edi-x12" }, body }, async () => {
        // The 997 carries no order id: look the order up by its business identity.
        const r = await fetch(`${url}/v1/channels/${c.channel}/orders/${po}`, { headers: { authorization: `Bearer ${key}` } }).catch(() => null);
        if (r?.ok) {
          const o = await r.json();
          if (!ledger.orders.has(o.orderId)) ledger.orders.set(o.orderId, { channel: c.channel, externalId: po, via: "edi", cancelled: false });
        }
      });
    },
    async inventory() {
      const body = JSON.stringify({ events: [{ eventId: `chaos-rcpt-${randomUUID()}`, source: "wms", type: "receipt", sku: pick(SKUS), location: "DC1", asOf: new Date().toISOString(), delta: { onHand: 5 } }] });
      await send(`${url}/v1/inventory/events`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body });
    },
    async redeliver() {
      // A provider retrying a delivery it already made: must stay one order.
      const d = ledger.deliveries.length ? pick(ledger.deliveries) : null;
      if (d) await send(d.url, { method: "POST", headers: d.headers, body: d.body });
    },
    async ship() {
      const orderId = ledger.shippable.shift();
      if (!orderId) return;
      const body = JSON.stringify({ eventId: `chaos-ack-${orderId}`, orderId, source: "wms", type: "acknowledged", location: "DC1", lines: [] });
      await send(`${url}/v1/shipments`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body });
    },
    async cancel() {
      const ids = [...ledger.orders.keys()];
      const orderId = ids.length ? pick(ids) : null;
      if (!orderId) return;
      await send(`${url}/v1/orders/${orderId}/cancel`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: '{"reason":"chaos"}' }, () => {
        ledger.orders.get(orderId).cancelled = true;
      });
    },
  };
  const weights = [["api", 3], ["shopify", 3], ["woocommerce", 2], ["standard", 2], ["edi", 1], ["inventory", 1], ["redeliver", 2], ["ship", 1], ["cancel", 1]];
  const table = weights.flatMap(([k, w]) => Array(w).fill(k));
  return { next: () => kinds[pick(table)](), kinds };
}
