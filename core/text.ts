/**
 * Well-formed text. JSON can carry lone UTF-16 surrogates (`"\ud800"`), which D1, KV and object
 * names store differently from the string we were given; an id that cannot round-trip strands
 * what it names. Every inbound body is checked once, and the first offending path is reported.
 */

/** The path of the first string (or key) that is not well-formed Unicode, or null. Iterative: deep JSON cannot overflow it. */
export function firstMalformedString(value: unknown): string | null {
  const stack: { v: unknown; path: string }[] = [{ v: value, path: "" }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (typeof v === "string") {
      if (!v.isWellFormed()) return path || "(body)";
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: path ? `${path}.${i}` : String(i) });
    } else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        if (!k.isWellFormed()) return p;
        stack.push({ v: x, path: p });
      }
    }
  }
  return null;
}

/** Nesting depth of a JSON value (iterative). */
export function jsonDepth(value: unknown, limit = Infinity): number {
  let max = 0;
  const stack: { v: unknown; d: number }[] = [{ v: value, d: 0 }];
  while (stack.length) {
    const { v, d } = stack.pop()!;
    if (d > max) max = d;
    if (max > limit) return max;
    if (v && typeof v === "object") for (const x of Object.values(v)) stack.push({ v: x, d: d + 1 });
  }
  return max;
}
