// Output for people (aligned tables) and for scripts (`--json`: the server's JSON, nothing else on stdout).

const MAX_CELL = 60;
/** Ids are printed whole (people copy them into the next command); only free text is cut. */
const ID = /^(ord|orc|dlq|key|rma|evt|exc|job)_[0-9A-Za-z]+$/;

function cell(v) {
  if (v === null || v === undefined || v === "") return "-";
  const s = Array.isArray(v) ? v.join(",") : typeof v === "object" ? JSON.stringify(v) : String(v);
  const flat = s.replace(/\s+/g, " ");
  return flat.length > MAX_CELL && !ID.test(flat) ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}

/** Renders rows as a table; `columns` is [[header, row => value], ...]. */
export function table(rows, columns) {
  if (!rows.length) return "(none)";
  const cells = rows.map((r) => columns.map(([, get]) => cell(get(r))));
  const widths = columns.map(([h], i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (vals) => vals.map((v, i) => (i === vals.length - 1 ? v : v.padEnd(widths[i]))).join("  ");
  return [line(columns.map(([h]) => h.toUpperCase())), line(widths.map((w) => "─".repeat(w))), ...cells.map(line)].join("\n");
}

/** Key/value pairs, one per line. */
export function pairs(entries) {
  const w = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${k.padEnd(w)}  ${cell(v)}`).join("\n");
}

/** Prints `data` as JSON when asked, else the human rendering. */
export function emit(opts, data, human) {
  if (opts.json) process.stdout.write(`${JSON.stringify(data, null, 2)}\n`);
  else process.stdout.write(`${typeof human === "function" ? human(data) : human}\n`);
}
