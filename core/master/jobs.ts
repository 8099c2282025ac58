/** A bulk job's report (GET /v1/jobs/{jobId}), kept by its MasterDO (durable-objects/master). */
export type JobKind = "inventory" | "products" | "customers";
export interface Rejection {
  line: number;
  reason: string;
}
export interface JobReport {
  jobId: string;
  kind: JobKind;
  state: "running" | "done" | "failed";
  rows: number;
  applied: number;
  stale: number;
  rejected: Rejection[];
  rejectedCount: number;
  chunks: { sent: number; done: number };
  /** Rejections past the kept ones: counted only. */
  overflow?: number;
  createdAt: string;
  readAt?: string;
  finishedAt?: string;
  error?: string;
}

