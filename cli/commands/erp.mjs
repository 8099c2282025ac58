// ERP connections: add (PUT, settings validated per kind by the server), list, test, poll, remove.
import { InvalidArgumentError, Option } from "commander";
import { emit, pairs, table } from "../output.mjs";
import { leaf, run } from "../context.mjs";

const KINDS = ["http", "tryton", "business-central", "odoo"];
const enc = encodeURIComponent;

/** `k=v` → [k, v]; repeated options collect into a list. */
function keyValue(v, previous = []) {
  const i = v.indexOf("=");
  if (i <= 0) throw new InvalidArgumentError(`Expected key=value, got "${v}".`);
  return [...previous, [v.slice(0, i).trim(), v.slice(i + 1)]];
}

/** A setting's value as JSON when it reads as one (numbers, booleans, objects), else the text. */
function settingValue(text) {
  if (/^(-?\d+(\.\d+)?|true|false|null)$/.test(text) || /^[[{]/.test(text)) {
    try {
      return JSON.parse(text);
    } catch {
      throw new InvalidArgumentError(`"${text}" looks like JSON but is not.`);
    }
  }
  return text;
}

/** `locations.DC1=WH` sets `{ locations: { DC1: "WH" } }`; a plain key sets itself. */
export function settingsOf(entries) {
  const out = {};
  for (const [k, raw] of entries) {
    const path = k.split(".");
    let node = out;
    for (const part of path.slice(0, -1)) node = node[part] = typeof node[part] === "object" && node[part] !== null ? node[part] : {};
    node[path[path.length - 1]] = settingValue(raw);
  }
  return out;
}

const columns = [
  ["id", (c) => c.id],
  ["kind", (c) => c.kind],
  ["default", (c) => (c.default ? "yes" : "")],
  ["base url", (c) => c.baseUrl],
  ["credentials", (c) => Object.keys(c.credentials)],
  ["updated", (c) => c.updatedAt],
];

export function registerErp(program) {
  const erp = program.command("erp").description("ERP connections (where orders are booked, and read back from)");

  // `--url` here is the ERP's base URL; the Switchyard URL comes from SWITCHYARD_URL or from
  // `switchyard --url <switchyard> erp add …` (before the command).
  leaf(erp, "add <id>", "create or replace an ERP connection (credentials are stored encrypted and never shown again)", { urlOption: false })
    .addOption(new Option("--kind <kind>", "the ERP").choices(KINDS).makeOptionMandatory())
    .requiredOption("--url <baseUrl>", "the ERP's base URL (the Switchyard URL goes before the command: switchyard --url <switchyard> erp add …)")
    .option("--credential <key=value>", "a credential, repeatable (tryton: database, username, password; business-central: tenantId, clientId, clientSecret; odoo: apiKey[, database, username]; http: token)", keyValue)
    .option("--setting <key=value>", "a setting, repeatable; nested with dots (locations.DC1=WH), numbers and true/false as such (pollSeconds=60)", keyValue)
    .option("--name <name>", "display name")
    .option("--default", "orders go here unless their channel's policy names another connection")
    .action(
      run(
        async ({ args: [id], opts, request }) => {
          const body = {
            kind: opts.kind,
            baseUrl: opts.url,
            credentials: Object.fromEntries(opts.credential ?? []),
            ...(opts.setting ? { settings: settingsOf(opts.setting) } : {}),
            ...(opts.name ? { name: opts.name } : {}),
            ...(opts.default ? { default: true } : {}),
          };
          const c = await request("PUT", `/v1/admin/erp-connections/${enc(id)}`, body);
          emit(opts, c, () => `ERP connection ${c.id} (${c.kind}, ${c.baseUrl}) saved${c.default ? " as the default" : ""}. Check it: switchyard erp test ${c.id}`);
        },
        { urlOption: false },
      ),
    );

  leaf(erp, "list", "list ERP connections (credentials by name only)").action(
    run(async ({ opts, request }) => {
      const r = await request("GET", "/v1/admin/erp-connections");
      emit(opts, r, () => table(r.items, columns));
    }),
  );

  leaf(erp, "test <id>", "call the ERP's health check with the saved configuration").action(
    run(async ({ args: [id], opts, request }) => {
      const r = await request("POST", `/v1/admin/erp-connections/${enc(id)}/test`);
      emit(opts, r, () => pairs([["connection", r.id], ["kind", r.kind], ["version", r.version], ["ok", r.detail], ["calls", r.calls], ["latency", `${r.latencyMs} ms`]]));
    }),
  );

  leaf(erp, "poll <id>", "read stock, order changes and shipments back from the ERP now").action(
    run(async ({ args: [id], opts, request }) => {
      const r = await request("POST", `/v1/admin/erp-connections/${enc(id)}/poll`);
      emit(opts, r, () =>
        r.skipped
          ? `Poll of ${id} skipped (${r.skipped}); next ${r.nextPollAt ?? "-"}`
          : pairs([
              ["connection", r.connection],
              ["outcome", r.reason ? `${r.outcome}: ${r.reason}` : r.outcome],
              ["stock rows", `${r.stock.rows} (${r.stock.accepted} applied, ${r.stock.duplicates} duplicate, ${r.stock.stale} stale)`],
              ["shipments", `${r.shipments.seen} (${r.shipments.accepted} applied)`],
              ["order changes", `${r.orders.changes} (${r.orders.noted} noted, ${r.orders.cancelled} cancelled)`],
              ["next poll", r.nextPollAt],
            ]),
      );
    }),
  );

  leaf(erp, "remove <id>", "delete an ERP connection").action(
    run(async ({ args: [id], opts, request }) => {
      const r = await request("DELETE", `/v1/admin/erp-connections/${enc(id)}`);
      emit(opts, r, () => `ERP connection ${r.id} deleted.`);
    }),
  );
}
