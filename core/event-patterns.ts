/** Subscription patterns: `order.*` matches `order.status_changed`; `*` matches everything. */
export function matches(patterns: string[], type: string): boolean {
  return patterns.some((p) => p === "*" || p === type || (p.endsWith(".*") && type.startsWith(p.slice(0, -1))));
}
