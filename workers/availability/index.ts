import type { Env } from "../../lib/env";
export default {
  async fetch() { return new Response("todo", { status: 501 }); },
  async queue() {},
  async scheduled() {},
} satisfies ExportedHandler<Env>;
