/**
 * X12 846 publisher for EDI dealers: each batch becomes one 846 Inventory Inquiry/Advice (QTY
 * qualifier 33, the channel's figure, never raw on hand; core/x12/outbound/write-846.ts), kept
 * in the connection's outbox (the partner may poll it: `GET /v1/edi/{id}/documents?kind=846`)
 * and POSTed to `settings.outboundUrl` when one is set (`application/edi-x12`, Bearer
 * `settings.outboundToken` when set).
 *
 * Race guarantee: none is needed on our side. An 846 is a full statement of what the dealer may
 * sell, stamped (BIA04/05) with the time it was computed; receivers apply the newest by that
 * stamp. The host never sends a figure after a newer one, so the stamps only move forward.
 *
 * The outbox is kept before the POST, so control numbers never repeat even when the answer is
 * lost; a retried batch is a new interchange with new control numbers and a newer stamp.
 */
import { write846, type ControlNumbers, type PartnerSettings } from "../../../core/x12/outbound";
import { callProvider, classifyStatus, cut, redactor } from "../common/http";
import { config as configOutcome, ok, rejected, ResultBuilder, retry, admit } from "../common/outcomes";
import { text } from "../common/settings";
import type { Publisher, PublisherConfig, PublisherDeps, PublishItem } from "../types";
import { echoWithin } from "../common/echo";

export const X12_MAX_ITEMS = 1000;

/** Where the host keeps the interchanges it wrote and the partner's control numbers. */
export interface X12Outbox {
  lastControl(): ControlNumbers | null;
  /** Stores the interchange and its control numbers (before it is sent); returns its id. */
  keep(doc: { text: string; control: ControlNumbers; isa13: string; gs06: string; st02: string; items: number }): number;
  /** The delivery outcome of a kept interchange. */
  delivered(id: number, outcome: { ok: boolean; status: number | null; error: string | null }): void;
}

/** The partner settings of an EDI connection: `settings.partner`, else us as ZZ/SWITCHYARD and the partner as ZZ/<connection id>. */
export function x12Partner(config: PublisherConfig): PartnerSettings {
  const p = config.settings.partner;
  if (p && typeof p === "object") return p as PartnerSettings;
  return { sender: { qualifier: "ZZ", id: "SWITCHYARD" }, receiver: { qualifier: "ZZ", id: config.connectionId.slice(0, 15) } };
}

export function createX12Publisher(config: PublisherConfig, deps: PublisherDeps & { outbox: X12Outbox }): Publisher {
  const url = text(config, "outboundUrl");
  const token = text(config, "outboundToken");
  const scrub = redactor([token]);

  async function publish(items: PublishItem[]) {
    const result = new ResultBuilder();
    const live = admit(items, result, (i) => i.sku);
    if (!live.length) return result.build(items);
    const now = new Date(deps.now());
    const written = write846(
      { reference: `${config.connectionId.slice(0, 16)}-${deps.now().toString(36)}`.slice(0, 30), asOf: now, items: live.map((i) => ({ item: { sku: i.sku }, available: Math.max(0, i.available) })) },
      x12Partner(config),
      { last: deps.outbox.lastControl(), now },
    );
    if (!written.ok) {
      const why = written.errors.map((e) => `${e.path}: ${e.message}`).join("; ");
      // A bad partner setting fails every item; a bad item (a SKU X12 cannot carry) fails alone next time.
      const partnerFault = written.errors.some((e) => !e.path.startsWith("items"));
      for (const i of live) result.set(i, partnerFault ? configOutcome(i, `846 not written: ${cut(why, 300)}`) : rejected(i, `846 not written: ${cut(why, 300)}`));
      return result.build(items);
    }
    const id = deps.outbox.keep({ text: written.text, control: written.control, isa13: written.written.isa13, gs06: written.written.gs06, st02: written.written.st02[0] ?? "", items: live.length });
    if (!url) {
      // No endpoint: the partner polls the outbox; the advice is published once it is kept.
      for (const i of live) result.set(i, ok(i, Math.max(0, i.available)));
      return result.build(items);
    }
    result.calls++;
    const answer = await callProvider(deps, url, {
      method: "POST",
      headers: { "content-type": "application/edi-x12", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: written.text,
    });
    if (answer.kind === "network") {
      deps.outbox.delivered(id, { ok: false, status: null, error: answer.reason });
      for (const i of live) result.set(i, retry(i, `846 not delivered: ${answer.reason}`));
      return result.build(items);
    }
    const verdict = classifyStatus(answer.status);
    deps.outbox.delivered(id, { ok: verdict === "ok", status: answer.status, error: verdict === "ok" ? null : scrub(cut(answer.text, 200)) });
    const retryAfter = Number(answer.headers.get("retry-after"));
    if (answer.status === 429 || answer.status === 503) result.slowDown({ retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 30, reason: `dealer endpoint answered ${answer.status}` });
    for (const i of live) {
      if (verdict === "ok") result.set(i, ok(i, Math.max(0, i.available)));
      else if (verdict === "config") result.set(i, configOutcome(i, `dealer endpoint refused our credentials (${answer.status})`));
      else if (verdict === "retry") result.set(i, retry(i, `dealer endpoint answered ${answer.status}`));
      else result.set(i, rejected(i, `dealer endpoint refused the 846 (${answer.status}): ${scrub(cut(answer.text, 200))}`));
    }
    return result.build(items);
  }

  return { kind: "x12", maxBatch: X12_MAX_ITEMS, publish, isEcho: echoWithin(0) };
}
