/**
 * The problem types Switchyard answers with (RFC 9457): each has its own URI, `/problems/<slug>`,
 * served with this description and listed in the API document. A ProblemError names one.
 */
export const PROBLEM_TYPES = {
  "validation-failed": { status: 400, title: "Validation failed", description: "One or more fields are invalid; `errors[]` names each with its path." },
  "invalid-json": { status: 400, title: "Invalid JSON", description: "The body is not valid JSON, nests deeper than 64 levels, or carries a string that is not well-formed Unicode." },
  "idempotency-key-required": { status: 400, title: "Idempotency-Key required", description: "POST /v1/orders needs an Idempotency-Key header of up to 200 characters." },
  "body-not-received": { status: 400, title: "Body not received", description: "The client closed the connection before the body was complete." },
  unauthorized: { status: 401, title: "Unauthorized", description: "A valid API key, admin token, connection secret or provider signature is required." },
  forbidden: { status: 403, title: "Forbidden", description: "The key is valid but lacks the scope the route needs." },
  "not-found": { status: 404, title: "Not found", description: "No such resource (or route)." },
  "request-timeout": { status: 408, title: "Request timeout", description: "The body did not arrive within the read deadline." },
  conflict: { status: 409, title: "Conflict", description: "The request conflicts with the resource's state: a transition the order's state does not allow, a key already registered, or a request with this Idempotency-Key still running." },
  gone: { status: 410, title: "Gone", description: "The route was retired after its Sunset date; the Link header names its successor." },
  "payload-too-large": { status: 413, title: "Payload too large", description: "The body is over the limit (1 MiB for JSON and webhooks)." },
  "unsupported-media-type": { status: 415, title: "Unsupported media type", description: "The body declares a type this route does not take (no content-type means JSON)." },
  stale: { status: 409, title: "Stale version", description: "A master data record carries a lower version than the one stored; nothing was changed. Send a higher version (an equal one repeats the stored write)." },
  "master-data-rejected": { status: 422, title: "Refused by master data", description: "The order fails a master-data check its channel's policy rejects (unknown or blocked SKU, unknown unit, price outside the list's tolerance, customer on credit hold); `errors[]` names each line. Nothing was recorded." },
  "idempotency-key-reused": { status: 422, title: "Idempotency-Key reused", description: "The Idempotency-Key was used before with a different body." },
  "too-many-requests": { status: 429, title: "Too many requests", description: "Over the key's or connection's rate; wait for Retry-After." },
  "internal-error": { status: 500, title: "Internal error", description: "Something failed on our side; the request is safe to retry." },
  "erp-check-failed": { status: 502, title: "ERP check failed", description: "The ERP connection's health check failed: `detail` says whether the ERP refused the credentials or configuration, or did not answer usably." },
  unavailable: { status: 503, title: "Unavailable", description: "Another copy of this delivery is in progress, or a dependency is down; retry after Retry-After." },
} as const satisfies Record<string, { status: number; title: string; description: string }>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;

/** The problem type for a status and title: a known slug, or the generic one of the status. */
export function problemSlug(status: number, title: string): ProblemSlug {
  const exact = (Object.entries(PROBLEM_TYPES) as [ProblemSlug, { status: number; title: string }][]).find(([, p]) => p.status === status && p.title === title);
  if (exact) return exact[0];
  const generic: Record<number, ProblemSlug> = { 400: "validation-failed", 401: "unauthorized", 403: "forbidden", 404: "not-found", 408: "request-timeout", 409: "conflict", 410: "gone", 413: "payload-too-large", 415: "unsupported-media-type", 422: "idempotency-key-reused", 429: "too-many-requests", 503: "unavailable" };
  return generic[status] ?? "internal-error";
}
