/**
 * The admin body of a fulfiller (`PUT /v1/admin/fulfillers/{id}`): one warehouse system (a WMS
 * taking Standard Webhooks-signed release events) or one 3PL speaking X12 (940 warehouse
 * shipping orders), and the Switchyard locations it picks and ships for.
 */
import { z } from "zod";
import { resolvePartner } from "../x12/outbound/envelope";
import type { OutboundError, PartnerSettings } from "../x12/outbound";

const ident = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, "must be 1-64 letters, digits, '_', '.', '-'");
const isaId = z.strictObject({ qualifier: z.string(), id: z.string() });

/** PartnerSettings as JSON; checked in full by the X12 writer's own rules (`partnerErrors`). */
const partnerSchema = z.strictObject({
  sender: isaId,
  receiver: isaId,
  senderCode: z.string().optional(),
  receiverCode: z.string().optional(),
  version: z.enum(["4010", "5010"]).optional(),
  gsVersion: z.string().optional(),
  separators: z
    .strictObject({ element: z.string().optional(), segment: z.string().optional(), component: z.string().optional(), repetition: z.string().optional(), lineBreak: z.enum(["", "\n", "\r\n"]).optional() })
    .optional(),
  usage: z.enum(["P", "T"]).optional(),
  ackRequested: z.boolean().optional(),
  itemQualifier: z.string().optional(),
  sscc: z.boolean().optional(),
  inventoryReportType: z.string().optional(),
});

export const fulfillerBodySchema = z
  .strictObject({
    kind: z.enum(["standard", "x12"]),
    name: z.string().max(200).optional(),
    locations: z.array(z.string().trim().min(1).max(60)).min(1).max(50),
    /** Checked against the outbound URL policy on save and before each call. */
    url: z.string().max(2000),
    /** standard: the signing secret (`whsec_<base64>`); x12: the Bearer token the 3PL expects. Sealed, never read back. */
    secret: z.string().min(8, "must be at least 8 characters").max(1000),
    ackDeadlineSeconds: z.number().int().positive().max(30 * 24 * 3600).optional(),
    settings: z
      .strictObject({
        partner: partnerSchema.optional(),
        connectionId: ident.optional(),
        carrier: z.strictObject({ scac: z.string().optional(), mode: z.string().optional(), payment: z.enum(["PP", "CC", "TP"]).optional(), routing: z.string().optional() }).optional(),
      })
      .optional(),
  })
  .superRefine((b, ctx) => {
    if (new Set(b.locations).size !== b.locations.length) ctx.addIssue({ code: "custom", path: ["locations"], message: "a location is listed twice" });
    if (b.kind !== "x12") return;
    if (!b.settings?.partner) ctx.addIssue({ code: "custom", path: ["settings", "partner"], message: "an x12 fulfiller needs its partner settings (sender and receiver ISA ids)" });
    else for (const e of partnerErrors(b.settings.partner as PartnerSettings)) ctx.addIssue({ code: "custom", path: ["settings", ...e.path.split(".")], message: e.message });
  });
export type FulfillerBody = z.infer<typeof fulfillerBodySchema>;

/** What the X12 writers would refuse about a partner's settings (paths like `partner.sender.id`). */
export function partnerErrors(p: PartnerSettings): OutboundError[] {
  const errors: OutboundError[] = [];
  resolvePartner(p, errors);
  return errors;
}
