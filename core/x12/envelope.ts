/**
 * Walks ISA / GS / ST..SE / GE / IEA and checks what the envelopes promise: trailers present,
 * control numbers equal in header and trailer, and the counts in SE01, GE01 and IEA01.
 *
 * Counts are noted, not fatal, unless `strict`: real partner files carry wrong SE01 counts (the
 * 945 and 810 fixtures do) and the 997 "E" tells the partner without losing the data. A missing
 * trailer or a control number mismatch always rejects: it means the file was cut or spliced.
 */
import { elementText as v } from "./elements";
import type { EnvelopeError, Party, Segment, SetError } from "./types";

export interface TxSet {
  id: string;
  control: string;
  /** ST..SE as received (SE absent when missing): `segments[i]` sits at 997 position i + 1. */
  segments: Segment[];
  errors: SetError[];
}

export interface Group {
  functionalId: string;
  control: string;
  version: string;
  senderCode: string;
  receiverCode: string;
  /** GS04 / GS05. */
  date: string;
  time: string;
  /** GE01 when it was a number. */
  declaredSets: number | null;
  /** false for sets that arrived with no GS (a bare ST..SE stream). */
  enveloped: boolean;
  sets: TxSet[];
  errors: EnvelopeError[];
}

export interface Interchange {
  /** false when the body had no ISA (GS or ST first). */
  enveloped: boolean;
  sender: Party;
  receiver: Party;
  control: string;
  date: string;
  time: string;
  /** ISA11 as received ("U" before 00402, the repetition separator after). */
  isa11: string;
  version: string;
  usage: string;
  ackRequested: boolean;
  groups: Group[];
  errors: EnvelopeError[];
}

/** Functional identifier code (GS01) of each set we may see without a GS around it. */
const FUNCTIONAL_ID: Record<string, string> = {
  "810": "IN", "846": "IB", "850": "PO", "855": "PR", "856": "SH", "940": "OW",
  "944": "RE", "945": "SW", "947": "AW", "997": "FA", "999": "FA",
};

const sameControl = (a: string, b: string) => a === b || (/^\d+$/.test(a) && /^\d+$/.test(b) && Number(a) === Number(b));
const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;

/** Builds the envelope tree; every structural finding is recorded, nothing throws. */
export function walkEnvelopes(segments: readonly Segment[], opts: { strict: boolean }): Interchange {
  const first = segments[0];
  const isa = first?.id === "ISA" ? first : undefined;
  const ic: Interchange = {
    enveloped: !!isa,
    sender: { qualifier: v(isa, 5), id: v(isa, 6) },
    receiver: { qualifier: v(isa, 7), id: v(isa, 8) },
    control: v(isa, 13),
    date: v(isa, 9),
    time: v(isa, 10),
    isa11: isa?.el[11] ?? "",
    version: v(isa, 12),
    usage: v(isa, 15),
    ackRequested: v(isa, 14) === "1",
    groups: [],
    errors: [],
  };
  if (isa && !/^\d{1,9}$/.test(ic.control)) {
    ic.errors.push({ code: "018", reject: true, message: `ISA13 control number "${ic.control}" is not numeric` });
  }

  const controls = new Map<Group, Set<string>>();
  const seenControls = (g: Group) => controls.get(g) ?? controls.set(g, new Set()).get(g)!;
  let group: Group | undefined;
  let set: TxSet | undefined;
  let iea: Segment | undefined;
  let after = 0;

  const closeSet = (se?: Segment) => {
    if (!set || !group) return;
    if (se) {
      set.segments.push(se);
      if (!sameControl(v(se, 2), set.control)) {
        set.errors.push({ setCode: "3", reject: true, message: `SE02 "${v(se, 2)}" does not match ST02 "${set.control}"` });
      }
      const count = v(se, 1);
      if (!/^\d+$/.test(count) || Number(count) !== set.segments.length) {
        set.errors.push({ setCode: "4", reject: opts.strict, message: `SE01 says ${count || "nothing"}, the set has ${set.segments.length} segments` });
      }
    } else {
      set.errors.push({ setCode: "2", reject: true, message: `transaction set ${set.id} ${set.control} has no SE trailer` });
    }
    set = undefined;
  };
  const closeGroup = (ge?: Segment) => {
    if (!group) return;
    closeSet();
    if (ge && group.enveloped) {
      if (!sameControl(v(ge, 2), group.control)) {
        group.errors.push({ code: "4", reject: true, message: `GE02 "${v(ge, 2)}" does not match GS06 "${group.control}"` });
      }
      const count = v(ge, 1);
      if (/^\d+$/.test(count)) group.declaredSets = Number(count);
      if (group.declaredSets !== group.sets.length) {
        group.errors.push({ code: "5", reject: opts.strict, message: `GE01 says ${count || "nothing"}, the group has ${group.sets.length} sets` });
      }
    } else if (group.enveloped) {
      group.errors.push({ code: "3", reject: true, message: `functional group ${group.control} has no GE trailer` });
    }
    group = undefined;
  };
  const openGroup = (gs?: Segment, setId = "") => {
    group = {
      functionalId: gs ? v(gs, 1) : (FUNCTIONAL_ID[setId] ?? ""),
      control: gs ? v(gs, 6) : "0",
      version: gs ? v(gs, 8) : "",
      senderCode: v(gs, 2),
      receiverCode: v(gs, 3),
      date: v(gs, 4),
      time: v(gs, 5),
      declaredSets: null,
      enveloped: !!gs,
      sets: [],
      errors: [],
    };
    if (gs && !/^\d{1,9}$/.test(group.control)) {
      group.errors.push({ code: "6", reject: true, message: `GS06 group control number "${group.control}" is not numeric` });
    }
    ic.groups.push(group);
    return group;
  };

  for (const seg of isa ? segments.slice(1) : segments) {
    if (iea) {
      after++;
      continue;
    }
    switch (seg.id) {
      case "GS":
        closeGroup();
        openGroup(seg);
        break;
      case "ST": {
        closeSet();
        const g = group && (group.enveloped || group.functionalId === (FUNCTIONAL_ID[v(seg, 1)] ?? "")) ? group : undefined;
        if (!g) {
          if (isa) {
            ic.errors.push({ code: "024", reject: true, message: "ST outside a GS functional group" });
          }
          closeGroup();
        }
        const target = g ?? openGroup(undefined, v(seg, 1));
        set = { id: v(seg, 1), control: v(seg, 2), segments: [seg], errors: [] };
        if (!/^\d{3}$/.test(set.id)) set.errors.push({ setCode: "6", reject: true, message: `ST01 "${set.id}" is not a transaction set identifier` });
        if (!set.control) set.errors.push({ setCode: "7", reject: true, message: "ST02 control number is missing" });
        else if (seenControls(target).has(set.control)) {
          set.errors.push({ setCode: "7", reject: true, message: `ST02 "${set.control}" is repeated in the group` });
        }
        target.sets.push(set);
        seenControls(target).add(set.control);
        break;
      }
      case "SE":
        if (set) closeSet(seg);
        else unexpected(seg);
        break;
      case "GE":
        if (group?.enveloped) closeGroup(seg);
        else unexpected(seg);
        break;
      case "IEA":
        closeGroup();
        iea = seg;
        break;
      default:
        if (set) {
          const position = set.segments.length + 1;
          set.segments.push(seg);
          if (!SEGMENT_ID.test(seg.id)) {
            set.errors.push({
              setCode: "5",
              reject: true,
              message: `unrecognized segment id "${seg.id.slice(0, 10)}" at position ${position}`,
              segment: { id: seg.id.slice(0, 3) || "?", position, code: "1" },
            });
          }
        } else if (seg.id !== "TA1") unexpected(seg);
    }
  }
  closeGroup();

  if (isa) {
    if (!iea) {
      ic.errors.push({ code: "023", reject: true, message: "the interchange has no IEA trailer (truncated?)" });
    } else {
      if (!sameControl(v(iea, 2), ic.control)) {
        ic.errors.push({ code: "001", reject: true, message: `IEA02 "${v(iea, 2)}" does not match ISA13 "${ic.control}"` });
      }
      const count = v(iea, 1);
      if (!/^\d+$/.test(count) || Number(count) !== ic.groups.length) {
        ic.errors.push({ code: "021", reject: opts.strict, message: `IEA01 says ${count || "nothing"}, the interchange has ${ic.groups.length} groups` });
      }
      if (after > 0) ic.errors.push({ code: "022", reject: true, message: "segments after IEA: send one interchange per request" });
    }
  }
  return ic;

  function unexpected(seg: Segment) {
    ic.errors.push({ code: isa ? "024" : "022", reject: true, message: `segment ${seg.id.slice(0, 10)} outside a transaction set` });
  }
}
