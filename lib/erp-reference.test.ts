import { describe, expect, it } from "vitest";
import { nextPollDelayMs } from "../jobs/erp-poll";
import { configDelaySeconds } from "../workers/dispatch/erp-consumer";
import { erpReference } from "./erp-reference";

const orderId = `ord_${"3f".repeat(32)}`;

describe("erpReference", () => {
  it("gives Business Central a digest that fits Code[35], upper-case, the same every time, different per order", async () => {
    const ref = await erpReference("business-central", orderId);
    expect(ref).toMatch(/^SY[A-Z2-7]{33}$/);
    expect(await erpReference("business-central", orderId)).toBe(ref);
    expect(await erpReference("business-central", `ord_${"3e".repeat(32)}`)).not.toBe(ref);
  });

  it("gives the other ERPs the order id itself", async () => {
    for (const kind of ["tryton", "odoo", "http"] as const) expect(await erpReference(kind, orderId)).toBe(orderId);
  });
});

describe("back-off", () => {
  it("polls again after pollSeconds, at once while pages are left, and backs off on throttling and refusals", () => {
    expect(nextPollDelayMs({ outcome: "ok", more: false }, 60, 0)).toBe(60_000);
    expect(nextPollDelayMs({ outcome: "ok", more: true }, 60, 0)).toBe(0);
    expect(nextPollDelayMs({ outcome: "retry", retryAfterSeconds: null, more: false }, 60, 3)).toBe(240_000);
    expect(nextPollDelayMs({ outcome: "retry", retryAfterSeconds: 900, more: false }, 60, 1)).toBe(900_000);
    expect(nextPollDelayMs({ outcome: "retry", retryAfterSeconds: null, more: false }, 60, 20)).toBe(3_600_000);
    expect(nextPollDelayMs({ outcome: "config", more: false }, 10, 1)).toBe(300_000);
  });

  it("retries a refused configuration slowly: never under half the ceiling, at most an hour", () => {
    expect(configDelaySeconds(1, 2, () => 0)).toBe(30);
    expect(configDelaySeconds(1, 2, () => 1)).toBe(60);
    expect(configDelaySeconds(3, 2, () => 0)).toBe(120);
    expect(configDelaySeconds(12, 2, () => 1)).toBe(3600);
    expect(configDelaySeconds(4, 0, () => 1)).toBe(0);
  });
});
