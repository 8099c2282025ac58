// A subscriber on loopback for `npm run chaos`: records every event delivered to it, and can be
// taken down (503) or made slow, like a customer's endpoint on a bad day.
import { createServer } from "node:http";

export async function startSubscriber() {
  const events = [];
  let mode = { down: false, delayMs: 0 };
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      if (mode.delayMs) await new Promise((r) => setTimeout(r, mode.delayMs));
      if (mode.down) {
        res.writeHead(503, { "retry-after": "2" });
        return res.end();
      }
      try {
        events.push(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        // not ours
      }
      res.writeHead(204);
      res.end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${server.address().port}/events`,
    events: () => events,
    set: (m) => (mode = { down: false, delayMs: 0, ...m }),
    close: () => new Promise((r) => server.close(r)),
  };
}
