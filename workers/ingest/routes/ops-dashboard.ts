/** The /ops page: a self-contained dashboard that reads the ops API with a token the operator types in (built in ../dashboard/). */
export { dashboardHtml } from "../dashboard/page";
