/**
 * What an ERP connection may hold, per kind: the body of `PUT /v1/admin/erp-connections/{id}`,
 * validated on save so a typo in a setting name or a missing credential is a 400 now, not a
 * dead letter later. Settings are strict objects: every name a connector reads is listed here
 * (see each connector's README in connectors/erp/).
 */
import { z } from "zod";

const text = (max = 200) => z.string().trim().min(1).max(max);
const secret = z.string().min(1).max(4000);

/** Switchyard location → the ERP's warehouse or location code. */
const locations = z.record(text(60), text(100)).refine((m) => Object.keys(m).length <= 100, "at most 100 locations");

/** Settings every kind takes. */
const common = {
  locations: locations.optional(),
  /** Seconds between polls of this ERP (default 60). */
  pollSeconds: z.number().int().min(5).max(86_400).optional(),
  /** Per-call timeout (ms); default ERP_TIMEOUT_MS. */
  timeoutMs: z.number().int().min(500).max(120_000).optional(),
  /** Page size of the ERP's paged reads. */
  pageSize: z.number().int().min(1).max(1000).optional(),
};
const customers = z.enum(["match", "create"]).optional();

const http = {
  credentials: z.strictObject({ token: secret.optional() }),
  settings: z.strictObject({ ...common }),
};

const tryton = {
  credentials: z.strictObject({ database: text(100), username: text(100), password: secret }),
  settings: z.strictObject({ ...common, customers }),
};

const businessCentral = {
  credentials: z.strictObject({
    tenantId: text(100),
    clientId: text(100),
    clientSecret: secret,
    /** Overrides Entra ID's token endpoint (sandboxes, tests). */
    tokenUrl: z.string().max(2000).optional(),
  }),
  settings: z.strictObject({
    ...common,
    customers,
    environment: text(100).optional(),
    companyId: z.guid("must be the company GUID from GET .../companies"),
    customerNumbers: z.record(text(200), text(20)).optional(),
    localCurrency: z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code").optional(),
    totalsLocation: text(60).optional(),
    stockEndpoint: z.string().max(2000).optional(),
  }),
};

const odoo = {
  credentials: z.strictObject({ apiKey: secret, database: text(100).optional(), username: text(200).optional() }),
  settings: z.strictObject({
    ...common,
    customers,
    version: z.number().int().min(14).max(99).optional(),
    callsPerSecond: z.number().positive().max(50).optional(),
    delivery: z.boolean().optional(),
  }),
};

const member = <K extends string, C extends z.ZodType, S extends z.ZodType>(kind: K, parts: { credentials: C; settings: S }) =>
  z.strictObject({
    kind: z.literal(kind),
    name: z.string().max(200).optional(),
    /** The ERP's address (Tryton's server, BC `https://api.businesscentral.dynamics.com`, an Odoo host). */
    baseUrl: z.string().max(2000),
    credentials: parts.credentials,
    settings: parts.settings.optional(),
    /** The connection orders go to unless their channel's policy names another. */
    default: z.boolean().optional(),
  });

/** Body of `PUT /v1/admin/erp-connections/{id}`. */
export const erpConnectionBody = z
  .discriminatedUnion("kind", [member("http", http), member("tryton", tryton), member("business-central", businessCentral), member("odoo", odoo)])
  .superRefine((b, ctx) => {
    // Odoo ≤ 18 speaks JSON-RPC, which logs in by database and user name.
    if (b.kind === "odoo" && (b.settings?.version ?? 19) < 19) {
      for (const k of ["database", "username"] as const)
        if (!b.credentials[k]) ctx.addIssue({ code: "custom", path: ["credentials", k], message: `required for Odoo ${b.settings?.version} (JSON-RPC)` });
    }
  });
export type ErpConnectionBody = z.infer<typeof erpConnectionBody>;

/** Settings and credentials that are URLs Switchyard will call: checked by the outbound policy on save. */
export function urlFields(b: ErpConnectionBody): { path: string; value: string }[] {
  const out = [{ path: "baseUrl", value: b.baseUrl }];
  if (b.kind === "business-central") {
    if (b.credentials.tokenUrl) out.push({ path: "credentials.tokenUrl", value: b.credentials.tokenUrl });
    if (b.settings?.stockEndpoint && /^https?:/i.test(b.settings.stockEndpoint)) out.push({ path: "settings.stockEndpoint", value: b.settings.stockEndpoint });
  }
  return out;
}
