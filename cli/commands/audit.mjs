// `switchyard audit list`: the audit log of admin changes and operator actions.
import { emit, table } from "../output.mjs";
import { count, leaf, run } from "../context.mjs";

export function registerAudit(program) {
  const audit = program.command("audit").description("who changed what (admin changes and operator actions)");
  leaf(audit, "list", "newest first: actor, action, resource, before → after (secrets redacted)")
    .option("--resource <type>", "connection, api_key, channel_policy, subscription, dead_letter, …")
    .option("--id <resourceId>", "one resource's history")
    .option("--limit <n>", "how many", count)
    .action(
      run(async ({ opts, request }) => {
        const q = new URLSearchParams();
        if (opts.resource) q.set("resource", opts.resource);
        if (opts.id) q.set("resourceId", opts.id);
        if (opts.limit) q.set("limit", String(opts.limit));
        const r = await request("GET", `/v1/admin/audit${q.size ? `?${q}` : ""}`);
        emit(opts, r, () =>
          table(r.items, [
            ["at", (e) => e.at],
            ["actor", (e) => e.actor],
            ["action", (e) => e.action],
            ["resource", (e) => `${e.resource}/${e.resourceId}`],
            ["before", (e) => e.before],
            ["after", (e) => e.after],
          ]),
        );
      }),
    );
}
