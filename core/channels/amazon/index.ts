export { amazonAdapter } from "./adapter";
export { amazonOrderToCanonical, isFulfilledByAmazon } from "./order";
