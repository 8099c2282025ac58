// Shared shape of every leaf command: `--json` and `--url` accepted before the command (program
// options) or after it (the command's own); the command's own value wins.
import { InvalidArgumentError } from "commander";
import { CliError, createClient, DEFAULT_URL, resolveTarget } from "./client.mjs";

export { CliError };

export function leaf(parent, spec, description, { urlOption = true } = {}) {
  const cmd = parent.command(spec).description(description).option("--json", "print JSON (for scripts) instead of a table");
  if (urlOption) cmd.option("--url <url>", `Switchyard URL (default: $SWITCHYARD_URL or ${DEFAULT_URL})`);
  return cmd;
}

function rootOf(cmd) {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c;
}

/** Wraps an action: fn({ args, opts, request, url }) with merged options and an HTTP client. */
export function run(fn, { urlOption = true } = {}) {
  return async (...params) => {
    const cmd = params[params.length - 1];
    const args = params.slice(0, -2);
    const global = rootOf(cmd).opts();
    const local = cmd.opts();
    const opts = { ...local, json: Boolean(local.json || global.json) };
    const target = resolveTarget(urlOption ? local.url || global.url : global.url);
    await fn({ args, opts, request: createClient(target), url: target.url });
  };
}

/** Splits "a,b, c" into ["a","b","c"]. */
export const list = (v) => v.split(",").map((s) => s.trim()).filter(Boolean);

/** Parses a non-negative integer option, refusing anything else with a one-line reason. */
export function count(v) {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError("Expected a whole number.");
  return Number(v);
}

export function percent(v) {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0 || n > 100) throw new InvalidArgumentError("Expected a number from 0 to 100.");
  return n;
}
