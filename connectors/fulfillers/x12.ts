/**
 * An X12 interchange to a 3PL or an EDI partner over HTTP: the body is the interchange
 * (`application/edi-x12`), the way our own `POST /v1/edi/{connectionId}` takes one, with the
 * partner's Bearer token when it has one. A partner that answers with its 997 in the body has
 * it returned in `body` for the caller to read.
 */
import { post, type DeliveryDeps, type DeliveryOutcome } from "./deliver";

/** @example await sendInterchange(new URL(partnerUrl), token, interchangeText, { fetch }) */
export function sendInterchange(url: URL, token: string | undefined, text: string, deps: DeliveryDeps): Promise<DeliveryOutcome> {
  const headers: Record<string, string> = { "content-type": "application/edi-x12" };
  if (token) headers.authorization = `Bearer ${token}`;
  return post(url, headers, text, deps, token ? [token] : []);
}
