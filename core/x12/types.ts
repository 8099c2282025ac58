/** Shapes shared by the X12 tokenizer, envelope walker, mappers and the 997 writer. Pure. */
import type { ChannelEvent } from "../canonical";

/** Delimiters of one interchange, read from its ISA (or guessed for ST..SE-only input). */
export interface Separators {
  element: string;
  /** ISA16; "" when the partner sent none (the 997 then writes ">"). */
  component: string;
  /** ISA11 when it is a delimiter (version 00402 and later), else undefined. */
  repetition?: string;
  /** The segment terminator; "\n" when segments are ended by line breaks. */
  segment: string;
  /** What followed each terminator in the input ("\n", "\r\n" or ""), mirrored in the 997. */
  lineBreak: string;
}

/** One segment: `el[0]` is the segment id, so `el[3]` is element 03. Values are untrimmed. */
export interface Segment {
  readonly id: string;
  readonly el: readonly string[];
}

export interface Party {
  qualifier: string;
  id: string;
}

/**
 * One finding about a transaction set, as the 997 reports it: `setCode` goes to AK502..AK506,
 * `segment` becomes an AK3 and `element` an AK4 under it.
 */
export interface SetError {
  message: string;
  /** AK5 code: 1 unsupported, 2 trailer missing, 3 control numbers differ, 4 segment count, 5 segment errors, 6 bad ST01, 7 bad ST02. */
  setCode: string;
  /** true rejects the set (AK5 R); false only notes it (AK5 E, events still emitted). */
  reject: boolean;
  segment?: { id: string; position: number; loop?: string; code: string };
  element?: { position: number; component?: number; ref?: string; code: string; data?: string };
}

/** A finding about a functional group (AK9 code) or the interchange (TA1 note code). */
export interface EnvelopeError {
  code: string;
  reject: boolean;
  message: string;
}

/** AK304 codes used here. */
export const SegmentCode = {
  unrecognized: "1",
  unexpected: "2",
  mandatoryMissing: "3",
  elementErrors: "8",
} as const;

/** AK403 codes used here. */
export const ElementCode = {
  mandatoryMissing: "1",
  conditionalMissing: "2",
  tooLong: "5",
  invalidCharacter: "6",
  invalidCode: "7",
  invalidDate: "8",
  invalidTime: "9",
} as const;

/** What a transaction-set mapper knows beyond the set itself. */
export interface MapContext {
  channel: string;
  /** ISA06 (or GS02) of the partner, trimmed. */
  senderId: string;
  /** When the interchange was created (ISA09/ISA10, else GS04/GS05), ms since epoch. */
  sentAt: number | null;
  /** Product id qualifiers (element 235) in the order a SKU is taken from them. */
  skuQualifiers: readonly string[];
  source: "wms" | "3pl";
  /** Location for warehouse events whose N1 loops name none. */
  defaultLocation?: string;
  strict: boolean;
}

/** A mapper's answer: events when the set is usable, and what it found wrong. */
export interface Mapped {
  events: ChannelEvent[];
  errors: SetError[];
}
