/** API key scopes (CONTRACT "Auth"), as a typed union: a route names the one it needs. */
export const SCOPES = [
  "orders:write",
  "orders:read",
  "inventory:write",
  "availability:read",
  "shipments:write",
  "returns:write",
  "ops:read",
  /** Replays, reconciliation runs and other operator actions: reading ops is not enough. */
  "ops:write",
  "master:write",
] as const;
export type Scope = (typeof SCOPES)[number];
