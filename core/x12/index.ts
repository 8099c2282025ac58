/**
 * X12 in, canonical events and a 997 out. Pure: no bindings, no I/O, never throws.
 * See README.md in this folder for what each transaction set becomes.
 */
import type { ChannelEvent } from "../canonical";
import { buildAck, type AckGroup, type GroupStatus, type SetStatus } from "./ack-997";
import { dateTime, DEFAULT_SKU_QUALIFIERS } from "./elements";
import { walkEnvelopes, type Group, type Interchange, type TxSet } from "./envelope";
import { map850 } from "./map-850";
import { map846 } from "./map-846";
import { map944, map945, map947 } from "./map-warehouse";
import { tokenize } from "./tokenize";
import { splitInterchanges } from "./transmission";
import type { EnvelopeError, MapContext, Mapped, Party, Segment, Separators, SetError } from "./types";

export type { EnvelopeError, Party, SetError } from "./types";
export { DEFAULT_SKU_QUALIFIERS } from "./elements";

export interface ProcessOptions {
  /** The connection's channel: orders are keyed (channel, PO number). */
  channel: string;
  /** Clock for the 997's own ISA/GS dates. */
  now: Date;
  /** Our interchange id in the 997's ISA06; defaults to the ISA08 we were sent to. */
  ourId?: string;
  /** ISA13 of the 997 (1..999999999), ideally from a per-connection sequence. */
  controlNumber?: number;
  /** Reject count mismatches (SE01, GE01, IEA01, CTT02) instead of noting them with "E". */
  strict?: boolean;
  /** `source` of inventory and shipment events; default "3pl". */
  source?: "wms" | "3pl";
  /** Location for 944/945/947/846 events whose N1 loops name no warehouse. */
  defaultLocation?: string;
  /** Product id qualifiers in the order a SKU is taken from them; default DEFAULT_SKU_QUALIFIERS. */
  skuQualifiers?: readonly string[];
}

export interface TransactionResult {
  set: "850" | "945" | "944" | "947" | "846" | (string & {});
  /** ST02. */
  control: string;
  /** GS06 of its group ("0" for sets that came without a GS). */
  group: string;
  accepted: boolean;
  /** AK501 as written in the 997. */
  status: SetStatus;
  events: ChannelEvent[];
  errors: SetError[];
  /** ISA13 of the interchange it came in; set only when processInterchange merged several. */
  interchange?: string;
}

export interface InterchangeResult {
  /** false when the interchange is rejected outright (TA1 "R"): nothing in it may be applied. */
  ok: boolean;
  sender: Party;
  receiver: Party;
  /** ISA13 as received ("" when there was no readable ISA): with `sender`, the duplicate key. */
  controlNumber: string;
  /** Interchange-level findings (TA1 note codes). */
  errors: EnvelopeError[];
  transactions: TransactionResult[];
  /** The acknowledgment interchange to return as the HTTP body. */
  ack997: string;
  /** ISA13 of `ack997`. */
  ackControlNumber: string;
  /** Only when processInterchange was given several interchanges: each one's own result. */
  interchanges?: InterchangeResult[];
}

export interface TransmissionResult {
  /** One result per ISA..IEA interchange, in order, each with its own 997/TA1 and control numbers. */
  interchanges: InterchangeResult[];
  /** The acknowledgment interchanges one after another: the answer to the whole transmission. */
  ack997: string;
}

const MAPPERS: Record<string, (segments: readonly Segment[], ctx: MapContext) => Mapped> = {
  "850": map850,
  "945": map945,
  "944": map944,
  "947": map947,
  "846": map846,
};

/**
 * Reads one X12 interchange and answers with canonical events per transaction set plus the 997.
 *
 * Given several interchanges (a transmission), it no longer rejects the file: it reads each
 * one (see processTransmission) and merges the answers. The merged result has `ok` true when
 * at least one interchange was not rejected (rejected ones contribute no events), `sender` and
 * `receiver` of the first, `controlNumber` and `ackControlNumber` the ISA13s joined with "+" (so
 * a re-sent file is a duplicate as a whole, while each set's events still dedupe by their own
 * business ids), all `errors` and `transactions` in order (each with `interchange`, its ISA13),
 * `ack997` every acknowledgment interchange one after another, and `interchanges` the parts.
 * @example
 * const r = processInterchange(body, { channel: "acme-edi", now: new Date() });
 * // r.transactions[0].events[0] → { kind: "order", order: { externalId: "08292233294", ... } }
 * // return new Response(r.ack997, { headers: { "content-type": "application/edi-x12" } })
 */
export function processInterchange(text: string, opts: ProcessOptions): InterchangeResult {
  const t = processTransmission(text, opts);
  if (t.interchanges.length === 1) return t.interchanges[0]!;
  const all = t.interchanges;
  return {
    ok: all.some((r) => r.ok),
    sender: all[0]!.sender,
    receiver: all[0]!.receiver,
    controlNumber: all.map((r) => r.controlNumber).join("+"),
    errors: all.flatMap((r) => r.errors),
    transactions: all.flatMap((r) => r.transactions.map((tx) => ({ ...tx, interchange: r.controlNumber }))),
    ack997: t.ack997,
    ackControlNumber: all.map((r) => r.ackControlNumber).join("+"),
    interchanges: all,
  };
}

/**
 * Reads a transmission of one or more interchanges (ISA..IEA ISA..IEA, legal X12) and answers
 * each on its own, as processInterchange answers a single one: a bad interchange is rejected
 * without touching the others, and each result's (`sender`, `controlNumber`) is that
 * interchange's duplicate key. The i-th acknowledgment is numbered `opts.controlNumber + i`
 * (wrapping after 999999999), so reserve as many numbers as `interchanges.length`. Never throws.
 * @example
 * const t = processTransmission(body, { channel: "acme-edi", now: new Date(), controlNumber: next });
 * for (const r of t.interchanges) if (r.ok && !(await seen(r.sender, r.controlNumber))) apply(r.transactions);
 * return new Response(t.ack997);
 */
export function processTransmission(text: string, opts: ProcessOptions): TransmissionResult {
  let base = 1;
  try {
    base = ackControlNumber(text, opts);
    const interchanges = splitInterchanges(typeof text === "string" ? text : "").map((piece, i) => processOne(piece, opts, ((base - 1 + i) % 999_999_999) + 1));
    return { interchanges, ack997: interchanges.map((r) => r.ack997).join("") };
  } catch (e) {
    const one = processOne("", opts, base, e);
    return { interchanges: [one], ack997: one.ack997 };
  }
}

function processOne(text: string, opts: ProcessOptions, ackControl: number, failure?: unknown): InterchangeResult {
  try {
    if (failure !== undefined) throw failure;
    return run(text, opts, ackControl);
  } catch (e) {
    const why = `internal error reading the interchange: ${e instanceof Error ? e.message : String(e)}`;
    try {
      return unreadable(opts, ackControl, "024", why);
    } catch {
      return unreadable({ ...opts, now: new Date(), channel: String(opts?.channel ?? "") }, ackControl, "024", why);
    }
  }
}

function run(text: string, opts: ProcessOptions, ackControl: number): InterchangeResult {
  const tok = tokenize(text);
  if (!tok.ok) return unreadable(opts, ackControl, tok.code, tok.message, tok.isa);
  const strict = opts.strict ?? false;
  const ic = walkEnvelopes(tok.segments, { strict });
  const interchangeRejected = ic.errors.some((e) => e.reject);
  const firstGroup = ic.groups[0];
  const sender = ic.enveloped ? ic.sender : { qualifier: "", id: firstGroup?.senderCode ?? "" };
  const receiver = ic.enveloped ? ic.receiver : { qualifier: "", id: firstGroup?.receiverCode ?? "" };

  const transactions: TransactionResult[] = [];
  const ackGroups: AckGroup[] = [];
  for (const group of ic.groups) {
    const groupRejected = interchangeRejected || group.errors.some((e) => e.reject);
    const ctx: MapContext = {
      channel: opts.channel,
      senderId: sender.id || group.senderCode,
      sentAt: dateTime(ic.date, ic.time) ?? dateTime(group.date, group.time),
      skuQualifiers: opts.skuQualifiers ?? DEFAULT_SKU_QUALIFIERS,
      source: opts.source ?? "3pl",
      ...(opts.defaultLocation ? { defaultLocation: opts.defaultLocation } : {}),
      strict,
    };
    const results = group.sets.map((set) => processSet(set, ctx, groupRejected));
    transactions.push(...results.map((r) => ({ ...r, group: group.control })));
    // Acknowledgments are not acknowledged: a 997 group we receive gets no 997 back.
    if (group.functionalId !== "FA") ackGroups.push(ackGroup(group, results, groupRejected));
  }

  const ta1 = interchangeAck(ic, ackGroups.length === 0);
  const ours = { qualifier: receiver.qualifier || "ZZ", id: opts.ourId ?? (receiver.id || firstGroup?.receiverCode || "SWITCHYARD") };
  const theirs = { qualifier: sender.qualifier || "ZZ", id: sender.id || opts.channel };
  const ack997 = buildAck({
    separators: tok.separators,
    ours,
    theirs,
    isa11: ic.isa11,
    version: ic.version || (firstGroup?.version.startsWith("005") ? "00501" : "00401"),
    usage: ic.usage,
    control: ackControl,
    now: opts.now,
    ...(ta1 ? { ta1 } : {}),
    groups: ackGroups,
  });
  return { ok: !interchangeRejected, sender, receiver, controlNumber: ic.control, errors: ic.errors, transactions, ack997, ackControlNumber: pad9(ackControl) };
}

function processSet(set: TxSet, ctx: MapContext, groupRejected: boolean): Omit<TransactionResult, "group"> {
  const errors = [...set.errors];
  let events: ChannelEvent[] = [];
  if (!groupRejected && !errors.some((e) => e.reject)) {
    const mapper = MAPPERS[set.id];
    if (mapper) {
      const mapped = mapper(set.segments, ctx);
      errors.push(...mapped.errors);
      events = mapped.events;
    } else {
      events = [{ kind: "ignored", reason: `X12 ${set.id} is acknowledged but not mapped` }];
    }
  }
  const accepted = !groupRejected && !errors.some((e) => e.reject);
  const status: SetStatus = !accepted ? "R" : errors.length ? "E" : "A";
  return { set: set.id, control: set.control, accepted, status, events: accepted ? events : [], errors };
}

function ackGroup(group: Group, results: ReadonlyArray<Omit<TransactionResult, "group">>, rejected: boolean): AckGroup {
  const accepted = results.filter((r) => r.accepted).length;
  let status: GroupStatus;
  if (rejected || (results.length > 0 && accepted === 0)) status = "R";
  else if (accepted < results.length) status = "P";
  else if (results.some((r) => r.status === "E") || group.errors.length) status = "E";
  else status = "A";
  return {
    functionalId: group.functionalId,
    control: group.control,
    version: group.version,
    senderCode: group.senderCode,
    receiverCode: group.receiverCode,
    status,
    included: group.declaredSets ?? results.length,
    accepted,
    codes: [...new Set(group.errors.map((e) => e.code))],
    sets: results.map((r) => ({ id: r.set, control: r.control, status: r.status, errors: r.errors })),
  };
}

/** A TA1 when the interchange has findings, when ISA14 asks for one, or when no 997 can be written. */
function interchangeAck(ic: Interchange, nothingElse: boolean) {
  if (!ic.errors.length && !ic.ackRequested && !nothingElse) return undefined;
  const worst = ic.errors.find((e) => e.reject) ?? ic.errors[0];
  const status: SetStatus = !worst ? "A" : worst.reject ? "R" : "E";
  return { control: ic.control, date: ic.date, time: ic.time, status, note: worst?.code ?? "000" };
}

/**
 * The ISA could not be read: the answer is an interchange holding only a TA1 rejection (a 997
 * needs a GS to acknowledge). It is addressed from whatever ISA elements could be read.
 */
function unreadable(opts: ProcessOptions, ackControl: number, code: string, message: string, isa: string[] = []): InterchangeResult {
  const at = (i: number) => (isa[i] ?? "").trim();
  const sender = { qualifier: at(5), id: at(6) };
  const receiver = { qualifier: at(7), id: at(8) };
  const control = /^\d{1,9}$/.test(at(13)) ? at(13) : "";
  const separators: Separators = { element: "*", component: ">", segment: "~", lineBreak: "\n" };
  const ack997 = buildAck({
    separators,
    ours: { qualifier: receiver.qualifier || "ZZ", id: opts.ourId ?? (receiver.id || "SWITCHYARD") },
    theirs: { qualifier: sender.qualifier || "ZZ", id: sender.id || opts.channel },
    isa11: "U",
    version: "00401",
    usage: "P",
    control: ackControl,
    now: opts.now,
    ta1: { control, date: at(9), time: at(10), status: "R", note: code },
    groups: [],
  });
  return {
    ok: false,
    sender,
    receiver,
    controlNumber: control,
    errors: [{ code, reject: true, message }],
    transactions: [],
    ack997,
    ackControlNumber: pad9(ackControl),
  };
}

const pad9 = (n: number) => String(n).padStart(9, "0");

/** opts.controlNumber when usable, else a stable FNV-1a hash of the input and the clock. */
function ackControlNumber(text: string, opts: ProcessOptions): number {
  const n = opts.controlNumber;
  if (n !== undefined && Number.isInteger(n) && n >= 1 && n <= 999_999_999) return n;
  let h = 0x811c9dc5;
  const seed = `${String(text).slice(0, 512)}|${opts.channel}|${opts.now.getTime()}`;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return (h % 999_999_999) + 1;
}
