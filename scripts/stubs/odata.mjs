// The slice of OData v4 query options the Business Central stub answers: $filter with
// eq/ne/gt/ge/lt/le, and/or/not and parentheses over strings ('it''s'), numbers, booleans,
// GUIDs and datetimes; $orderby; $top/$skip; $select; and server paging by
// `Prefer: odata.maxpagesize` with an `@odata.nextLink` that carries `$skiptoken`.
// String comparison is case-insensitive, as on BC's default SQL collation.

const TOKEN = /\s*(\(|\)|'(?:[^']|'')*'|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|-?\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:\d\d)|[A-Za-z_][\w./]*|-?\d+(?:\.\d+)?)/y;

function tokenize(text) {
  const out = [];
  TOKEN.lastIndex = 0;
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i])) {
      i++;
      continue;
    }
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(text);
    if (!m) throw new Error(`Syntax error at position ${i} in '${text}'.`);
    out.push(m[1]);
    i = TOKEN.lastIndex;
  }
  return out;
}

function literal(tok) {
  if (tok.startsWith("'")) return tok.slice(1, -1).replace(/''/g, "'");
  if (tok === "true" || tok === "false") return tok === "true";
  if (tok === "null") return null;
  if (/^-?\d+(\.\d+)?$/.test(tok)) return Number(tok);
  return tok; // datetime or GUID literal
}

function compare(a, b) {
  if (a === null || a === undefined || b === null) return a === b ? 0 : NaN;
  if (typeof b === "number") return Number(a) - b;
  if (typeof b === "boolean") return a === b ? 0 : NaN;
  const da = Date.parse(a);
  const db = Date.parse(b);
  if (/^\d{4}-\d\d-\d\d/.test(String(b)) && !Number.isNaN(da) && !Number.isNaN(db)) return da - db;
  const x = String(a).toUpperCase();
  const y = String(b).toUpperCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

const OPS = {
  eq: (c) => c === 0,
  ne: (c) => c !== 0,
  gt: (c) => c > 0,
  ge: (c) => c >= 0,
  lt: (c) => c < 0,
  le: (c) => c <= 0,
};

/** Parses a $filter into a predicate over plain objects; throws with BC's wording on bad syntax. */
export function parseFilter(text) {
  if (!text) return () => true;
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p];
  const next = () => toks[p++];
  const orExpr = () => {
    let left = andExpr();
    while (peek() === "or") {
      next();
      const l = left;
      const r = andExpr();
      left = (e) => l(e) || r(e);
    }
    return left;
  };
  const andExpr = () => {
    let left = unary();
    while (peek() === "and") {
      next();
      const l = left;
      const r = unary();
      left = (e) => l(e) && r(e);
    }
    return left;
  };
  const unary = () => {
    if (peek() === "not") {
      next();
      const inner = unary();
      return (e) => !inner(e);
    }
    if (peek() === "(") {
      next();
      const inner = orExpr();
      if (next() !== ")") throw new Error(`')' expected in '${text}'.`);
      return inner;
    }
    const field = next();
    const op = next();
    const value = literal(next() ?? "");
    if (!OPS[op]) throw new Error(`Syntax error: unknown operator '${op}' in '${text}'.`);
    return (e) => OPS[op](compare(e[field], value));
  };
  const pred = orExpr();
  if (p !== toks.length) throw new Error(`Syntax error at position ${p} in '${text}'.`);
  return pred;
}

/** Sorts by a $orderby ("a asc, b desc"). */
export function orderBy(rows, text) {
  if (!text) return rows;
  const keys = text.split(",").map((k) => k.trim().split(/\s+/)).map(([f, d]) => ({ f, dir: d === "desc" ? -1 : 1 }));
  return [...rows].sort((a, b) => {
    for (const { f, dir } of keys) {
      const c = compare(a[f], b[f]);
      if (c) return c * dir;
    }
    return 0;
  });
}

/**
 * Answers a collection query: filters, orders, pages. `shape` turns a stored row into the
 * entity the API shows. Returns the OData body and the headers to send.
 */
export function collection(url, rows, { prefer, shape = (r) => r, context }) {
  const q = url.searchParams;
  let out = orderBy(rows.filter(parseFilter(q.get("$filter"))), q.get("$orderby"));
  const skip = Number(q.get("$skip") ?? 0) + Number(q.get("$skiptoken") ?? 0);
  out = out.slice(skip);
  if (q.has("$top")) out = out.slice(0, Number(q.get("$top")));
  const max = Number(/odata\.maxpagesize=(\d+)/.exec(prefer ?? "")?.[1] ?? 20000);
  const headers = prefer && /maxpagesize/.test(prefer) ? { "preference-applied": `odata.maxpagesize=${max}` } : {};
  const body = { "@odata.context": context, value: out.slice(0, max).map((r) => select(shape(r), q.get("$select"))) };
  if (out.length > max) {
    const nextUrl = new URL(url);
    nextUrl.searchParams.delete("$skip");
    nextUrl.searchParams.set("$skiptoken", String(skip + max));
    body["@odata.nextLink"] = nextUrl.toString();
  }
  return { body, headers };
}

/** Keeps only the $select fields (and the etag). */
export function select(entity, text) {
  if (!text) return entity;
  const keep = new Set(text.split(",").map((s) => s.trim()));
  return Object.fromEntries(Object.entries(entity).filter(([k]) => keep.has(k) || k.startsWith("@odata") || Array.isArray(entity[k])));
}
