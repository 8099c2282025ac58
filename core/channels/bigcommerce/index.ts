export { bigcommerceAdapter } from "./adapter";
export { BIGCOMMERCE_STATUSES, bigcommerceOrderToCanonical } from "./order";
