// Admin commands: connections, API keys, channel policies, subscriptions.
import { Option } from "commander";
import { emit, pairs, table } from "../output.mjs";
import { CliError, count, leaf, list, percent, run } from "../context.mjs";

const KINDS = ["shopify", "woocommerce", "bigcommerce", "amazon", "standard", "x12"];
const SCOPES = ["orders:write", "orders:read", "inventory:write", "availability:read", "shipments:write", "returns:write", "ops:read", "ops:write", "master:write"];
const enc = encodeURIComponent;

const connectionColumns = [
  ["id", (c) => c.id],
  ["kind", (c) => c.kind],
  ["channel", (c) => c.channel],
  ["name", (c) => c.name],
  ["updated", (c) => c.updatedAt],
];

export function registerConnections(program) {
  const connections = program.command("connections").description("inbound sources (webhooks, EDI) and their secrets");

  leaf(connections, "add <id>", "create or replace a connection (PUT: replaces kind, secret, name and settings)")
    .addOption(new Option("--kind <kind>", "provider").choices(KINDS).makeOptionMandatory())
    .requiredOption("--secret <secret>", "the provider's signing secret / token (stored encrypted, never shown again)")
    .option("--name <name>", "display name")
    .option("--channel <channel>", "channel the connection belongs to (default: the connection id)")
    .action(
      run(async ({ args: [id], opts, request }) => {
        const body = { kind: opts.kind, secret: opts.secret, ...(opts.name ? { name: opts.name } : {}), ...(opts.channel ? { settings: { channel: opts.channel } } : {}) };
        const c = await request("PUT", `/v1/admin/connections/${enc(id)}`, body);
        emit(opts, c, () => `Connection ${c.id} (${c.kind}) saved on channel ${c.channel}. Webhooks: POST /v1/webhooks/${c.id}${c.kind === "x12" ? `; EDI: POST /v1/edi/${c.id}` : ""}`);
      }),
    );

  leaf(connections, "list", "list connections (secrets are never returned)").action(
    run(async ({ opts, request }) => {
      const r = await request("GET", "/v1/admin/connections");
      emit(opts, r, () => table(r.items, connectionColumns));
    }),
  );

  leaf(connections, "rotate <id>", "replace a connection's secret")
    .requiredOption("--secret <secret>", "the new secret")
    .action(
      run(async ({ args: [id], opts, request }) => {
        const c = await request("POST", `/v1/admin/connections/${enc(id)}/rotate`, { secret: opts.secret });
        emit(opts, c, () => `Secret of ${c.id} rotated at ${c.updatedAt}; deliveries signed with the old secret now get 401.`);
      }),
    );
}

export function registerKeys(program) {
  const keys = program.command("keys").description("partner API keys");

  leaf(keys, "create", "create an API key (the key is shown once)")
    .requiredOption("--name <name>", "who or what the key is for")
    .requiredOption("--scopes <a,b,...>", `comma-separated: ${SCOPES.join(", ")}`, list)
    .option("--rate <perMinute>", "requests per minute before 429", count)
    .action(
      run(async ({ opts, request }) => {
        const unknown = opts.scopes.filter((s) => !SCOPES.includes(s));
        if (unknown.length) throw new CliError(`unknown scope ${unknown.join(", ")}; known: ${SCOPES.join(", ")}`);
        const k = await request("POST", "/v1/admin/api-keys", { name: opts.name, scopes: opts.scopes, ...(opts.rate ? { ratePerMinute: opts.rate } : {}) });
        emit(opts, k, () => `${pairs([["id", k.id], ["name", k.name], ["scopes", k.scopes], ["key", k.key]])}\n\nStore the key now: it is shown once and kept only as a hash.`);
      }),
    );

  leaf(keys, "list", "list API keys (prefix only)").action(
    run(async ({ opts, request }) => {
      const r = await request("GET", "/v1/admin/api-keys");
      emit(opts, r, () =>
        table(r.items, [
          ["id", (k) => k.id],
          ["name", (k) => k.name],
          ["prefix", (k) => k.prefix],
          ["scopes", (k) => k.scopes],
          ["rate/min", (k) => k.ratePerMinute],
          ["created", (k) => k.createdAt],
          ["revoked", (k) => k.revokedAt],
        ]),
      );
    }),
  );

  leaf(keys, "revoke <id>", "revoke an API key (effective within seconds)").action(
    run(async ({ args: [id], opts, request }) => {
      const r = await request("DELETE", `/v1/admin/api-keys/${enc(id)}`);
      emit(opts, r, `Key ${id} revoked.`);
    }),
  );
}

const policyColumns = [
  ["channel", (p) => p.channel],
  ["locations", (p) => p.policy.locations],
  ["percent", (p) => p.policy.percent],
  ["max", (p) => p.policy.max],
  ["buffer", (p) => p.policy.buffer],
  ["end<", (p) => p.policy.endWhenBelow],
  ["pool", (p) => p.policy.pool],
  ["backorder", (p) => p.policy.backorder],
  ["updated", (p) => p.updatedAt],
];

export function registerPolicy(program) {
  const policy = program.command("policy").description("channel policies: what each channel may see and take");

  leaf(policy, "set <channel>", "set a channel's policy; flags not given keep their current value")
    .option("--locations <DC1,DC2>", "eligible locations in priority order", list)
    .option("--percent <n>", "share of the pool shown (0-100)", percent)
    .option("--max <n>", "most ever shown", count)
    .option("--buffer <n>", "units held back from what is shown", count)
    .option("--end-when-below <n>", "show 0 once the pool is below this", count)
    .option("--pool <n>", "enforced: most this channel may hold of one SKU", count)
    .option("--backorder", "accept the unreservable part of a line as backordered")
    .option("--no-backorder", "reject what cannot be reserved (the default)")
    .option("--no-split", "never split one line across locations")
    .action(
      run(async ({ args: [channel], opts, request, url }) => {
        let current = {};
        try {
          current = (await request("GET", `/v1/admin/channels/${enc(channel)}/policy`)).policy ?? {};
        } catch (e) {
          if (!/^Not found/.test(e.message)) throw e;
        }
        const next = { ...current };
        for (const k of ["locations", "percent", "max", "buffer", "endWhenBelow", "pool", "backorder"]) if (opts[k] !== undefined) next[k] = opts[k];
        if (opts.split === false) next.split = false;
        if (!next.locations) throw new CliError(`channel ${channel} has no policy yet: give --locations (e.g. --locations DC1,DC2)`);
        const r = await request("PUT", `/v1/admin/channels/${enc(channel)}/policy`, next);
        emit(opts, r, () => `Policy of ${r.channel} saved:\n${table([{ ...r, updatedAt: "now" }], policyColumns)}\n(See it applied: GET ${url}/v1/availability/<sku>?channel=${r.channel})`);
      }),
    );

  leaf(policy, "list", "list channel policies").action(
    run(async ({ opts, request }) => {
      const r = await request("GET", "/v1/admin/channels");
      emit(opts, r, () => table(r.items, policyColumns));
    }),
  );
}

export function registerSubscriptions(program) {
  const subs = program.command("subscriptions").description("outbound event subscribers (Standard Webhooks)");

  // `--url` here is the subscriber's URL; the Switchyard URL comes from SWITCHYARD_URL or from
  // `switchyard --url <switchyard> subscriptions add …` (before the command).
  leaf(subs, "add <id>", "create or replace a subscription", { urlOption: false })
    .requiredOption("--url <url>", "where events are POSTed (the Switchyard URL goes before the command: switchyard --url <switchyard> subscriptions add …)")
    .requiredOption("--secret <secret>", "Standard Webhooks signing secret (whsec_…)")
    .requiredOption("--events <a,b>", "event types or patterns, e.g. order.*,shipment.updated", list)
    .action(
      run(
        async ({ args: [id], opts, request }) => {
          const r = await request("PUT", `/v1/admin/subscriptions/${enc(id)}`, { url: opts.url, secret: opts.secret, events: opts.events });
          emit(opts, r, () => `Subscription ${r.id} → ${r.url} for ${r.events.join(", ")}`);
        },
        { urlOption: false },
      ),
    );

  leaf(subs, "list", "list subscriptions").action(
    run(async ({ opts, request }) => {
      const r = await request("GET", "/v1/admin/subscriptions");
      emit(opts, r, () =>
        table(r.items, [
          ["id", (s) => s.id],
          ["url", (s) => s.url],
          ["events", (s) => s.events],
          ["updated", (s) => s.updatedAt],
        ]),
      );
    }),
  );
}
