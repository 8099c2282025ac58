/** The one error type at the HTTP boundary (lib/http.ts turns it into problem+json); anything else becomes a logged, generic 500. */
import type { FieldIssue } from "../core/canonical";

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: FieldIssue[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

