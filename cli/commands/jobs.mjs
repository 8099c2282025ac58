// Bulk jobs: `switchyard snapshots import <file>`, `switchyard master import <products|customers>
// <file>`, `switchyard jobs show <id>`. The file is streamed to the server (gzipped on the way with
// --gzip; a .gz file is sent as it is), then the job is followed to its end with a progress bar on
// a terminal (stderr), and its report printed (a table, or --json).
import { createReadStream, existsSync, statSync } from "node:fs";
import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import { CliError, problemLine, resolveTarget } from "../client.mjs";
import { leaf, run } from "../context.mjs";
import { emit, pairs, table } from "../output.mjs";

const POLL_MS = 500;

async function upload(url, token, path, file, gzip) {
  if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`no such file: ${file}`);
  if (!token) throw new CliError("no admin token: set SWITCHYARD_ADMIN_TOKEN (or ADMIN_TOKEN)");
  const already = file.endsWith(".gz");
  const stream = gzip && !already ? createReadStream(file).pipe(createGzip()) : createReadStream(file);
  const headers = { authorization: `Bearer ${token}`, accept: "application/json", "content-type": already ? "application/gzip" : "application/x-ndjson", ...(gzip && !already ? { "content-encoding": "gzip" } : {}) };
  let res;
  try {
    res = await fetch(`${url}${path}`, { method: "POST", headers, body: Readable.toWeb(stream), duplex: "half" });
  } catch (e) {
    throw new CliError(`cannot reach ${url} (${e?.cause?.code ?? e?.cause?.message ?? e?.message ?? "network error"})`);
  }
  const text = await res.text();
  if (!res.ok) throw new CliError(problemLine(res.status, text));
  return JSON.parse(text);
}

function bar(r) {
  const total = Math.max(1, r.chunks.sent);
  const share = r.state === "running" ? Math.min(1, r.chunks.done / total) : 1;
  const width = 30;
  const filled = Math.round(share * width);
  return `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}%  ${r.rows} rows: ${r.applied} applied, ${r.stale} stale, ${r.rejectedCount} rejected`;
}

/** Polls the job until it is no longer running; a bar on stderr when it is a terminal. */
async function follow(request, jobId) {
  const tty = process.stderr.isTTY;
  for (;;) {
    const r = await request("GET", `/v1/jobs/${jobId}`);
    if (tty) process.stderr.write(`\r${bar(r)}`);
    if (r.state !== "running") {
      if (tty) process.stderr.write("\n");
      return r;
    }
    await new Promise((res) => setTimeout(res, POLL_MS));
  }
}

function human(r) {
  const head = pairs([
    ["job", r.jobId],
    ["kind", r.kind],
    ["state", r.state],
    ["rows", r.rows],
    ["applied", r.applied],
    ["stale", r.stale],
    ["rejected", r.rejectedCount],
    ...(r.error ? [["error", r.error]] : []),
  ]);
  if (!r.rejected.length) return head;
  const more = r.rejectedCount > r.rejected.length ? `\n… and ${r.rejectedCount - r.rejected.length} more` : "";
  return `${head}\n\n${table(r.rejected, [["line", (x) => x.line], ["reason", (x) => x.reason]])}${more}`;
}

function finish(opts, r) {
  emit(opts, r, human);
  if (r.state === "failed") throw new CliError(`job ${r.jobId} failed: ${r.error ?? "see the report"}`);
}

function importCommand(parent, spec, description, path) {
  return leaf(parent, spec, description)
    .option("--gzip", "gzip the file on the way (a .gz file is sent as it is)")
    .option("--no-wait", "print the job id and return without following the job")
    .action(
      run(async ({ args, opts, request, url }) => {
        const [a, b] = args;
        const target = b === undefined ? path(null) : path(a);
        const file = b === undefined ? a : b;
        const { token } = resolveTarget(url);
        const started = await upload(url, token, target, file, !!opts.gzip);
        if (!opts.wait) return emit(opts, started, (s) => pairs([["job", s.jobId], ["rows", s.rows], ["rejected", s.rejected]]));
        finish(opts, await follow(request, started.jobId));
      }),
    );
}

export function registerJobs(program) {
  const snapshots = program.command("snapshots").description("bulk inventory snapshots (NDJSON, one { sku, location, asOf, quantities } per line)");
  importCommand(snapshots, "import <file>", "stream a snapshot file into a job and follow it to its report", () => "/v1/inventory/snapshots");

  const master = program.command("master").description("master data in bulk (NDJSON, one record per line)");
  importCommand(master, "import <kind> <file>", "stream products or customers (kind: products | customers) into a job and follow it", (kind) => {
    if (kind !== "products" && kind !== "customers") throw new CliError(`kind must be products or customers, not ${kind}`);
    return `/v1/master/${kind}`;
  });

  const jobs = program.command("jobs").description("bulk jobs (snapshots, master data)");
  leaf(jobs, "show <jobId>", "a job's progress and report (--watch follows it to its end)")
    .option("--watch", "follow the job until it is done, with a progress bar on a terminal")
    .action(
      run(async ({ args, opts, request }) => {
        const r = opts.watch ? await follow(request, args[0]) : await request("GET", `/v1/jobs/${encodeURIComponent(args[0])}`);
        finish(opts, r);
      }),
    );
}
