/**
 * The Workers' bindings, as wrangler generates them from the three configs (`IngestEnv` in
 * types/ingest-env.d.ts, regenerated with `node scripts/check-deploy.mjs --write-types` and
 * checked against the configs in CI), with the queue messages typed and vars read as strings.
 * The availability service binding is a plain Fetcher here: its generated type refers back to
 * the availability Worker, which itself takes this Env.
 */
import type { DispatchMessage, EventMessage, ImportMessage } from "./messages";

type Generated = Omit<IngestEnv, "AVAILABILITY">;
type VarNames = { [K in keyof Generated]: Generated[K] extends string ? K : never }[keyof Generated];

export type Env = Omit<Generated, VarNames | "DISPATCH_QUEUE" | "EVENTS_QUEUE" | "IMPORTS_QUEUE"> & { [K in VarNames]: string } & {
  DISPATCH_QUEUE: Queue<DispatchMessage>;
  EVENTS_QUEUE: Queue<EventMessage>;
  IMPORTS_QUEUE: Queue<ImportMessage>;
  /** The availability Worker, reached through a service binding from ingest. */
  AVAILABILITY?: Fetcher;
  /** Tests and `npm run chaos` only: "on" arms the objects' fault points (durable-objects/faults.ts). */
  FAULT_INJECTION?: string;
  /** How long owed effects that failed wait before the order's alarm tries again (ms); default 15 000. */
  EFFECTS_RETRY_MS?: string;
  /** How long an order's D1 projection waits for more changes to write them together (ms); default 1000, 0 writes at once. */
  PROJECTION_COALESCE_MS?: string;
  /** Transient failures of one published figure before it is dead-lettered; default 8. */
  PUBLISH_MAX_ATTEMPTS?: string;
  /** Request body read deadline (ms); default 10 000. */
  BODY_READ_TIMEOUT_MS?: string;
  /** Silence alerts: the least quiet (s) a learned cadence raises; default 300. */
  SILENCE_FLOOR_SECONDS?: string;
  /** Silence alerts: how many usual gaps of quiet make a connection silent; default 4. */
  SILENCE_MULTIPLE?: string;
  /** Seconds between scheduled reconciliation runs (jobs/reconcile.ts); default 900. */
  RECONCILE_INTERVAL_SECONDS?: string;
  /** Chaos runs only: ms an order waits between its answer and its ERP hand-off, to be killed in between. */
  CHAOS_DELAY_EFFECTS_MS?: string;
};
