export { shopifyAdapter } from "./adapter";
