#!/usr/bin/env node
// Fails when a tracked file names a path outside the repository: a relative path that climbs
// above the root (a sibling folder such as `shared`), or an absolute path into this machine's work
// folders. A user's clone has nothing beside it, so such a path works here and nowhere else.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// Generated wrangler types quote their --env-file relative to each config's folder.
const skip = [/^package-lock\.json$/, /^types\/.*\.d\.ts$/, /^test\/fixtures\//, /\.(png|jpg|gz|sqlite)$/];
const files = execFileSync("git", ["ls-files", "-co", "--exclude-standard"], { cwd: root, encoding: "utf8" })
  .split("\n")
  .filter((f) => f && !skip.some((re) => re.test(f)));

const climbing = /(?<![\w.])((?:\.\.\/)+)[\w@.-][^\s'"`)\]>,;]*/g;
const absolute = /(?<![\w.:/])\/work\/[\w.-]+/g;
const problems = [];
for (const file of files) {
  let text;
  try {
    text = readFileSync(path.join(root, file), "utf8");
  } catch {
    continue; // deleted in the work tree
  }
  const dir = path.dirname(path.join(root, file));
  text.split("\n").forEach((line, i) => {
    if (line.includes("check-paths: ok")) return; // a path relative to something other than this file, said so on the line
    for (const m of line.matchAll(climbing)) {
      const target = path.resolve(dir, m[0]);
      if (!target.startsWith(root + path.sep) && target !== root) problems.push(`${file}:${i + 1}: ${m[0]} leaves the repository`);
    }
    for (const m of line.matchAll(absolute)) problems.push(`${file}:${i + 1}: ${m[0]} is a path on one machine`);
  });
}
if (problems.length) {
  console.error(`✘ ${problems.length} path(s) outside the repository (copy what you need into it):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(`✓ no path leaves the repository (${files.length} files checked)`);
