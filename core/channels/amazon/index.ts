export { amazonAdapter } from "./adapter";
