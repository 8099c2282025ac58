import { describe, expect, it } from "vitest";
import { backoffSeconds, classifyStatus, nextDelaySeconds, parseRetryAfter } from "./retry";

describe("retry policy", () => {
  it("classifies ERP answers per the contract", () => {
    expect(classifyStatus(201)).toBe("success");
    expect(classifyStatus(409)).toBe("already_there");
    expect(classifyStatus(422)).toBe("reject");
    expect(classifyStatus(400)).toBe("reject");
    for (const s of [408, 429, 500, 502, 503, 504]) expect(classifyStatus(s)).toBe("retry");
  });
  it("grows the jitter ceiling exponentially and caps it", () => {
    const top = () => 1;
    expect([1, 2, 3, 4].map((a) => backoffSeconds(a, { baseSeconds: 2, random: top }))).toEqual([2, 4, 8, 16]);
    expect(backoffSeconds(30, { baseSeconds: 2, capSeconds: 60, random: top })).toBe(60);
    expect(backoffSeconds(5, { baseSeconds: 2, random: () => 0 })).toBe(0);
  });
  it("honours Retry-After in seconds and as a date", () => {
    const now = Date.parse("2026-11-26T12:00:00Z");
    expect(parseRetryAfter("30", now)).toBe(30);
    expect(parseRetryAfter("Thu, 26 Nov 2026 12:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(nextDelaySeconds(1, 45, { baseSeconds: 2, random: () => 1 })).toBe(45);
    expect(nextDelaySeconds(6, 1, { baseSeconds: 2, random: () => 1 })).toBe(64);
  });
});
