/**
 * Inputs and answers of the outbound X12 writers (846, 855, 856, 940). Plain data, no bindings:
 * the caller (a Durable Object per partner) supplies the partner's settings, the business
 * document and the last control numbers it stored, and persists the ones the answer returns.
 */

/** The three control numbers of one partner: ISA13, GS06 and ST02, as integers 1..999999999. */
export interface ControlNumbers {
  isa: number;
  gs: number;
  st: number;
}

export interface InterchangeId {
  /** ISA05 / ISA07 interchange id qualifier, e.g. "ZZ" mutually defined, "01" DUNS, "12" phone. */
  qualifier: string;
  /** ISA06 / ISA08, at most 15 characters (padded with spaces on the wire). */
  id: string;
}

/** Everything about a trading partner that changes the bytes we send it. */
export interface PartnerSettings {
  /** Us, as the partner knows us (ISA05/ISA06). */
  sender: InterchangeId;
  /** The partner (ISA07/ISA08). */
  receiver: InterchangeId;
  /** GS02 / GS03 application codes; default the ISA ids. */
  senderCode?: string;
  receiverCode?: string;
  /** "4010" (default) or "5010": ISA12 00401/00501, ISA11 "U" or the repetition separator, GS08. */
  version?: "4010" | "5010";
  /** GS08 as the partner's guide spells it ("004010VICS", "004010UCS"); default 004010 / 005010. */
  gsVersion?: string;
  /** Default "*", "~", ">" and (5010) "^"; `lineBreak` ("\n" by default) follows each terminator. */
  separators?: { element?: string; segment?: string; component?: string; repetition?: string; lineBreak?: "" | "\n" | "\r\n" };
  /** ISA15: P production (default) or T test. */
  usage?: "P" | "T";
  /** ISA14: ask for a TA1 interchange acknowledgment (default false). */
  ackRequested?: boolean;
  /**
   * The product id qualifier (X12 element 235) the partner keys items by: VN vendor item
   * number (default), SK stock keeping unit, VP vendor part (all three: our SKU), or BP buyer
   * part, UP UPC, IN buyer item, … (the partner's own id, from `ItemRef.ids`).
   */
  itemQualifier?: string;
  /** The partner requires SSCC-18 carton labels on ship notices: 856 Pack levels with MAN*GM. */
  sscc?: boolean;
  /** BIA02 report type of the 846: SI seller inventory (default), DD distributor, MB manufacturer/distributor. */
  inventoryReportType?: string;
}

/** A date: a `Date` or an ISO 8601 string. X12 dates carry no zone; ours are written in UTC. */
export type DateInput = Date | string;

/** An item as we know it, plus the ids the partner uses for it (from its 850's PO1, or master data). */
export interface ItemRef {
  sku: string;
  /** The partner's ids by qualifier, e.g. `{ BP: "A-77", UP: "012345678905" }`; written after the primary id. */
  ids?: Readonly<Record<string, string>>;
  /** PID*F free-form description. */
  description?: string;
}

/** An N1 party loop (N1/N3/N4). */
export interface PartyInput {
  /** N101 entity identifier: ST ship to, SF ship from, BY buyer, WH warehouse, SU supplier, … */
  code: string;
  name?: string;
  /** N103 / N104: e.g. "92" assigned by buyer, "9" DUNS+4, "UL" GLN. */
  idQualifier?: string;
  id?: string;
  address?: {
    lines: readonly string[];
    city?: string;
    /** N402: two-letter state or province code. */
    region?: string;
    postalCode?: string;
    country?: string;
  };
}

/** One thing wrong with the input; `path` names it like a validation error (`lines[2].accepted`). */
export interface OutboundError {
  path: string;
  message: string;
}

export type DocumentType = "846" | "855" | "856" | "940";

export type OutboundResult =
  | {
      ok: true;
      document: DocumentType;
      /** The interchange, ISA to IEA. */
      text: string;
      /** Store these as the partner's `last` before sending (the next call continues from them). */
      control: ControlNumbers;
      /** The control numbers as written: ISA13, GS06 and each ST02 (a 997 from the partner names GS06/ST02). */
      written: { isa13: string; gs06: string; st02: string[] };
    }
  | { ok: false; document: DocumentType; errors: OutboundError[] };

/** What every writer needs besides the document. */
export interface WriteContext {
  /** The partner's last control numbers (null for the first interchange ever). */
  last: ControlNumbers | null;
  /** Clock for the ISA/GS dates and defaults such as BAK09 or BSN03. */
  now: Date;
}
