/**
 * Bulk imports (inventory snapshots, products, customers) as jobs: the reader validates each
 * NDJSON line as it streams in, refuses bad ones with their line number, and queues the good
 * ones in chunks (IMPORTS_QUEUE, under a queue message's size); the imports consumer applies a
 * chunk (snapshots through each SKU's InventoryDO, grouped by SKU, under the same watermark
 * rules as single events; records through the conditional upserts) and reports it to the job's
 * object (durable-objects/master), which counts every part of a chunk once.
 *
 * A snapshot row's event id is derived from its content (source, SKU, location, asOf, sequence,
 * quantities), so a file sent again applies nothing twice: every row is a duplicate or older
 * than what is applied, and the job counts it `stale`.
 */
import { z } from "zod";
import { fieldIssues, inventoryQuantitiesSchema, type InventoryEvent } from "../core/canonical";
import { unownedFigures } from "../core/inventory/events";
import { FIGURE_OWNERS } from "../core/inventory/position";
import { jobObjectName } from "../core/keys";
import { customerLineSchema, productLineSchema, type CustomerBody, type ProductBody } from "../core/master/model";
import { jsonDepth } from "../core/text";
import type { JobKind, JobReport, Rejection } from "../core/master/jobs";
import type { Env } from "./env";
import { MAX_JSON_DEPTH, ProblemError } from "./http";
import { log } from "./log";
import { writeCustomers, writeProducts } from "./master";
import type { ImportMessage } from "./messages";
import type { NdjsonLine } from "./ndjson";
import { withRetry } from "./reservations";

export const snapshotRowSchema = z
  .strictObject({
    sku: z.string().trim().min(1).max(120),
    location: z.string().trim().min(1).max(60),
    asOf: z.iso.datetime({ offset: true }),
    quantities: inventoryQuantitiesSchema,
    /** Who sends the snapshot: the ERP (default) or a 3PL for its own locations. */
    source: z.enum(["erp", "3pl"]).optional(),
    sequence: z.number().int().nonnegative().optional(),
  })
  .superRefine((r, ctx) => {
    for (const f of unownedFigures({ source: r.source ?? "erp", quantities: r.quantities } as InventoryEvent))
      ctx.addIssue({ code: "custom", path: ["quantities", f], message: `${f} is owned by ${FIGURE_OWNERS[f].join(" or ")}, not ${r.source ?? "erp"}` });
  });

const SCHEMAS: Record<JobKind, z.ZodType> = { inventory: snapshotRowSchema, products: productLineSchema, customers: customerLineSchema };
const TARGET: Record<JobKind, ImportMessage["target"]> = { inventory: "inventory", products: "products", customers: "customers" };

/** A chunk stays well under a queue message's 128 KB. */
const CHUNK_BYTES = 96 * 1024;
const CHUNK_ROWS = 500;
const PROGRESS_EVERY = 10;
/** Lines one job takes (a sender cannot stream forever); split bigger files. */
export const MAX_JOB_ROWS = 5_000_000;
/** The imports consumer's max_retries + 1 (workers/dispatch/wrangler.toml). */
export const IMPORT_ATTEMPTS = 6;

export const jobStub = (env: Env, jobId: string) => env.MASTER.getByName(jobObjectName(jobId));

export function newJobId(): string {
  return `job_${[...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Why a line is refused, or its row. */
export function parseLine(kind: JobKind, l: NdjsonLine): { row: Record<string, unknown> } | { reason: string } {
  if ("tooLong" in l) return { reason: "line longer than 64 KiB" };
  let value: unknown;
  try {
    value = JSON.parse(l.text);
  } catch {
    return { reason: "invalid JSON" };
  }
  if (jsonDepth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return { reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` };
  if (!value || typeof value !== "object" || Array.isArray(value)) return { reason: "a line must be a JSON object" };
  const r = SCHEMAS[kind].safeParse(value);
  if (!r.success) return { reason: fieldIssues(r.error).slice(0, 3).map((i) => `${i.path}: ${i.message}`).join("; ") };
  return { row: r.data as Record<string, unknown> };
}

/**
 * Reads the lines into the job: refused lines are recorded with their number, good rows are
 * queued in chunks. Returns once every chunk is queued (the job then runs on in the consumer).
 */
export async function readIntoJob(env: Env, jobId: string, kind: JobKind, lines: AsyncIterable<NdjsonLine>): Promise<JobReport> {
  const job = jobStub(env, jobId);
  await job.start(jobId, kind);
  let rows = 0;
  let chunk = 0;
  let buffer: ImportMessage["rows"] = [];
  let bytes = 0;
  let rejected: Rejection[] = [];
  const flush = async (finished: boolean) => {
    if (buffer.length) {
      chunk++;
      await env.IMPORTS_QUEUE.send({ kind: "import.chunk", key: `${jobId}:${chunk}`, version: 1, jobId, chunk, target: TARGET[kind], rows: buffer });
      buffer = [];
      bytes = 0;
    }
    // Progress goes to the job every few chunks (and at the end): one object call per ~5,000 rows.
    if (finished || rejected.length || chunk % PROGRESS_EVERY === 0) {
      await job.read({ rows, chunksSent: chunk, rejected, finished });
      rejected = [];
    }
  };
  try {
    for await (const l of lines) {
      rows++;
      if (rows > MAX_JOB_ROWS) throw new ProblemError(413, "Payload too large", `A job takes at most ${MAX_JOB_ROWS} lines; split the file.`);
      const p = parseLine(kind, l);
      if ("reason" in p) rejected.push({ line: l.line, reason: p.reason });
      else {
        buffer.push({ line: l.line, row: p.row });
        bytes += "text" in l ? l.text.length + 16 : 0;
      }
      if (bytes >= CHUNK_BYTES || buffer.length >= CHUNK_ROWS || rejected.length >= CHUNK_ROWS) await flush(false);
    }
    await flush(true);
  } catch (e) {
    await job.read({ rows, chunksSent: chunk, rejected, error: e instanceof Error ? e.message : String(e) }).catch(() => undefined);
    throw e;
  }
  return (await job.report())!;
}

/** A 53-bit string hash (cyrb53): enough to tell one SKU's snapshots apart. */
function hash(s: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

type Snapshot = z.infer<typeof snapshotRowSchema>;

export function snapshotEvent(r: Snapshot): InventoryEvent {
  const source = r.source ?? "erp";
  return {
    eventId: `snap:${hash(`${source}|${r.location}|${r.asOf}|${r.sequence ?? ""}|${JSON.stringify(r.quantities)}`)}`,
    source,
    type: "snapshot",
    sku: r.sku,
    location: r.location,
    asOf: r.asOf,
    ...(r.sequence !== undefined ? { sequence: r.sequence } : {}),
    quantities: r.quantities,
  };
}

type Part = { key: string; applied: number; stale: number };

async function applyInventory(env: Env, rows: ImportMessage["rows"]): Promise<{ parts: Part[]; failed: unknown }> {
  const bySku = new Map<string, InventoryEvent[]>();
  for (const { row } of rows) {
    const e = snapshotEvent(row as Snapshot);
    bySku.set(e.sku, [...(bySku.get(e.sku) ?? []), e]);
  }
  const settled = await Promise.allSettled([...bySku].map(([sku, events]) => withRetry(env, sku, (s) => s.applyEvents(events)).then((o) => ({ sku, o }))));
  const parts: Part[] = [];
  let failed: unknown = null;
  for (const r of settled) {
    if (r.status === "rejected") failed ??= r.reason;
    else parts.push({ key: r.value.sku, applied: r.value.o.filter((x) => x === "accepted").length, stale: r.value.o.filter((x) => x !== "accepted").length });
  }
  return { parts, failed };
}

async function applyRecords(env: Env, target: "products" | "customers", rows: ImportMessage["rows"], retried: boolean): Promise<Part[]> {
  const results =
    target === "products"
      ? await writeProducts(env, rows.map(({ row }) => { const { sku, ...body } = row as ProductBody & { sku: string }; return { sku, body: body as ProductBody }; }))
      : await writeCustomers(env, rows.map(({ row }) => { const { id, ...body } = row as CustomerBody & { id: string }; return { id, body: body as CustomerBody }; }), { bulk: true });
  // A retried chunk finds its own first attempt's writes unchanged: those count as applied.
  const applied = results.filter((r) => r.outcome === "created" || r.outcome === "updated" || (retried && r.outcome === "unchanged")).length;
  return [{ key: "records", applied, stale: results.length - applied }];
}

/**
 * Applies one chunk where the objects live (called by the job's object, so the per-SKU calls
 * stay inside the Worker that hosts them: one cross-Worker call per chunk, not one per SKU).
 * Returns the parts applied; throws after reporting what applied when some part failed.
 */
export async function applyChunk(env: Env, m: ImportMessage, retried: boolean, report: (r: { parts: Part[]; rejected: Rejection[]; complete: boolean }) => unknown): Promise<unknown> {
  if (m.target === "inventory") {
    const { parts, failed } = await applyInventory(env, m.rows);
    if (failed) {
      if (parts.length) report({ parts, rejected: [], complete: false });
      throw failed instanceof Error ? failed : new Error(String(failed));
    }
    return report({ parts, rejected: [], complete: true });
  }
  return report({ parts: await applyRecords(env, m.target, m.rows, retried), rejected: [], complete: true });
}

/** The imports consumer: hands one chunk to its job's object; acks, retries, or after the last attempt reports its rows rejected. */
export async function handleImportChunk(msg: Message<ImportMessage>, env: Env): Promise<void> {
  const m = msg.body;
  const job = jobStub(env, m.jobId);
  try {
    await job.applyChunk(m, msg.attempts > 1);
    msg.ack();
  } catch (e) {
    log.error("import chunk failed", { jobId: m.jobId, chunk: m.chunk, attempt: msg.attempts, error: String(e) });
    if (msg.attempts < IMPORT_ATTEMPTS) {
      msg.retry({ delaySeconds: Math.min(60, 2 ** msg.attempts) });
      return;
    }
    // Out of attempts: the rows are reported rejected (re-sending the file applies them; nothing applies twice).
    try {
      const reason = `not applied after ${msg.attempts} attempts: ${String(e).slice(0, 200)}`;
      await job.chunkDone(m.chunk, { parts: [], rejected: m.rows.map((r) => ({ line: r.line, reason })), complete: true });
      msg.ack();
    } catch {
      msg.retry({ delaySeconds: 60 });
    }
  }
}
