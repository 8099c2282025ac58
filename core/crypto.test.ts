import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, hmacSha256, toBase64 } from "./crypto";

describe("crypto", () => {
  it("round-trips a sealed secret and rejects the wrong key", async () => {
    const sealed = await encryptSecret("k1", "shpss_secret");
    expect(sealed).not.toContain("shpss_secret");
    expect(await decryptSecret("k1", sealed)).toBe("shpss_secret");
    await expect(decryptSecret("k2", sealed)).rejects.toThrow();
  });
  it("computes the Shopify app-js HMAC vector", async () => {
    expect(toBase64(await hmacSha256("test_secret_key", '{"foo": "bar"}'))).toBe("B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=");
  });
});
