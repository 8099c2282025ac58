// Ops commands: status, dead letters (list, replay), exceptions, reconcile, and one order's story.
import { Option } from "commander";
import { emit, pairs, table } from "../output.mjs";
import { CliError, count, leaf, run } from "../context.mjs";

const enc = encodeURIComponent;
const counts = (o) => Object.entries(o ?? {}).map(([k, v]) => `${k} ${v}`).join(", ") || "-";

export function registerStatus(program) {
  leaf(program, "status", "orders by status, ERP hand-off, open dead letters and exceptions").action(
    run(async ({ opts, request, url }) => {
      const s = await request("GET", "/v1/ops/summary");
      emit(opts, s, () =>
        pairs([
          ["switchyard", url],
          ["at", s.at],
          ["orders", `${s.orders?.total ?? 0} (${counts(s.orders?.byStatus)})`],
          ["erp hand-off", counts(s.dispatch)],
          ["dead letters", `${s.deadLetters?.open ?? 0} open / ${s.deadLetters?.total ?? 0} total`],
          ["exceptions", `${s.exceptions?.open ?? 0} open`],
        ]),
      );
    }),
  );
}

const deadLetterColumns = [
  ["id", (d) => d.id],
  ["kind", (d) => d.kind],
  ["order", (d) => d.orderId],
  ["attempts", (d) => d.attempts],
  ["reason", (d) => d.reason],
  ["created", (d) => d.createdAt],
  ["replayed", (d) => (d.replayCount ? `${d.replayCount}× ${d.replayedAt}` : "")],
];

async function listDeadLetters(request, { filter, state = "open", limit = 500 }) {
  const q = new URLSearchParams({ state, limit: String(limit), ...(filter ? { filter } : {}) });
  return (await request("GET", `/v1/ops/dead-letters?${q}`)).items ?? [];
}

async function replayAll(request, opts) {
  const open = await listDeadLetters(request, { filter: opts.filter });
  if (opts.dryRun) {
    return { dryRun: true, items: open.map((d) => ({ id: d.id, kind: d.kind, orderId: d.orderId, reason: d.reason, replayed: false })) };
  }
  const results = [];
  const seen = new Set();
  // The list is newest first and capped: page until a page holds nothing already tried.
  for (let page = open; page.some((d) => !seen.has(d.id)); page = await listDeadLetters(request, { filter: opts.filter })) {
    for (const d of page) {
      if (seen.has(d.id)) continue;
      seen.add(d.id);
      try {
        const r = await request("POST", `/v1/ops/dead-letters/${enc(d.id)}/replay`);
        results.push({ ...r, reason: d.reason });
      } catch (e) {
        results.push({ id: d.id, kind: d.kind, orderId: d.orderId, replayed: false, error: e.message });
      }
    }
  }
  return { dryRun: false, items: results };
}

export function registerDeadLetters(program) {
  const dl = program.command("dead-letters").description("work that exhausted its retries");

  leaf(dl, "list", "list dead letters (open ones by default)")
    .option("--filter <text>", "only those whose reason, kind or order id contains this")
    .addOption(new Option("--state <state>", "which ones").choices(["open", "replayed", "all"]).default("open"))
    .option("--limit <n>", "at most this many (1-500)", count, 100)
    .action(
      run(async ({ opts, request }) => {
        const items = await listDeadLetters(request, opts);
        emit(opts, { items }, () => table(items, deadLetterColumns));
      }),
    );

  leaf(dl, "replay [id]", "put dead-lettered work back on its queue: one id, or --all open ones")
    .option("--all", "replay every open dead letter (matching --filter)")
    .option("--filter <text>", "with --all: only those whose reason, kind or order id contains this")
    .option("--dry-run", "show what would be replayed, change nothing")
    .action(
      run(async ({ args: [id], opts, request }) => {
        if (id && opts.all) throw new CliError("give a dead letter id or --all, not both");
        if (!id && !opts.all) throw new CliError("give a dead letter id, or --all to replay every open one");
        if (id) {
          const r = await request("POST", `/v1/ops/dead-letters/${enc(id)}/replay${opts.dryRun ? "?dryRun=true" : ""}`);
          emit(opts, r, () => (opts.dryRun ? `Would replay ${r.id} (${r.kind}${r.orderId ? `, order ${r.orderId}` : ""}).` : `Replayed ${r.id} (${r.kind}${r.orderId ? `, order ${r.orderId}` : ""}).`));
          return;
        }
        const out = await replayAll(request, opts);
        const failed = out.items.filter((r) => r.error);
        emit(opts, out, () => {
          const head = out.dryRun ? `Would replay ${out.items.length} open dead letter(s):` : `Replayed ${out.items.length - failed.length} of ${out.items.length} dead letter(s):`;
          return `${head}\n${table(out.items, [
            ["id", (r) => r.id],
            ["kind", (r) => r.kind],
            ["order", (r) => r.orderId],
            [out.dryRun ? "reason" : "result", (r) => (out.dryRun ? r.reason : r.error ?? "replayed")],
          ])}`;
        });
        if (failed.length) throw new CliError(`${failed.length} of ${out.items.length} replays failed; first: ${failed[0].id}: ${failed[0].error}`);
      }),
    );
}

export function registerExceptions(program) {
  const ex = program.command("exceptions").description("open exceptions: quarantined events and orders in exception");
  leaf(ex, "list", "list open exceptions")
    .option("--filter <text>", "only those whose reason, kind or ids contain this")
    .option("--limit <n>", "at most this many of each sort (1-500)", count, 100)
    .action(
      run(async ({ opts, request }) => {
        const q = new URLSearchParams({ limit: String(opts.limit), ...(opts.filter ? { filter: opts.filter } : {}) });
        const r = await request("GET", `/v1/ops/exceptions?${q}`);
        emit(opts, r, () =>
          table(r.items ?? [], [
            ["id", (e) => e.id],
            ["kind", (e) => e.kind],
            ["order", (e) => e.orderId],
            ["reason", (e) => e.reason],
            ["at", (e) => e.at],
          ]),
        );
      }),
    );
}

export function registerReconcile(program) {
  leaf(program, "reconcile", "compare with the ERP, the WMS/3PL counts and what channels were told; heal what is safe, list the rest").action(
    run(async ({ opts, request }) => {
      const r = await request("POST", "/v1/ops/reconcile");
      const requeued = Array.isArray(r.requeued) ? r.requeued : [];
      const odd = Array.isArray(r.confirmedWithoutErpId) ? r.confirmedWithoutErpId : [];
      emit(opts, r, () =>
        [
          `Re-enqueued ${requeued.length} order(s) for the ERP${requeued.length ? `: ${requeued.map((x) => (typeof x === "string" ? x : x.orderId ?? JSON.stringify(x))).join(", ")}` : "."}`,
          `Confirmed without an ERP order id: ${odd.length ? odd.join(", ") : "none"}.`,
          ...(Array.isArray(r.discrepancies) ? [`Discrepancies: ${r.discrepancies.length}${r.discrepancies.length ? "" : "."}`, ...r.discrepancies.map((d) => `  ${d.healed ? "healed" : "RAISED"}  ${d.type}  ${d.explanation}`)] : []),
          ...(Array.isArray(r.unchecked) && r.unchecked.length ? [`Not compared: ${r.unchecked.join("; ")}`] : []),
        ].join("\n"),
      );
    }),
  );
}

export function registerOrders(program) {
  const orders = program.command("orders").description("look up orders");
  leaf(orders, "get <orderId>", "one order: status, ERP id, lines and its timeline").action(
    run(async ({ args: [id], opts, request }) => {
      const o = await request("GET", `/v1/orders/${enc(id)}`);
      emit(opts, o, () =>
        [
          pairs([
            ["order", o.orderId],
            ["channel / external id", `${o.channel} / ${o.externalId}`],
            ["status", o.status],
            ["erp order id", o.erpOrderId],
            ["orchestration id", o.orchestrationId],
          ]),
          "",
          table(o.lines ?? [], [
            ["sku", (l) => l.sku],
            ["qty", (l) => l.quantity],
            ["reserved", (l) => l.reserved],
            ["backordered", (l) => l.backordered],
            ["shipped", (l) => l.shipped],
          ]),
          "",
          table(o.timeline ?? [], [
            ["at", (t) => t.at],
            ["type", (t) => t.type],
            ["source", (t) => t.source],
            ["detail", (t) => t.detail],
          ]),
        ].join("\n"),
      );
    }),
  );
}
