import { describe, expect, it } from "vitest";
import { admin, uid } from "./helpers";

type Entry = { actor: string; action: string; resource: string; resourceId: string; before: unknown; after: unknown };
const entries = async (q: string) => ((await (await admin(`/v1/admin/audit?${q}`, "GET")).json()) as { items: Entry[] }).items;

describe("audit log", () => {
  it("records who changed a policy, with the policy before and after", async () => {
    const ch = uid("ch");
    await admin(`/v1/admin/channels/${ch}/policy`, "PUT", { locations: ["DC1"], percent: 50 });
    await admin(`/v1/admin/channels/${ch}/policy`, "PUT", { locations: ["DC1", "DC2"], percent: 80 });
    const [latest, first] = await entries(`resource=channel_policy&resourceId=${ch}`);
    expect(latest).toMatchObject({ action: "policy.put", before: { locations: ["DC1"], percent: 50 }, after: { locations: ["DC1", "DC2"], percent: 80 } });
    expect(first).toMatchObject({ action: "policy.put", before: null, after: { percent: 50 } });
    // The actor is the admin token's fingerprint, never the token.
    expect(latest!.actor).toMatch(/^admin:[0-9a-f]{12}$/);
    expect(latest!.actor).not.toContain("test-admin-token");
  });

  it("never stores a secret: connection secrets, sealed settings, subscription secrets and keys read back as (set)", async () => {
    const id = uid("c");
    const secrets = ["shpss_audit_secret_1", "bc-audit-api-token-1", "shpss_audit_secret_2", "whsec_YXVkaXQtc3Vic2NyaXB0aW9uLXNlY3JldA=="];
    await admin(`/v1/admin/connections/${id}`, "PUT", { kind: "bigcommerce", secret: secrets[0], settings: { storeHash: "abc", apiToken: secrets[1] } });
    await admin(`/v1/admin/connections/${id}/rotate`, "POST", { secret: secrets[2] });
    await admin(`/v1/admin/subscriptions/${id}`, "PUT", { url: "https://hooks.example.com/a", secret: secrets[3], events: ["order.*"] });
    const created = (await (await admin("/v1/admin/api-keys", "POST", { name: uid("k"), scopes: ["orders:read"] })).json()) as { id: string; key: string };
    const all = JSON.stringify(await entries("limit=500"));
    for (const s of [...secrets, created.key]) expect(all).not.toContain(s);
    const mine = await entries(`resource=connection&resourceId=${id}`);
    expect(mine.map((e) => e.action)).toEqual(["connection.rotate", "connection.put"]);
    expect(mine[1]!.after).toMatchObject({ kind: "bigcommerce", settings: { storeHash: "abc", apiToken: "(set)" } });
    expect((await entries(`resource=api_key&resourceId=${created.id}`))[0]).toMatchObject({ action: "api_key.create", after: { scopes: ["orders:read"] } });
  });
});
