// Bare reference Worker: no framework, no bindings, no storage.
//   GET  /      answers at once (the no-body floor)
//   POST /body  reads the whole request body, then answers (the same-size-body floor)
export default {
  async fetch(request) {
    if (request.method === "POST") {
      const body = await request.arrayBuffer();
      return new Response(JSON.stringify({ ok: true, bytes: body.byteLength }), { headers: { "content-type": "application/json" } });
    }
    return new Response('{"ok":true}', { headers: { "content-type": "application/json" } });
  },
};
