#!/usr/bin/env node
// Lints an OpenAPI document with Redocly's recommended rules (the engine of `redocly lint`).
//   node scripts/lint-openapi.mjs http://127.0.0.1:8787/openapi.json   (or a file path)
// Prints each problem; exits 1 when there is an error.
import { createConfig, lintFromString } from "@redocly/openapi-core";
import { readFileSync } from "node:fs";

/** Lints `text` (a JSON OpenAPI document); returns the problems with their severity, rule and location. */
export async function lintOpenApi(text) {
  const config = await createConfig({ extends: ["recommended"] });
  const problems = await lintFromString({ source: text, absoluteRef: "openapi.json", config });
  return problems.map((p) => ({ severity: p.severity, rule: p.ruleId, message: p.message, at: p.location?.[0]?.pointer }));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const target = process.argv[2];
  if (!target) {
    console.error("usage: lint-openapi.mjs <url | file>");
    process.exit(2);
  }
  const text = /^https?:/.test(target) ? await (await fetch(target)).text() : readFileSync(target, "utf8");
  const problems = await lintOpenApi(text);
  for (const p of problems) console.log(`${p.severity.padEnd(7)} ${p.rule.padEnd(30)} ${p.at ?? ""}  ${p.message}`);
  const errors = problems.filter((p) => p.severity === "error").length;
  console.log(`${errors} error(s), ${problems.length - errors} warning(s)`);
  process.exit(errors ? 1 : 0);
}
