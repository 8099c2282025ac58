/**
 * Compile-time guard: the hand-written `Env` (lib/env.ts) and the bindings wrangler generates
 * from the configs (`types/ingest-env.d.ts`, checked in CI with `wrangler types --check`) must
 * name the same bindings. A binding added to a config but not to `Env`, or the reverse, fails
 * `tsc`. Nothing here runs.
 */
import type { Env } from "./env";

type Names<T> = keyof T & string;
/** Bindings that exist only in local settings or only in some Workers. */
type LocalOnly = "DEMO_API_KEY";

type MissingFromEnv = Exclude<Names<IngestEnv>, Names<Env> | LocalOnly>;
type MissingFromConfig = Exclude<Names<Env>, Names<IngestEnv>>;

export const envMatchesConfig: [MissingFromEnv, MissingFromConfig] extends [never, never] ? true : { missingFromEnv: MissingFromEnv; missingFromConfig: MissingFromConfig } = true;
