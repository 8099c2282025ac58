// Recovery objectives (README): what each failure delays, with nothing acknowledged lost.
import { env } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { orderObjectName } from "../core/keys";
import { createKey, erpBookings, postOrder, stockedOrder, waitForOrder } from "./helpers";

describe("recovery", () => {
  it("D1 unavailable: the order is answered, reserved and booked; its D1 row follows once D1 is back", async () => {
    const key = await createKey();
    const body = await stockedOrder();
    // D1 refuses the order's projection three times (a D1 outage, as the order's object sees it).
    expect(await env.TRANSACTIONS.getByName(orderObjectName(body.channel, body.externalId)).injectFault("d1_projection", 3)).toBe(true);
    const res = await postOrder(key, body);
    expect(res.status).toBe(201);
    const { orderId } = (await res.json()) as { orderId: string };
    // Nothing decided on D1: the ERP has it, read straight from the order's own object.
    await waitForOrder(key, orderId, (o) => o.dispatchState === "confirmed");
    expect(await erpBookings(body.externalId)).toHaveLength(1);
    // The projection was owed all along, and the order's alarm finishes it.
    await vi.waitFor(
      async () => {
        const row = await env.DB.prepare("SELECT status, dispatch_state FROM orders WHERE id = ?").bind(orderId).first<{ status: string; dispatch_state: string }>();
        expect(row).toMatchObject({ dispatch_state: "confirmed" });
      },
      { timeout: 20_000, interval: 250 },
    );
  });
});
