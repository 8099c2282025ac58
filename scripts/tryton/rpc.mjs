// A minimal Tryton JSON-RPC client for the Node-side scripts (database setup, seeding, and the
// Tryton-side actions tests need). The connector has its own, fully classified client in
// connectors/erp/tryton/; this one simply throws, which is what a setup script wants.

/** `{"__class__":"Decimal"}` and date encodings as trytond's JSONEncoder writes them. */
export const decimal = (v) => ({ __class__: "Decimal", decimal: String(v) });
export const date = (d = new Date()) => ({ __class__: "date", year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });

function revive(_key, v) {
  if (v && typeof v === "object" && v.__class__ === "Decimal") return Number(v.decimal);
  return v;
}

let ids = 0;

async function post(url, method, params, headers = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ id: ++ids, method, params }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method}: HTTP ${res.status} ${text.slice(0, 300)}`);
  const body = JSON.parse(text, revive);
  if (body.error) throw new Error(`${method}: ${JSON.stringify(body.error).slice(0, 500)}`);
  return body.result;
}

/**
 * Logs in and returns a session with `call(method, ...args)` that appends the user's context.
 * @example const t = await trytonSession({ url, database, username, password }); await t.call("model.party.party.search", [], 0, 10, null);
 */
export async function trytonSession({ url, database, username, password }) {
  const base = `${url.replace(/\/$/, "")}/${encodeURIComponent(database)}/`;
  const [uid, session] = await post(base, "common.db.login", [username, { password }, "en"]);
  const auth = { authorization: `Session ${Buffer.from(`${username}:${uid}:${session}`).toString("base64")}` };
  const raw = (method, params) => post(base, method, params, auth);
  let context = await raw("model.res.user.get_preferences", [true, {}]);
  return {
    uid,
    get context() {
      return context;
    },
    /** Calls `method` with `args` and the session context (merged with `extra`). */
    call: (method, ...args) => raw(method, [...args, context]),
    callWith: (extra, method, ...args) => raw(method, [...args, { ...context, ...extra }]),
    refreshContext: async () => (context = await raw("model.res.user.get_preferences", [true, {}])),
    logout: () => raw("common.db.logout", []),
  };
}

/** Server-level call (no database), e.g. `common.server.version`. */
export function serverCall(url, method, params = []) {
  return post(`${url.replace(/\/$/, "")}/`, method, params);
}
