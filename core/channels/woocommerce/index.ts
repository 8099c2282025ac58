export { woocommerceAdapter } from "./adapter";
