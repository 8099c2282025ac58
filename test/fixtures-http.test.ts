// Every provider fixture through HTTP, signed as its provider signs: accepted (never
// quarantined), and the same body with one byte changed is 401. Field-by-field mapping of each
// fixture is asserted by the adapter tests in core/channels and core/x12.
import { describe, expect, it } from "vitest";
import shopifyCreate from "./fixtures/shopify/docs-sample_2025-04_orders_create.json";
import shopifyCancelled from "./fixtures/shopify/docs-sample_2025-04_orders_cancelled.json";
import shopifyRefund from "./fixtures/shopify/docs-sample_2025-01_refunds_create.json";
import shopifyInventory from "./fixtures/shopify/docs-sample_2025-04_inventory_levels_update.json";
import wooOrder from "./fixtures/woocommerce/wc-v3-docs_order-727_processing.json";
import amazonOrderChange from "./fixtures/amazon/OrderChangeNotification.json";
import amazonFba from "./fixtures/amazon/FBAInventoryAvailabilityChangeNotification.json";
import bcCreated from "./fixtures/bigcommerce/store_order_created.json";
import bcStatusRaw from "./fixtures/bigcommerce/store_order_statusUpdated.jsonc?raw";
import stdExample from "./fixtures/standard-webhooks/spec-example-payload.json";
import { hmacSha256, toBase64 } from "../core/crypto";
import { admin, call, uid } from "./helpers";

const x12Files = import.meta.glob("./fixtures/x12/**/*.{edi,x12}", { query: "?raw", import: "default", eager: true }) as Record<string, string>;

type Signed = { headers: Record<string, string>; body: string };
type Case = { name: string; kind: string; secret: string; sign: (body: string) => Promise<Signed>; body: string };

const hmac = async (secret: string | Uint8Array, data: string) => toBase64(await hmacSha256(secret, data));
const stdSecretBytes = new TextEncoder().encode("fixture-standard-secret-bytes");

const envelope = (detail: unknown) => JSON.stringify({ version: "0", id: crypto.randomUUID(), "detail-type": "SP-API notification", source: "aws.partner/sellingpartnerapi.amazon.com", account: "123", time: new Date().toISOString(), region: "us-east-1", resources: [], detail });
const withMeta = (n: Record<string, unknown>) => ({ ...n, NotificationMetadata: { ApplicationId: "app", SubscriptionId: "sub", PublishTime: new Date().toISOString(), NotificationId: crypto.randomUUID() } });
// The FBA schema has no whole example, only one per property: assemble the notification from them.
const fbaProps = (amazonFba as unknown as { properties: Record<string, { examples?: unknown[]; enum?: unknown[] }> }).properties;
const fbaExample = {
  NotificationVersion: fbaProps.NotificationVersion!.examples![0],
  NotificationType: fbaProps.NotificationType!.enum![0],
  PayloadVersion: fbaProps.PayloadVersion!.examples![0],
  EventTime: fbaProps.EventTime!.examples![0],
  Payload: fbaProps.Payload!.examples![0],
};

const shopify = (topic: string) => async (body: string): Promise<Signed> => ({ body, headers: { "x-shopify-hmac-sha256": await hmac("shopify-fixture-secret", body), "x-shopify-webhook-id": crypto.randomUUID(), "x-shopify-topic": topic } });

const cases: Case[] = [
  { name: "shopify orders/create", kind: "shopify", secret: "shopify-fixture-secret", body: JSON.stringify(shopifyCreate.response), sign: shopify("orders/create") },
  { name: "shopify orders/cancelled", kind: "shopify", secret: "shopify-fixture-secret", body: JSON.stringify(shopifyCancelled.response), sign: shopify("orders/cancelled") },
  { name: "shopify refunds/create", kind: "shopify", secret: "shopify-fixture-secret", body: JSON.stringify(shopifyRefund.response), sign: shopify("refunds/create") },
  { name: "shopify inventory_levels/update", kind: "shopify", secret: "shopify-fixture-secret", body: JSON.stringify(shopifyInventory.response), sign: shopify("inventory_levels/update") },
  {
    name: "woocommerce order.created", kind: "woocommerce", secret: "woo-fixture-secret", body: JSON.stringify(wooOrder),
    sign: async (body) => ({ body, headers: { "x-wc-webhook-signature": await hmac("woo-fixture-secret", body), "x-wc-webhook-delivery-id": uid("d"), "x-wc-webhook-topic": "order.created" } }),
  },
  { name: "amazon ORDER_CHANGE", kind: "amazon", secret: "amazon-api-key-fixture", body: envelope(withMeta((amazonOrderChange as { examples: Record<string, unknown>[] }).examples[0]!)), sign: async (body) => ({ body, headers: { "x-api-key": "amazon-api-key-fixture" } }) },
  { name: "amazon FBA_INVENTORY_AVAILABILITY_CHANGES", kind: "amazon", secret: "amazon-api-key-fixture", body: envelope(fbaExample), sign: async (body) => ({ body, headers: { "x-api-key": "amazon-api-key-fixture" } }) },
  { name: "bigcommerce store/order/created", kind: "bigcommerce", secret: "bc-fixture-secret", body: JSON.stringify(bcCreated), sign: async (body) => ({ body, headers: { authorization: "Bearer bc-fixture-secret" } }) },
  { name: "bigcommerce store/order/statusUpdated", kind: "bigcommerce", secret: "bc-fixture-secret", body: bcStatusRaw.replace(/\/\/.*$/gm, ""), sign: async (body) => ({ body, headers: { authorization: "Bearer bc-fixture-secret" } }) },
  {
    name: "standard webhooks spec example", kind: "standard", secret: `whsec_${toBase64(stdSecretBytes)}`, body: JSON.stringify(stdExample),
    sign: async (body) => {
      const id = `msg_${uid()}`;
      const ts = Math.floor(Date.now() / 1000).toString();
      return { body, headers: { "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": `v1,${await hmac(stdSecretBytes, `${id}.${ts}.${body}`)}` } };
    },
  },
];

describe("every webhook fixture through HTTP", () => {
  for (const c of cases) {
    it(`${c.name}: accepted when signed, 401 with one byte changed`, async () => {
      const id = uid(c.kind);
      expect((await admin(`/v1/admin/connections/${id}`, "PUT", { kind: c.kind, secret: c.secret })).status).toBe(201);
      const signed = await c.sign(c.body);
      const res = await call(`/v1/webhooks/${id}`, { method: "POST", headers: signed.headers, body: signed.body });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { status: string };
      expect(["accepted", "duplicate"]).toContain(answer.status);
      const at = signed.body.indexOf(":") + 2;
      const tampered = signed.body.slice(0, at) + String.fromCharCode(signed.body.charCodeAt(at) ^ 1) + signed.body.slice(at + 1);
      const signedAgain = await c.sign(c.body); // fresh delivery id / timestamp, signature of the original
      const bad = await call(`/v1/webhooks/${id}`, { method: "POST", headers: signedAgain.headers, body: tampered });
      if (c.kind === "amazon" || c.kind === "bigcommerce") {
        // These providers authenticate the sender, not the body: a changed body is still theirs.
        expect(bad.status).toBe(200);
        expect((await call(`/v1/webhooks/${id}`, { method: "POST", headers: { ...signedAgain.headers, ...(c.kind === "amazon" ? { "x-api-key": "wrong" } : { authorization: "Bearer wrong" }) }, body: signed.body })).status).toBe(401);
      } else {
        expect(bad.status).toBe(401);
      }
    });
  }
});

describe("every X12 fixture through HTTP", () => {
  for (const [path, text] of Object.entries(x12Files)) {
    it(`${path.split("/fixtures/")[1]}: answered with a 997, never a 5xx`, async () => {
      const id = uid("x12");
      await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "x12", secret: "x12-fixture-secret", settings: { defaultLocation: "3PL-EAST" } });
      const res = await call(`/v1/edi/${id}`, { method: "POST", headers: { authorization: "Bearer x12-fixture-secret", "content-type": "application/edi-x12" }, body: text });
      expect(res.status).toBe(200);
      const ack = await res.text();
      expect(ack.startsWith("ISA")).toBe(true);
      expect(ack).toMatch(/AK1|TA1/);
      expect(res.headers.get("x-switchyard-status")).toBe("accepted");
    });
  }
});
