import { env } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { classifyHttp, classifyTrytonError } from "./classify";
import { connector, tryton, trytonAdmin, trytonSkipped } from "./testing";

/** A fetch that records the JSON-RPC methods it carried and the last session header. */
function recording() {
  const calls: string[] = [];
  let session = "";
  const f = (async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push((JSON.parse(String(init?.body ?? "{}")) as { method?: string }).method ?? "");
    const auth = new Headers(init?.headers).get("authorization");
    if (auth?.startsWith("Session ")) session = auth;
    return fetch(input, init);
  }) as typeof fetch;
  return { f, logins: () => calls.filter((m) => m === "common.db.login").length, session: () => session };
}

/** Ends a session on the Tryton side (as a session timeout or an admin would). */
async function logout(session: string) {
  const res = await fetch(`${tryton.url}/${tryton.database}/`, { method: "POST", headers: { "content-type": "application/json", authorization: session }, body: JSON.stringify({ id: 1, method: "common.db.logout", params: [] }) });
  expect(res.status).toBe(200);
}

describe.skipIf(trytonSkipped)(`tryton connector: client and errors${trytonSkipped ? ` (skipped: ${trytonSkipped})` : ""}`, () => {
  it("health proves URL, database, credentials and company", async () => {
    const r = await connector().health();
    expect(r).toMatchObject({ kind: "ok", value: { version: expect.stringMatching(/^6\.0\./) } });
    expect(r.kind === "ok" && r.value.detail).toContain("Switchyard Demo Distribution");
  });

  it("a wrong password or an unknown database is config, and no reason carries the password", async () => {
    const wrong = "not-the-password-7781";
    const bad = await connector({ credentials: { password: wrong } }).health();
    expect(bad).toMatchObject({ kind: "config", httpStatus: 401 });
    expect(JSON.stringify(bad)).not.toContain(wrong);
    const booking = await connector({ credentials: { password: wrong } }).getOrder({ orderId: "ord_x" });
    expect(booking.kind).toBe("config");

    const nodb = await connector({ credentials: { database: "no_such_db" } }).health();
    expect(nodb.kind).toBe("config");
    expect(nodb.kind === "config" && nodb.reason).toMatch(/no_such_db/);
    expect(JSON.stringify(nodb)).not.toContain(tryton.password);
  });

  it("logs in once per isolate, and again when Tryton drops the session; a changed password is config", async () => {
    const t = await trytonAdmin();
    const login = `switchyard-${crypto.randomUUID().slice(0, 8)}`;
    // Tryton refuses passwords that repeat characters: 14 distinct ones, shuffled.
    const pool = [..."ABCDEFGHJKLMNPQRSTUVWXYZabcdefghjkmnpqrstuvwxyz23456789"];
    const password = pool.sort(() => Math.random() - 0.5).slice(0, 14).join("");
    const [company] = await t.call<number[]>("model.company.company.search", [], 0, 1, null);
    const groups = (await t.call<{ groups: number[] }[]>("model.res.user.read", [t.uid], ["groups"]))[0]!.groups;
    const [uid] = await t.call<number[]>("model.res.user.create", [{ name: "Switchyard integration", login, password, groups: [["add", groups]], companies: [["add", [company]]], company }]);

    const net = recording();
    const erp = connector({ credentials: { username: login, password } }, net.f);
    expect((await erp.health()).kind).toBe("ok");
    expect((await erp.getOrder({ orderId: "ord_none" })).kind).toBe("ok");
    expect(net.logins()).toBe(1);

    await logout(net.session());
    expect(await erp.getOrder({ orderId: "ord_none" })).toEqual({ kind: "ok", value: null });
    expect(net.logins()).toBe(2);

    await t.call("model.res.user.write", [uid], { password: [...password].reverse().join("") });
    await logout(net.session());
    const refused = await erp.getOrder({ orderId: "ord_none" });
    expect(refused).toMatchObject({ kind: "config", httpStatus: 401 });
    expect(net.logins()).toBe(3);
    expect(JSON.stringify(refused)).not.toContain(password);
  });

  it("a server answering 503, or a connection that drops, is retry", async () => {
    // The shared loopback stub answers 503 where a Tryton behind a restarting proxy would.
    const stubUrl = (env as unknown as { STUB_URL: string }).STUB_URL;
    await fetch(`${stubUrl}/_stub/routes`, { method: "POST", body: JSON.stringify({ method: "POST", path: "/tryton-503/db/", status: 503, json: { error: "busy" } }) });
    const busy = await connector({ baseUrl: `${stubUrl}/tryton-503`, credentials: { database: "db" } }).health();
    expect(busy).toMatchObject({ kind: "retry", httpStatus: 503 });
    const dropped = (async () => {
      throw new TypeError("Network connection lost.");
    }) as typeof fetch;
    expect(await connector({}, dropped).health()).toMatchObject({ kind: "retry", reason: expect.stringContaining("network error") });
  });
});

describe("tryton answers, classified", () => {
  it("UserError is rejected with Tryton's message; AccessError is config", () => {
    expect(classifyTrytonError(["UserError", ["A value is required for field \"Party\" in \"Sale\".", "", null]], "db", "model.sale.sale.create"))
      .toEqual({ kind: "rejected", code: "invalid_order", reason: 'Tryton: A value is required for field "Party" in "Sale".' });
    expect(classifyTrytonError(["UserError", ['You are not allowed to access "sale.sale".', "", null]], "db", "x").kind).toBe("config");
  });

  it("concurrency and unknown server errors retry; an unknown model or database is config", () => {
    expect(classifyTrytonError(["ConcurrencyException", "Records were modified in the meanwhile"], "db", "x").kind).toBe("retry");
    expect(classifyTrytonError(["database is locked", ""], "db", "x").kind).toBe("retry");
    expect(classifyTrytonError(["'sale.order'", ""], "db", "x").kind).toBe("config");
    expect(classifyTrytonError(["Database '/var/lib/tryton/nodb.sqlite' doesn't exist!", ""], "nodb", "x")).toEqual({ kind: "config", reason: 'Tryton has no database "nodb"' });
  });

  it("HTTP: 401/403 config, 429/503 retry with Retry-After", () => {
    expect(classifyHttp(401, null, "x").kind).toBe("config");
    expect(classifyHttp(403, null, "x").kind).toBe("config");
    expect(classifyHttp(503, "30", "x")).toMatchObject({ kind: "retry", retryAfterSeconds: 30, httpStatus: 503 });
    expect(classifyHttp(429, null, "x")).toMatchObject({ kind: "retry", httpStatus: 429 });
  });
});
