/** Outbound calls to fulfillers (WMS release events, 3PL 940s) and EDI partners (855, 856). */
export { classifyDelivery, post, type DeliveryDeps, type DeliveryOutcome } from "./deliver";
export { sendReleaseEvent } from "./standard";
export { sendInterchange } from "./x12";
