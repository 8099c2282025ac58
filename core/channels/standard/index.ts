export { standardAdapter } from "./adapter";
export { TOLERANCE_SECONDS } from "./signature";
