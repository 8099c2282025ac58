/**
 * NDJSON bodies read line by line, never whole: the body (gunzipped on the way when it says it is
 * gzip) is decoded in pieces and each complete line handed on; only the current line is held,
 * and a line longer than `maxLine` is skipped to its end and reported, never buffered. A sender
 * that goes quiet for `idleMs` gets a 408; a body that is not valid gzip a 400.
 */
import type { Context } from "hono";
import { ProblemError } from "./http";

export type NdjsonLine = { line: number; text: string } | { line: number; tooLong: true };

export const MAX_LINE_BYTES = 64 * 1024;

/** Whether the request declares a gzip body (`Content-Encoding: gzip` or `Content-Type: application/gzip`). */
export function isGzip(c: Context): boolean {
  const enc = (c.req.header("content-encoding") ?? "").toLowerCase();
  const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  return enc.includes("gzip") || type === "application/gzip" || type === "application/x-gzip";
}

/** The lines of an NDJSON body (blank lines are skipped but counted). */
export async function* ndjsonLines(body: ReadableStream<Uint8Array>, opts: { gzip: boolean; maxLine?: number; idleMs: number }): AsyncGenerator<NdjsonLine> {
  const maxLine = opts.maxLine ?? MAX_LINE_BYTES;
  const bytes = opts.gzip ? body.pipeThrough(new DecompressionStream("gzip") as unknown as ReadableWritablePair<Uint8Array, Uint8Array>) : body;
  const reader = bytes.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
  let n = 0;
  let current = "";
  let skipping = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    for (;;) {
      const idle = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new ProblemError(408, "Request timeout", `No part of the body arrived for ${opts.idleMs / 1000} s.`)), opts.idleMs);
      });
      let chunk: ReadableStreamReadResult<string>;
      try {
        chunk = await Promise.race([reader.read(), idle]);
      } catch (e) {
        if (e instanceof ProblemError) throw e;
        throw opts.gzip
          ? new ProblemError(400, "Validation failed", "The body is not valid gzip (or it ended early).", [{ path: "(body)", message: "not valid gzip" }])
          : new ProblemError(400, "Body not received", "The client closed the connection before the body was complete.");
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }
      if (chunk.done) break;
      let text = chunk.value;
      for (;;) {
        const nl = text.indexOf("\n");
        if (nl < 0) {
          if (!skipping) {
            current += text;
            if (current.length > maxLine) {
              skipping = true;
              current = "";
            }
          }
          break;
        }
        const piece = text.slice(0, nl);
        text = text.slice(nl + 1);
        n++;
        if (skipping || current.length + piece.length > maxLine) yield { line: n, tooLong: true };
        else {
          const full = (current + piece).replace(/\r$/, "");
          if (full.trim()) yield { line: n, text: full };
        }
        current = "";
        skipping = false;
      }
    }
    if (skipping) yield { line: n + 1, tooLong: true };
    else if (current.trim()) yield { line: n + 1, text: current.replace(/\r$/, "") };
  } finally {
    void reader.cancel().catch(() => undefined);
  }
}
