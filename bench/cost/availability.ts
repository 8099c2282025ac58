/** Cost-run entry for the availability Worker (reached through ingest's service binding), metered. */
import app from "../../workers/availability/index";
import { add, flush, setScript, wrapEnv } from "./meter";

setScript("availability");

export default {
  async fetch(request: Request, env: object, ctx: ExecutionContext): Promise<Response> {
    add("worker.invocations.availability");
    try {
      return await app.fetch(request as never, wrapEnv(env, "availability") as never, ctx);
    } finally {
      flush("availability.fetch");
    }
  },
};
