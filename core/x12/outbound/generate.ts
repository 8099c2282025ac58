/**
 * What every outbound writer does around its document: check the partner and the context,
 * build one transaction set per document (all errors collected, paths prefixed `[i].` when a
 * batch is given), allocate control numbers after `last`, and wrap the sets in one interchange.
 * Never throws: bad input is an `{ ok: false, errors }` answer.
 */
import { Build } from "./build";
import { advance, gs06, isa13, nextControlNumbers, st02 } from "./control-numbers";
import { resolvePartner, writeInterchange, type Seg } from "./envelope";
import type { DocumentType, OutboundError, OutboundResult, PartnerSettings, WriteContext } from "./types";

const FUNCTIONAL_ID: Record<DocumentType, string> = { "846": "IB", "855": "PR", "856": "SH", "940": "OW" };

/** A document writer: the segments between ST and SE, built through `b` (which collects errors). */
export type SetBody<T> = (doc: T, b: Build, now: Date) => Seg[];

export function generate<T>(document: DocumentType, docs: T | readonly T[], partnerSettings: PartnerSettings, ctx: WriteContext, body: SetBody<T>): OutboundResult {
  const errors: OutboundError[] = [];
  try {
    const partner = resolvePartner(partnerSettings, errors);
    const now = ctx?.now;
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) errors.push({ path: "ctx.now", message: "must be a valid Date" });
    let next;
    try {
      next = nextControlNumbers(ctx?.last ?? null);
    } catch (e) {
      errors.push({ path: "ctx.last", message: e instanceof Error ? e.message : String(e) });
    }
    const list: readonly T[] = Array.isArray(docs) ? docs : [docs as T];
    if (list.length === 0) errors.push({ path: "", message: "at least one document is required" });
    if (!partner || errors.length || !next) return { ok: false, document, errors };

    const sets = list.map((doc, i) => {
      const b = new Build(partner, Array.isArray(docs) ? `[${i}].` : "");
      const segments = doc && typeof doc === "object" ? body(doc, b, now) : (b.err("", "must be an object"), []);
      errors.push(...b.errors);
      return { id: document, segments };
    });
    if (errors.length) return { ok: false, document, errors };

    const st = sets.map((_, i) => advance(next.st, i));
    const text = writeInterchange({ partner, functionalId: FUNCTIONAL_ID[document], sets, control: { isa: next.isa, gs: next.gs, st }, now });
    return {
      ok: true,
      document,
      text,
      control: { isa: next.isa, gs: next.gs, st: st[st.length - 1]! },
      written: { isa13: isa13(next.isa), gs06: gs06(next.gs), st02: st.map(st02) },
    };
  } catch (e) {
    // A writer bug must not take the caller down; the message names it for the log.
    return { ok: false, document, errors: [...errors, { path: "", message: `internal error writing the ${document}: ${e instanceof Error ? e.message : String(e)}` }] };
  }
}
