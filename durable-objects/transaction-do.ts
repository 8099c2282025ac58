import { DurableObject } from "cloudflare:workers";
import type { Env } from "../lib/env";

/** One per transaction (an order, an idempotency key, a delivery). */
export class TransactionDO extends DurableObject<Env> {}
