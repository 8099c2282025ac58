import type { TransactionDO } from "../durable-objects/transaction-do";
import type { InventoryDO } from "../durable-objects/inventory-do";
import type { DispatchMessage, EventMessage } from "./messages";

/** Bindings shared by the three Workers (each config declares the subset it uses). */
export interface Env {
  DB: D1Database;
  AVAILABILITY_KV: KVNamespace;
  DISPATCH_QUEUE: Queue<DispatchMessage>;
  EVENTS_QUEUE: Queue<EventMessage>;
  TRANSACTIONS: DurableObjectNamespace<TransactionDO>;
  INVENTORY: DurableObjectNamespace<InventoryDO>;
  /** The availability Worker, reached through a service binding from ingest. */
  AVAILABILITY?: Fetcher;
  ADMIN_TOKEN: string;
  SECRETS_KEY: string;
  ERP_URL: string;
  ERP_TOKEN: string;
  ERP_MAX_ATTEMPTS: string;
  ERP_TIMEOUT_MS: string;
  RETRY_BASE_SECONDS: string;
  LOW_STOCK_THRESHOLD: string;
  OUTBOX_SWEEP_AFTER_SECONDS: string;
  /** Seconds a warehouse/3PL has to acknowledge an ERP-accepted order (0: no deadline); a channel policy may override. */
  ACK_DEADLINE_SECONDS?: string;
  /** Seconds between runs of the scheduler alarm (outbox sweep, subscriber fan-out). */
  SCHEDULER_INTERVAL_SECONDS?: string;
}
