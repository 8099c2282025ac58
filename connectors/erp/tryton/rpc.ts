/**
 * Tryton JSON-RPC over `fetch`: `POST {baseUrl}/{database}/` with `{id, method, params}`.
 * Login is `common.db.login [user, {password}, lang]` → `[uid, session]`; later calls carry
 * `Authorization: Session base64(user:uid:session)`. Every model call takes the user's context
 * (from `model.res.user.get_preferences [true]`) as its last parameter, or Tryton answers
 * "Missing context argument". The session and context are cached per isolate, keyed by
 * connection id and credentials; a 401 on a cached session (expired, logged out, password
 * rewritten) logs in once more before it is `config`.
 */
import type { ConnectorDeps, ErpConnectionConfig, ErpResult } from "../types";
import { classifyHttp, classifyTrytonError, cut, redact, type Failure } from "./classify";
import { revive } from "./codec";

export type Context = Record<string, unknown>;

interface Session {
  uid: number;
  token: string;
  context: Context;
}

/** Isolate-wide: one login per connection and credentials, shared by concurrent callers. */
const sessions = new Map<string, Promise<ErpResult<Session>>>();

type Answer = { kind: "ok"; value: unknown } | Failure;

export interface TrytonRpc {
  readonly database: string;
  readonly username: string;
  /** A model, wizard or button call; the session context (plus `extra`) is appended. @example rpc.call("model.sale.sale.read", [[1], ["state"]]) */
  call<T = unknown>(method: string, args: unknown[], extra?: Context): Promise<ErpResult<T>>;
  /** A server-level call with no database and no session (`common.server.version`). */
  server<T = unknown>(method: string, args?: unknown[]): Promise<ErpResult<T>>;
  /** The session (logging in when needed): proves URL, database and credentials. */
  session(): Promise<ErpResult<{ uid: number; context: Context }>>;
}

/** base64 of the UTF-8 bytes (btoa alone rejects a login outside Latin-1). */
function base64Utf8(s: string): string {
  return btoa(String.fromCharCode(...new TextEncoder().encode(s)));
}

async function sha256(s: string): Promise<string> {
  const d = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(s));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The JSON-RPC client for one ERP connection. Never throws.
 * @example const rpc = trytonRpc(config, deps); const r = await rpc.call("model.party.party.search", [[["code", "=", "C1"]], 0, 1, null]);
 */
export function trytonRpc(config: ErpConnectionConfig, deps: ConnectorDeps): TrytonRpc {
  const { database = "", username = "", password = "" } = config.credentials;
  const base = config.baseUrl.replace(/\/+$/, "");
  const dbUrl = `${base}/${encodeURIComponent(database)}/`;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  // Called unbound: workerd's fetch throws "Illegal invocation" when called as `deps.fetch(…)`.
  const doFetch = deps.fetch;
  const secrets = [password];
  let keyPromise: Promise<string> | null = null;
  let ids = 0;
  const cacheKey = () => (keyPromise ??= sha256(JSON.stringify([config.id, base, database, username, password])));

  async function post(url: string, method: string, params: unknown[], auth?: string): Promise<Answer> {
    const what = method.startsWith("common.db.login") ? `the login of "${username}" on database "${database}"` : method;
    let res: Response;
    let text: string;
    try {
      res = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) },
        body: JSON.stringify({ id: ++ids, method, params }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await res.text();
    } catch (e) {
      const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
      const reason = timedOut ? `timeout after ${timeoutMs} ms calling ${what}` : `network error calling ${what}: ${e instanceof Error ? e.message : String(e)}`;
      return { kind: "retry", reason: redact(cut(reason), secrets), retryAfterSeconds: null };
    }
    if (!res.ok) return classifyHttp(res.status, res.headers.get("retry-after"), what);
    let body: { result?: unknown; error?: unknown };
    try {
      body = JSON.parse(text, revive) as typeof body;
    } catch {
      return { kind: "retry", reason: redact(cut(`Tryton answered ${what} with something that is not JSON: ${text}`), secrets), retryAfterSeconds: null, httpStatus: res.status };
    }
    if (body.error !== undefined && body.error !== null) {
      const f = classifyTrytonError(body.error, database, what);
      return { ...f, reason: redact(f.reason, secrets) };
    }
    return { kind: "ok", value: body.result };
  }

  async function login(): Promise<ErpResult<Session>> {
    if (!database || !username || !password) return { kind: "config", reason: "Tryton credentials need database, username and password" };
    const r = await post(dbUrl, "common.db.login", [username, { password }, "en"]);
    if (r.kind !== "ok") return r;
    const pair = r.value;
    if (!Array.isArray(pair) || typeof pair[0] !== "number" || typeof pair[1] !== "string") {
      return { kind: "config", reason: `Tryton refused the login of "${username}" on database "${database}"` };
    }
    const [uid, key] = pair as [number, string];
    const token = `Session ${base64Utf8(`${username}:${uid}:${key}`)}`;
    const prefs = await post(dbUrl, "model.res.user.get_preferences", [true, {}], token);
    if (prefs.kind !== "ok") return prefs;
    return { kind: "ok", value: { uid, token, context: (prefs.value ?? {}) as Context } };
  }

  /** The cached session, or a new login when there is none or `stale` (the one that just got a 401) is still cached. */
  async function cachedSession(stale?: Promise<ErpResult<Session>>): Promise<{ promise: Promise<ErpResult<Session>>; result: ErpResult<Session> }> {
    const key = await cacheKey();
    const existing = sessions.get(key);
    if (existing && existing !== stale) return { promise: existing, result: await existing };
    const promise = login();
    sessions.set(key, promise);
    const result = await promise;
    // Failures are not cached: the next call tries again (after the caller's backoff).
    if (result.kind !== "ok" && sessions.get(key) === promise) sessions.delete(key);
    return { promise, result };
  }

  return {
    database,
    username,

    async call<T>(method: string, args: unknown[], extra?: Context): Promise<ErpResult<T>> {
      let stale: Promise<ErpResult<Session>> | undefined;
      for (let attempt = 0; ; attempt++) {
        const { promise, result: s } = await cachedSession(stale);
        if (s.kind !== "ok") return s;
        const r = await post(dbUrl, method, [...args, { ...s.value.context, ...extra }], s.value.token);
        // A session Tryton no longer knows (timed out, logged out, password rewritten): log in
        // again once. A 401 right after a fresh login is a configuration problem.
        if (r.kind === "config" && r.httpStatus === 401 && attempt === 0) {
          stale = promise;
          continue;
        }
        return r as ErpResult<T>;
      }
    },

    async server<T>(method: string, args: unknown[] = []): Promise<ErpResult<T>> {
      return (await post(`${base}/`, method, args)) as ErpResult<T>;
    },

    async session() {
      const { result } = await cachedSession();
      return result.kind === "ok" ? { kind: "ok", value: { uid: result.value.uid, context: result.value.context } } : result;
    },
  };
}
