/**
 * Bulk jobs: `POST /v1/inventory/snapshots` (inventory:write) takes an NDJSON body of stock
 * snapshots, one `{ sku, location, asOf, quantities }` per line (gzip allowed), streams it line
 * by line into a job (lib/imports.ts) and answers `202 { jobId }` once every line is read and
 * queued; `GET /v1/jobs/{jobId}` reports the job from its object. The bulk master-data routes
 * (routes/master.ts) start their jobs here too.
 */
import { Hono, type Context } from "hono";
import { z } from "zod";
import { JOB_ID } from "../../../core/keys";
import type { JobKind } from "../../../core/master/jobs";
import { createRoute, json, problems, route } from "../../../lib/api";
import { bodyTimeout, param, ProblemError, requireScope, type AppEnv } from "../../../lib/http";
import { jobStub, newJobId, readIntoJob } from "../../../lib/imports";
import { isGzip, ndjsonLines } from "../../../lib/ndjson";

export const jobAnswer = z.object({ jobId: z.string(), state: z.enum(["running", "done", "failed"]), rows: z.number().int(), rejected: z.number().int() });

const report = z.object({
  jobId: z.string(),
  kind: z.enum(["inventory", "products", "customers"]),
  state: z.enum(["running", "done", "failed"]),
  rows: z.number().int(),
  applied: z.number().int(),
  stale: z.number().int(),
  rejected: z.array(z.object({ line: z.number().int(), reason: z.string() })),
  rejectedCount: z.number().int(),
  chunks: z.object({ sent: z.number().int(), done: z.number().int() }),
  createdAt: z.string(),
  readAt: z.string().optional(),
  finishedAt: z.string().optional(),
  error: z.string().optional(),
}).loose();

/**
 * A bulk body may pause while its chunks are queued (and, locally, while the same isolate applies
 * them): only a minute with no byte at all is a stalled sender.
 */
const IDLE_MS = 60_000;

const TYPES = new Set(["", "application/x-ndjson", "application/ndjson", "application/jsonl", "application/json", "text/plain", "application/gzip", "application/x-gzip"]);

/** Reads the request's NDJSON body into a new job of `kind`; 202 once it is all queued. */
export async function startJob(c: Context<AppEnv>, kind: JobKind | "products" | "customers"): Promise<Response> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (!TYPES.has(type)) throw new ProblemError(415, "Unsupported media type", `Send application/x-ndjson (or application/gzip); got ${type}.`);
  const body = c.req.raw.body;
  if (!body) throw new ProblemError(400, "Validation failed", "The body is empty: send one JSON object per line.", [{ path: "(body)", message: "no lines" }]);
  const jobId = newJobId();
  try {
    const r = await readIntoJob(c.env, jobId, kind, ndjsonLines(body, { gzip: isGzip(c), idleMs: Math.max(IDLE_MS, bodyTimeout(c.env)) }));
    return c.json({ jobId, state: r.state, rows: r.rows, rejected: r.rejectedCount }, 202);
  } catch (e) {
    // Rows queued before the body broke still apply (each is idempotent): the job says how far it got.
    if (e instanceof ProblemError) throw new ProblemError(e.status, e.title, `${e.detail ?? ""} Job ${jobId} is failed; rows read before the error may apply. Fix the file and send it again: nothing applies twice.`.trim(), e.errors, e.headers);
    throw e;
  }
}

export const jobRoutes = new Hono<AppEnv>();

route(
  jobRoutes,
  createRoute({
    method: "post",
    path: "/v1/inventory/snapshots",
    summary: "A bulk stock snapshot as NDJSON, one { sku, location, asOf, quantities } per line (gzip allowed); a job (inventory:write)",
    description: "Streamed, never held whole; each line is checked and refused with its line number, the rest fanned out to each SKU's object through a queue under the watermark rules of single snapshot events (asOf is the watermark). Sending the same file again applies nothing twice (every row stale).",
    security: [{ bearer: [] }],
    request: { body: { content: { "application/x-ndjson": { schema: z.string() }, "application/gzip": { schema: z.string() } }, required: true } },
    responses: { 202: json(jobAnswer, "Read and queued: poll GET /v1/jobs/{jobId}"), ...problems("validation-failed", "unauthorized", "forbidden", "unsupported-media-type") },
  }),
  requireScope("inventory:write"),
  (c) => startJob(c, "inventory"),
);

route(
  jobRoutes,
  createRoute({
    method: "get",
    path: "/v1/jobs/{jobId}",
    summary: "A bulk job's progress and final report (inventory:write, master:write or ops:read)",
    security: [{ bearer: [] }],
    request: { params: z.object({ jobId: z.string() }) },
    responses: { 200: json(report, "Rows read, applied, stale, and rejected with line numbers (the first 100 listed, all counted)"), ...problems("unauthorized", "forbidden", "not-found") },
  }),
  requireScope("inventory:write", "master:write", "ops:read"),
  async (c) => {
    const id = param(c, "jobId");
    const r = JOB_ID.test(id) ? await jobStub(c.env, id).report() : null;
    if (!r) throw new ProblemError(404, "Not found", `No job ${id}.`);
    return c.json(r);
  },
);
