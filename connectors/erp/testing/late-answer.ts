/**
 * For harnesses against a real ERP, which cannot be told to answer late: a `fetch` that forwards
 * the next matching request (so the ERP commits it) and then holds the answer until the caller's
 * timeout aborts, exactly what a connector sees when an answer is lost after the commit.
 */

/**
 * @example const late = lateAnswers(fetch); deps.fetch = late.fetch; late.armNext((req, body) => req.method === "POST" && body.includes(orderId));
 */
export function lateAnswers(inner: typeof fetch): { fetch: typeof fetch; armNext(match: (req: Request, body: string) => boolean): void } {
  let armed: ((req: Request, body: string) => boolean) | null = null;
  const wrapped = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    const match = armed;
    if (match && match(req, await req.clone().text())) {
      armed = null;
      const signal = init?.signal ?? req.signal;
      const res = await inner(new Request(req, { signal: null }));
      await res.arrayBuffer(); // the ERP has answered: the work is committed
      return new Promise<Response>((_, reject) => {
        if (signal.aborted) return reject(signal.reason);
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    }
    return inner(req);
  }) as typeof fetch;
  return { fetch: wrapped, armNext: (m) => void (armed = m) };
}
