// Odoo search domains for the Odoo stub: prefix-notation "&", "|", "!" over [field, operator,
// value] leaves, implicitly ANDed at the top level (odoo/osv/expression.py semantics), with the
// operators the connector and tests use: = != > >= < <= in "not in" like ilike child_of.

const norm = (v) => (Array.isArray(v) && v.length === 2 && typeof v[0] === "number" ? v[0] : v);

function leaf([field, op, value], rec, ctx) {
  const v = norm(rec[field]);
  switch (op) {
    case "=":
    case "==":
      return value === false ? !v : v === value;
    case "!=":
      return value === false ? !!v : v !== value;
    case ">":
      return v !== false && v !== null && v > value;
    case ">=":
      return v !== false && v !== null && v >= value;
    case "<":
      return v !== false && v !== null && v < value;
    case "<=":
      return v !== false && v !== null && v <= value;
    case "in":
      return Array.isArray(v) ? v.some((x) => value.includes(x)) : value.includes(v);
    case "not in":
      return Array.isArray(v) ? !v.some((x) => value.includes(x)) : !value.includes(v);
    case "like":
      return String(v ?? "").includes(String(value));
    case "ilike":
      return String(v ?? "").toLowerCase().includes(String(value).toLowerCase());
    case "child_of":
      return ctx.childOf(field, Array.isArray(value) ? value : [value]).has(v);
    default:
      throw Object.assign(new Error(`Invalid leaf ${JSON.stringify([field, op, value])}`), { odooName: "builtins.ValueError" });
  }
}

/** Compiles a domain (a JSON list) into a predicate; `ctx.childOf(field, ids)` resolves child_of. */
export function compileDomain(domain, ctx) {
  const items = [...(domain ?? [])];
  let i = 0;
  const term = () => {
    const t = items[i++];
    if (t === "&" || t === "|") {
      const a = term();
      const b = term();
      return t === "&" ? (r) => a(r) && b(r) : (r) => a(r) || b(r);
    }
    if (t === "!") {
      const a = term();
      return (r) => !a(r);
    }
    if (!Array.isArray(t) || t.length !== 3) throw Object.assign(new Error(`Invalid domain term ${JSON.stringify(t)}`), { odooName: "builtins.ValueError" });
    return (r) => leaf(t, r, ctx);
  };
  const terms = [];
  while (i < items.length) terms.push(term());
  return (r) => terms.every((f) => f(r));
}

/** Sorts by an Odoo `order` spec ("write_date asc, id asc"). */
export function sortBy(rows, order) {
  const keys = String(order || "id asc")
    .split(",")
    .map((k) => k.trim().split(/\s+/))
    .map(([f, d]) => ({ f, dir: (d ?? "asc").toLowerCase() === "desc" ? -1 : 1 }));
  return [...rows].sort((a, b) => {
    for (const { f, dir } of keys) {
      const x = norm(a[f]);
      const y = norm(b[f]);
      if (x === y) continue;
      if (x === false || x === null || x === undefined) return -dir;
      if (y === false || y === null || y === undefined) return dir;
      return (x < y ? -1 : 1) * dir;
    }
    return 0;
  });
}
