import { applyD1Migrations, env } from "cloudflare:test";

// applyD1Migrations only applies what is not applied yet, so running it per file is safe.
await applyD1Migrations(env.DB, (env as unknown as { TEST_MIGRATIONS: D1Migration[] }).TEST_MIGRATIONS);
type D1Migration = { name: string; queries: string[] };
