/**
 * The interchange around outbound transaction sets: ISA (fixed width, 106 characters with its
 * terminator, so that readers which take the delimiters from fixed offsets 3/104/105 read it),
 * one GS functional group, ST..SE per set, GE, IEA; SE01, GE01 and IEA01 are counted here, never
 * by the document writers. Also resolves and checks a partner's settings.
 */
import { isa13, gs06, st02 } from "./control-numbers";
import type { OutboundError, PartnerSettings } from "./types";

export interface Delimiters {
  element: string;
  segment: string;
  component: string;
  /** 5010 only: written in ISA11. */
  repetition?: string;
  lineBreak: string;
}

/** Partner settings with defaults applied and checked. */
export interface ResolvedPartner {
  sender: { qualifier: string; id: string };
  receiver: { qualifier: string; id: string };
  senderCode: string;
  receiverCode: string;
  version: "4010" | "5010";
  gsVersion: string;
  sep: Delimiters;
  usage: "P" | "T";
  ackRequested: boolean;
  itemQualifier: string;
  sscc: boolean;
  inventoryReportType: string;
}

/** A segment as elements; element 0 is the id. An array element is a composite. */
export type Seg = ReadonlyArray<string | undefined | readonly string[]>;

const SAFE_DELIMITER = /^[^A-Za-z0-9 \r\n\t]$/;
const ISA_ID = /^[\x20-\x7e]{1,15}$/;

/** Applies defaults to the partner's settings; every problem is reported, nothing is guessed. */
export function resolvePartner(p: PartnerSettings | undefined, errors: OutboundError[]): ResolvedPartner | undefined {
  const err = (path: string, message: string) => errors.push({ path: `partner.${path}`, message });
  if (!p || typeof p !== "object") {
    err("", "partner settings are required");
    return undefined;
  }
  const version = p.version ?? "4010";
  if (version !== "4010" && version !== "5010") err("version", `must be "4010" or "5010", got ${JSON.stringify(version)}`);
  const s = p.separators ?? {};
  const sep: Delimiters = {
    element: s.element ?? "*",
    segment: s.segment ?? "~",
    component: s.component ?? ">",
    ...(version === "5010" ? { repetition: s.repetition ?? "^" } : {}),
    lineBreak: s.lineBreak ?? "\n",
  };
  const before = errors.length;
  const chosen = Object.entries(sep).filter(([k]) => k !== "lineBreak") as Array<[string, string]>;
  for (const [k, c] of chosen) {
    if (typeof c !== "string" || !SAFE_DELIMITER.test(c)) err(`separators.${k}`, `must be one character that is not a letter, digit, space or line break, got ${JSON.stringify(c)}`);
  }
  if (new Set(chosen.map(([, c]) => c)).size !== chosen.length) err("separators", `element, segment, component${version === "5010" ? " and repetition" : ""} separators must all differ`);
  if (!["", "\n", "\r\n"].includes(sep.lineBreak)) err("separators.lineBreak", `must be "", "\\n" or "\\r\\n"`);
  const separatorsOk = errors.length === before;

  const party = (x: PartnerSettings["sender"] | undefined, path: string) => {
    if (!x || typeof x !== "object") return void err(path, "is required");
    if (typeof x.qualifier !== "string" || !/^[A-Z0-9]{2}$/.test(x.qualifier)) err(`${path}.qualifier`, `must be a 2-character ISA id qualifier such as "ZZ", got ${JSON.stringify(x.qualifier)}`);
    if (typeof x.id !== "string" || !ISA_ID.test(x.id) || !x.id.trim()) err(`${path}.id`, `must be 1 to 15 printable characters, got ${JSON.stringify(x.id)}`);
  };
  party(p.sender, "sender");
  party(p.receiver, "receiver");
  const code = (v: string | undefined, fallback: string | undefined, path: string) => {
    const c = (v ?? fallback ?? "").trim();
    if (!/^[\x20-\x7e]{2,15}$/.test(c)) err(path, `GS application code must be 2 to 15 characters, got ${JSON.stringify(c)}`);
    return c;
  };
  const senderCode = code(p.senderCode, p.sender?.id, "senderCode");
  const receiverCode = code(p.receiverCode, p.receiver?.id, "receiverCode");
  const gsVersion = p.gsVersion ?? (version === "5010" ? "005010" : "004010");
  if (!/^\d{6}[A-Z0-9]{0,6}$/.test(gsVersion)) err("gsVersion", `must be a GS08 code such as "004010" or "004010VICS", got ${JSON.stringify(gsVersion)}`);
  const usage = p.usage ?? "P";
  if (usage !== "P" && usage !== "T") err("usage", `must be "P" or "T", got ${JSON.stringify(usage)}`);
  const itemQualifier = p.itemQualifier ?? "VN";
  if (!/^[A-Z0-9]{2}$/.test(itemQualifier)) err("itemQualifier", `must be a 2-character product id qualifier such as "VN", got ${JSON.stringify(itemQualifier)}`);
  const inventoryReportType = p.inventoryReportType ?? "SI";
  if (!/^[A-Z0-9]{2}$/.test(inventoryReportType)) err("inventoryReportType", `must be a 2-character BIA02 code such as "SI"`);

  const delimiters = chosen.map(([, c]) => c);
  const clash = (v: string | undefined, path: string) => {
    if (separatorsOk && typeof v === "string" && delimiters.some((c) => v.includes(c))) err(path, `contains one of the separators ${JSON.stringify(delimiters.join(""))}`);
  };
  clash(p.sender?.id, "sender.id");
  clash(p.receiver?.id, "receiver.id");
  clash(senderCode, "senderCode");
  clash(receiverCode, "receiverCode");

  if (errors.length) return undefined;
  return {
    sender: { qualifier: p.sender.qualifier, id: p.sender.id.trim() },
    receiver: { qualifier: p.receiver.qualifier, id: p.receiver.id.trim() },
    senderCode,
    receiverCode,
    version,
    gsVersion,
    sep,
    usage,
    ackRequested: p.ackRequested === true,
    itemQualifier,
    sscc: p.sscc === true,
    inventoryReportType,
  };
}

const two = (n: number) => String(n).padStart(2, "0");
/** CCYYMMDD in UTC. */
export const ymd = (d: Date) => `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}`;
/** HHMM in UTC. */
export const hm = (d: Date) => `${two(d.getUTCHours())}${two(d.getUTCMinutes())}`;
/** HHMMSS in UTC. */
export const hms = (d: Date) => `${hm(d)}${two(d.getUTCSeconds())}`;

/** One segment as text: composites joined, trailing empty elements dropped. */
export function segmentText(seg: Seg, sep: Delimiters): string {
  const values = seg.map((e) => (Array.isArray(e) ? (e as readonly string[]).join(sep.component) : ((e as string | undefined) ?? "")));
  while (values.length > 1 && values[values.length - 1] === "") values.pop();
  return values.join(sep.element);
}

export interface EnvelopeInput {
  partner: ResolvedPartner;
  /** GS01: IB 846, PR 855, SH 856, OW 940. */
  functionalId: string;
  sets: ReadonlyArray<{ id: string; segments: readonly Seg[] }>;
  /** ISA13, GS06 and the ST02 of each set, already allocated. */
  control: { isa: number; gs: number; st: readonly number[] };
  now: Date;
}

/** The whole interchange text, ISA to IEA. */
export function writeInterchange(input: EnvelopeInput): string {
  const { partner: p, now } = input;
  const sep = p.sep;
  const pad = (s: string, n: number) => s.padEnd(n, " ");
  const lines: string[] = [];
  const isaDate = ymd(now).slice(2);
  // ISA is fixed width and keeps its padding, so it is joined here rather than by segmentText.
  lines.push(
    [
      "ISA", "00", pad("", 10), "00", pad("", 10),
      p.sender.qualifier, pad(p.sender.id, 15), p.receiver.qualifier, pad(p.receiver.id, 15),
      isaDate, hm(now), p.version === "5010" ? sep.repetition! : "U", p.version === "5010" ? "00501" : "00401",
      isa13(input.control.isa), p.ackRequested ? "1" : "0", p.usage, sep.component,
    ].join(sep.element),
  );
  const gs = gs06(input.control.gs);
  lines.push(segmentText(["GS", input.functionalId, p.senderCode, p.receiverCode, ymd(now), hm(now), gs, "X", p.gsVersion], sep));
  input.sets.forEach((set, i) => {
    const control = st02(input.control.st[i]!);
    lines.push(segmentText(["ST", set.id, control], sep));
    for (const s of set.segments) lines.push(segmentText(s, sep));
    lines.push(segmentText(["SE", String(set.segments.length + 2), control], sep));
  });
  lines.push(segmentText(["GE", String(input.sets.length), gs], sep));
  lines.push(segmentText(["IEA", "1", isa13(input.control.isa)], sep));
  return lines.map((l) => l + sep.segment + sep.lineBreak).join("");
}
