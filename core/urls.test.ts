import { describe, expect, it } from "vitest";
import { checkOutboundUrl } from "./urls";

const verdict = (url: string, allowPrivate = false) => {
  const v = checkOutboundUrl(url, { allowPrivate });
  return v.ok ? "ok" : v.reason;
};

describe("outbound URL policy", () => {
  it("refuses link-local addresses and credentials everywhere, even in local development", () => {
    for (const url of ["http://169.254.169.254/latest", "http://[fe80::1]/", "http://[::ffff:169.254.169.254]/", "http://metadata.google.internal/"]) expect(verdict(url, true)).toContain("link-local");
    expect(verdict("https://u:p@example.com/", true)).toContain("credentials");
    expect(verdict("ftp://example.com/", true)).toContain("http");
    expect(verdict("not a url", true)).toContain("valid URL");
  });

  it("refuses loopback and private ranges outside local development, in any spelling", () => {
    for (const url of ["http://127.0.0.1:8788/", "http://localhost/", "http://api.localhost/", "http://10.1.2.3/", "http://172.20.0.1/", "http://192.168.1.1/", "http://100.64.0.1/", "http://[::1]/", "http://[fd00::1]/", "http://2130706433/", "http://0x7f000001/", "http://0.0.0.0/", "http://[::ffff:127.0.0.1]/"]) {
      expect(verdict(url)).toContain("private");
      expect(verdict(url, true)).toBe("ok");
    }
  });

  it("lets public hosts through", () => {
    for (const url of ["https://api.bigcommerce.com/stores/x", "https://sellingpartnerapi-na.amazon.com", "http://172.32.0.1/", "https://[2606:4700::1111]/"]) expect(verdict(url)).toBe("ok");
  });
});
