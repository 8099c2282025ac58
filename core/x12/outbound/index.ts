/**
 * Outbound X12: 846, 855, 856 and 940 writers, the control-number allocator and the SSCC-18
 * builder. Pure: the caller keeps each partner's last control numbers (see control-numbers.ts).
 * See ../README.md for the conventions and their sources.
 */
export { nextControlNumbers, MAX_CONTROL_NUMBER } from "./control-numbers";
export { buildSscc, gs1CheckDigit, isValidSscc, type SsccResult } from "./sscc";
export { write846, type InventoryAdvice, type InventoryAdviceItem } from "./write-846";
export { write855, type AckLine, type PurchaseOrderAck } from "./write-855";
export { write856, type ShipItem, type ShipNotice, type ShipOrder, type ShipPack } from "./write-856";
export { write940, type ShippingOrderLine, type WarehouseShippingOrder } from "./write-940";
export type {
  ControlNumbers, DateInput, DocumentType, InterchangeId, ItemRef, OutboundError, OutboundResult, PartnerSettings, PartyInput, WriteContext,
} from "./types";
