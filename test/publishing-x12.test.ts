/**
 * The 846 publisher for EDI dealers (issue 11): a stock change becomes an 846 Inventory
 * Inquiry/Advice with QTY*33 carrying the channel's figure (its policy applied, never raw on
 * hand), POSTed to the connection's outboundUrl with its token, retried on 503 with new control
 * numbers, and kept in the outbox the dealer may poll. Read back by node-x12's strict parser.
 */
import { describe, expect, it, vi } from "vitest";
import { ownRead, x12Query, x12Read, x12Segments } from "../core/x12/outbound/testing";
import { admin, call, uid } from "./helpers";
import { receiver } from "./fulfilment/support";
import { setStock } from "./publishing/helpers";

describe("x12 846 inventory advice", () => {
  it("sends QTY*33 with the channel's figure, retries a 503 with new control numbers, keeps every 846 in the outbox, and repeats the full statement on schedule", async () => {
    const conn = uid("dealer846");
    const channel = uid("edi-ch");
    const secret = "dealer-inbound-secret";
    const dealer = await receiver("dealer846", { token: "dealer-846-token", statuses: [503], retryAfter: 1 });
    expect((await admin(`/v1/admin/channels/${channel}/policy`, "PUT", { locations: ["DC1"], percent: 50 })).status).toBe(200);
    const res = await admin(`/v1/admin/connections/${conn}`, "PUT", {
      kind: "x12",
      secret,
      settings: {
        channel,
        outboundUrl: dealer.url,
        outboundToken: "dealer-846-token",
        partner: { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: "DEALER846" } },
        // A full statement every 3 s besides the changes (minutes; dealers usually ask for 5-15).
        publish: { enabled: true, snapshotMinutes: 0.05 },
      },
    });
    expect(res.status).toBe(201);
    const sku = uid("EDI");
    await setStock(sku, 9);

    // Find the first 846 that carries our SKU (a new connection also gets every other SKU's figure).
    const ours = await vi.waitFor(
      async () => {
        const calls = (await dealer.calls()).filter((c) => c.verified && c.body.includes(sku));
        if (calls.length < 2) throw new Error(`${calls.length} 846 calls with ${sku}`);
        return calls;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(ours[0]!.status).toBe(503);
    expect(ours[1]!.status).toBe(202);
    expect(ours[1]!.headers["content-type"]).toBe("application/edi-x12");
    const texts = ours.map((c) => c.body);
    for (const t of texts) expect(ownRead(t).findings).toEqual([]);
    const [first, second] = texts.map((t) => x12Read(t));
    // A retry is a new interchange: control numbers never repeat.
    expect(second!.header.valueOf(13)).not.toBe(first!.header.valueOf(13));
    const lins = x12Query(second!, "LIN03");
    const qtys = x12Query(second!, 'QTY02:QTY01["33"]');
    expect(qtys[lins.indexOf(sku)]).toBe("4");
    const segs = x12Segments(second!);
    expect(segs.some((s) => s[0] === "QTY" && s[1] === "17")).toBe(false);
    expect(segs[0]![0]).toBe("BIA");

    // The dealer may poll instead: every 846 is in its outbox, with its delivery state.
    const outbox = await call(`/v1/edi/${conn}/documents?kind=846&limit=100`, { headers: { authorization: `Bearer ${secret}` } });
    expect(outbox.status).toBe(200);
    const docs = ((await outbox.json()) as { items: { kind: string; isa13: string; text: string; delivery: { state: string; lastStatus: number | null } }[] }).items.filter((d) => d.text.includes(sku));
    expect(docs.slice(0, 2).map((d) => [d.kind, d.delivery.state, d.delivery.lastStatus])).toEqual([
      ["846", "failed", 503],
      ["846", "delivered", 202],
    ]);
    expect(docs[1]!.text).toBe(texts[1]);
    // The scheduled full statement: the same figure again, with no stock event in between.
    const again = await vi.waitFor(
      async () => {
        const calls = (await dealer.calls()).filter((c) => c.verified && c.body.includes(sku) && c.status === 202);
        if (calls.length < 2) throw new Error("no scheduled 846 yet");
        return calls[1]!;
      },
      { timeout: 20_000, interval: 250 },
    );
    const snap = x12Read(again.body);
    expect(x12Query(snap, 'QTY02:QTY01["33"]')[x12Query(snap, "LIN03").indexOf(sku)]).toBe("4");

    const wrong = await call(`/v1/edi/${conn}/documents?kind=846`, { headers: { authorization: "Bearer not-the-secret" } });
    expect(wrong.status).toBe(401);
  });
});
