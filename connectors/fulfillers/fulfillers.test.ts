// The fulfiller/partner delivery classifies every answer and never throws; reasons are cut and
// never carry the credential that authorised the call, even when the receiver echoes it back.
import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { classifyDelivery, sendInterchange } from "./index";

const stubUrl = (env as unknown as { STUB_URL: string }).STUB_URL;
const route = (path: string, status: number, json: unknown) => fetch(`${stubUrl}/_stub/routes`, { method: "POST", body: JSON.stringify({ method: "POST", path, status, json }) });

describe("delivery outcomes", () => {
  it("maps statuses: 2xx and 409 delivered, 400/422 refused, everything else retried", () => {
    expect([200, 202, 409].map(classifyDelivery)).toEqual(["delivered", "delivered", "delivered"]);
    expect([400, 422].map(classifyDelivery)).toEqual(["refused", "refused"]);
    expect([401, 403, 404, 408, 429, 500, 503].map(classifyDelivery).every((v) => v === "retry")).toBe(true);
  });

  it("scrubs an echoed token out of the reason and cuts the body", async () => {
    const token = "tok-very-secret-123";
    const path = `/echo-${crypto.randomUUID()}`;
    await route(path, 500, { error: `bad token ${token}`, pad: "x".repeat(2000) });
    const r = await sendInterchange(new URL(`${stubUrl}${path}`), token, "ISA*…", { fetch: (...a) => fetch(...a) });
    expect(r.outcome).toBe("retry");
    if (r.outcome !== "retry") return;
    expect(r.reason).not.toContain(token);
    expect(r.reason).toContain("[redacted]");
    expect(r.reason.length).toBeLessThan(600);
  });

  it("a connection that cannot be made is a retry, not a throw", async () => {
    const r = await sendInterchange(new URL("http://127.0.0.1:9/none"), undefined, "ISA*…", { fetch: (...a) => fetch(...a), timeoutMs: 2000 });
    expect(r).toMatchObject({ outcome: "retry", status: null });
  });

  it("a 422 is a refusal with the receiver's words", async () => {
    const path = `/refuse-${crypto.randomUUID()}`;
    await route(path, 422, { error: "unknown SKU" });
    expect(await sendInterchange(new URL(`${stubUrl}${path}`), undefined, "ISA*…", { fetch })).toMatchObject({ outcome: "refused", status: 422, reason: expect.stringContaining("unknown SKU") });
  });
});
