import { DurableObject } from "cloudflare:workers";
import type { Env } from "../lib/env";

/** One per SKU: the single writer for that SKU's positions and reservations. */
export class InventoryDO extends DurableObject<Env> {}
