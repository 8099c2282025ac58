/**
 * Billing meter for the cost run (bench/cost.mjs). It wraps the app's Workers and Durable Object
 * classes from the outside — the app code is not edited — and counts what Cloudflare bills:
 *
 * - Worker invocations (fetch / queue / scheduled entry points),
 * - Durable Object requests (every RPC call on a stub, counted at the caller) and alarm
 *   invocations, plus in-object wall time (the duration-billing proxy),
 * - Durable Object SQLite rows read / written (`cursor.rowsRead/rowsWritten` of every
 *   `ctx.storage.sql.exec`) and `setAlarm` calls (each billed as one row written),
 * - D1 rows read / written (`meta.rows_read/rows_written` of every D1 result),
 * - KV reads / writes / deletes / lists, Queue messages sent / delivered / acked / retried.
 *
 * Counters live per isolate and are printed as `BENCH_METER {json}` lines at the end of every
 * invocation; bench/cost.mjs sums the lines from wrangler's output.
 */
type Counts = Record<string, number>;

const counts: Counts = {};
const cursors: [string, { rowsRead?: number; rowsWritten?: number }, string][] = [];
/** Alarm changes since the last flush: a DO id scheduled (`at`) or cleared (`at: null`) its alarm. */
const alarmEvents: { id: string; cls: string; at: number | null; t: number }[] = [];
const alarms = {
  set(id: string, a: { cls: string; at: number | null }) {
    alarmEvents.push({ id, ...a, t: Date.now() });
  },
};
let script = "unknown";

export function setScript(name: string): void {
  script = name;
}

export function add(key: string, n = 1): void {
  if (!n) return;
  counts[key] = (counts[key] ?? 0) + n;
}

function tallyCursors(): void {
  for (const [cls, c, q] of cursors.splice(0)) {
    // miniflare's own bookkeeping table (the object's name): not there on the platform, not billed.
    if (q.includes("__miniflare_do_name")) continue;
    add(`do.sqlRowsRead.${cls}`, c.rowsRead ?? 0);
    add(`do.sqlRowsWritten.${cls}`, c.rowsWritten ?? 0);
    for (const stmt of q.split(";").filter((x) => x.trim())) {
      // A multi-statement exec reports one total; attribute it to its first statement.
      add(`sqlw.do.${cls}.${sqlKey(stmt)}`, c.rowsWritten ?? 0);
      add(`sqln.do.${cls}.${sqlKey(stmt)}`);
      break;
    }
  }
}

/** Prints and resets this isolate's counters. */
export function flush(tag: string): void {
  tallyCursors();
  if (!Object.keys(counts).length && !alarmEvents.length && tag !== "final") return;
  const out = { ...counts };
  for (const k of Object.keys(counts)) delete counts[k];
  const events = alarmEvents.splice(0);
  console.log(`BENCH_METER ${JSON.stringify({ script, tag, at: Date.now(), counts: out, ...(events.length ? { alarmEvents: events } : {}) })}`);
}

// --- bindings -------------------------------------------------------------------------------

/** A short, stable label for a SQL statement: its verb and table ("INSERT INTO orders"). */
function sqlKey(q: string): string {
  const t = q.replace(/\s+/g, " ").trim();
  const m = /^(INSERT OR REPLACE INTO|INSERT OR IGNORE INTO|INSERT INTO|UPDATE|DELETE FROM|SELECT .*? FROM|CREATE TABLE IF NOT EXISTS|CREATE INDEX IF NOT EXISTS)\s+("?[\w]+"?)/i.exec(t);
  if (!m) return t.slice(0, 40);
  const verb = /^SELECT/i.test(m[1]!) ? "SELECT FROM" : m[1]!.toUpperCase();
  return `${verb} ${m[2]!.replace(/"/g, "")}`;
}

type D1Meta = { rows_read?: number; rows_written?: number };
function meterD1(meta: D1Meta | undefined, where: string, ms: number, sql = ""): void {
  const k = sqlKey(sql);
  add(`sqlw.d1.${k}`, meta?.rows_written ?? 0);
  add(`sqln.d1.${k}`);
  add(`time.d1.${where}`, ms);
  add(`count.d1.${where}`);
  add("d1.queries");
  add("d1.rowsRead", meta?.rows_read ?? 0);
  add("d1.rowsWritten", meta?.rows_written ?? 0);
}

function wrapD1(db: D1Database, where: string): D1Database {
  const real = new WeakMap<object, D1PreparedStatement>();
  const sqlOf = new WeakMap<object, string>();
  const wrapStmt = (s: D1PreparedStatement, q: string): D1PreparedStatement => {
    const w = {
      bind: (...a: unknown[]) => wrapStmt(s.bind(...a), q),
      // first() does not add a LIMIT (D1 runs the statement as written), so all() reads the same rows.
      first: async (col?: string) => {
        const t0 = Date.now();
        const r = await s.all<Record<string, unknown>>();
        meterD1(r.meta as D1Meta, where, Date.now() - t0, q);
        const row = r.results[0] ?? null;
        return col === undefined ? row : row ? (row[col] ?? null) : null;
      },
      all: async () => {
        const t0 = Date.now();
        const r = await s.all();
        meterD1(r.meta as D1Meta, where, Date.now() - t0, q);
        return r;
      },
      run: async () => {
        const t0 = Date.now();
        const r = await s.run();
        meterD1(r.meta as D1Meta, where, Date.now() - t0, q);
        return r;
      },
      raw: async (opts?: { columnNames?: boolean }) => {
        const t0 = Date.now();
        const r = await s.all<Record<string, unknown>>();
        meterD1(r.meta as D1Meta, where, Date.now() - t0, q);
        const rows = r.results.map((x) => Object.values(x));
        return opts?.columnNames ? [Object.keys(r.results[0] ?? {}), ...rows] : rows;
      },
    } as unknown as D1PreparedStatement;
    real.set(w as object, s);
    sqlOf.set(w as object, q);
    return w;
  };
  return {
    prepare: (q: string) => wrapStmt(db.prepare(q), q),
    batch: async (stmts: D1PreparedStatement[]) => {
      add("d1.batches");
      const t0 = Date.now();
      const rs = await db.batch(stmts.map((x) => real.get(x as object) ?? x));
      const ms = Date.now() - t0;
      rs.forEach((r, i) => meterD1(r.meta as D1Meta, where, i === 0 ? ms : 0, sqlOf.get(stmts[i] as object) ?? ""));
      return rs;
    },
    exec: (q: string) => {
      add("d1.exec");
      return db.exec(q);
    },
    dump: () => db.dump(),
    withSession: (...a: unknown[]) => (db as unknown as { withSession: (...x: unknown[]) => unknown }).withSession(...a),
  } as unknown as D1Database;
}

function wrapKV(kv: KVNamespace, where: string): KVNamespace {
  return new Proxy(kv, {
    get(t, p) {
      const v = Reflect.get(t, p) as unknown;
      if (typeof v !== "function") return v;
      const kind = p === "get" || p === "getWithMetadata" ? "reads" : p === "put" ? "writes" : p === "delete" ? "deletes" : p === "list" ? "lists" : null;
      return (...a: unknown[]) => {
        if (kind) add(`kv.${kind}`, p === "get" && Array.isArray(a[0]) ? (a[0] as unknown[]).length : 1);
        const t0 = Date.now();
        return Promise.resolve(Reflect.apply(v as (...x: unknown[]) => unknown, t, a)).finally(() => add(`time.kv.${where}`, Date.now() - t0));
      };
    },
  });
}

function wrapQueue(q: Queue<unknown>, name: string, where: string): Queue<unknown> {
  return {
    send: (body: unknown, opts?: QueueSendOptions) => {
      add(`queue.sent.${name}`);
      add(`queue.sentBytes.${name}`, JSON.stringify(body ?? null).length);
      const t0 = Date.now();
      return q.send(body, opts).finally(() => add(`time.queue.${where}`, Date.now() - t0));
    },
    sendBatch: (msgs: Iterable<MessageSendRequest<unknown>>, opts?: QueueSendBatchOptions) => {
      const list = [...msgs];
      add(`queue.sent.${name}`, list.length);
      return q.sendBatch(list, opts);
    },
  } as Queue<unknown>;
}

// The objects an order touches (the metrics counters flush once per isolate per ~100 ms; publishing only with publish targets).
const NS_CLASS: Record<string, string> = { TRANSACTIONS: "TransactionDO", INVENTORY: "InventoryDO", METRICS: "MetricsDO", PUBLISHERS: "PublisherDO" };

function wrapStub<T extends object>(stub: T, cls: string): T {
  return new Proxy(stub, {
    get(t, p) {
      if (typeof p !== "string" || p === "id" || p === "name" || p === "then") return Reflect.get(t, p);
      return (...a: unknown[]) => {
        add(`do.requests.${cls}`);
        add(`do.requests.${cls}.${p}`);
        const t0 = Date.now();
        const method = Reflect.get(t, p) as (...x: unknown[]) => unknown;
        return Promise.resolve(Reflect.apply(method, t, a) as unknown).finally(() => {
          add(`do.callerWaitMs.${cls}`, Date.now() - t0);
          add(`time.do.${cls}.${p}`, Date.now() - t0);
        });
      };
    },
  });
}

function wrapNamespace(ns: DurableObjectNamespace, cls: string): DurableObjectNamespace {
  return new Proxy(ns, {
    get(t, p) {
      const v = Reflect.get(t, p) as unknown;
      if (typeof v !== "function") return v;
      if (p === "get" || p === "getByName") return (...a: unknown[]) => wrapStub(Reflect.apply(v as (...x: unknown[]) => object, t, a), cls);
      return (...a: unknown[]) => Reflect.apply(v as (...x: unknown[]) => unknown, t, a);
    },
  });
}

function wrapFetcher(f: Fetcher, name: string): Fetcher {
  return new Proxy(f, {
    get(t, p) {
      const v = Reflect.get(t, p) as unknown;
      if (typeof v !== "function") return v;
      return (...a: unknown[]) => {
        if (p === "fetch") add(`service.requests.${name}`);
        return Reflect.apply(v as (...x: unknown[]) => unknown, t, a);
      };
    },
  });
}

const wrapped = new WeakMap<object, Map<string, Record<string, unknown>>>();

/** The env with every billable binding metered (cached per env object); `where` labels timings. */
export function wrapEnv<E extends object>(env: E, where = "worker"): E {
  const perEnv = wrapped.get(env) ?? new Map<string, Record<string, unknown>>();
  wrapped.set(env, perEnv);
  const hit = perEnv.get(where);
  if (hit) return hit as E;
  const src = env as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) out[k] = src[k];
  if (src.DB) out.DB = wrapD1(src.DB as D1Database, where);
  if (src.AVAILABILITY_KV) out.AVAILABILITY_KV = wrapKV(src.AVAILABILITY_KV as KVNamespace, where);
  for (const q of ["DISPATCH_QUEUE", "EVENTS_QUEUE"]) if (src[q]) out[q] = wrapQueue(src[q] as Queue<unknown>, q, where);
  for (const [k, cls] of Object.entries(NS_CLASS)) if (src[k]) out[k] = wrapNamespace(src[k] as DurableObjectNamespace, cls);
  if (src.AVAILABILITY) out.AVAILABILITY = wrapFetcher(src.AVAILABILITY as Fetcher, "availability");
  perEnv.set(where, out);
  return out as E;
}

// --- Durable Objects --------------------------------------------------------------------------

/** Patches this object's storage so every SQL cursor and setAlarm is counted. Runs before super(). */
function meterStorage(ctx: DurableObjectState, cls: string): void {
  const storage = ctx.storage as DurableObjectStorage & Record<string, unknown>;
  const id = ctx.id.toString();
  const sql = storage.sql as SqlStorage & Record<string, unknown>;
  const exec = sql.exec.bind(sql);
  sql.exec = ((q: string, ...b: unknown[]) => {
    const c = exec(q, ...(b as SqlStorageValue[]));
    cursors.push([cls, c as unknown as { rowsRead?: number; rowsWritten?: number }, q]);
    return c;
  }) as SqlStorage["exec"];
  const setAlarm = storage.setAlarm.bind(storage);
  storage.setAlarm = ((at: number | Date, o?: DurableObjectSetAlarmOptions) => {
    add(`do.setAlarm.${cls}`);
    add(`sqlw.do.${cls}.setAlarm`);
    alarms.set(id, { cls, at: typeof at === "number" ? at : at.getTime() });
    return setAlarm(at, o);
  }) as DurableObjectStorage["setAlarm"];
  const deleteAlarm = storage.deleteAlarm.bind(storage);
  storage.deleteAlarm = ((o?: DurableObjectSetAlarmOptions) => {
    alarms.set(id, { cls, at: null });
    return deleteAlarm(o);
  }) as DurableObjectStorage["deleteAlarm"];
  const deleteAll = storage.deleteAll.bind(storage);
  storage.deleteAll = ((o?: DurableObjectPutOptions) => {
    alarms.set(id, { cls, at: null }); // compatibility date ≥ 2026-02-24: deleteAll() also deletes the alarm
    return deleteAll(o);
  }) as DurableObjectStorage["deleteAll"];
}

function methodNames(proto: object | null): string[] {
  const names = new Set<string>();
  while (proto && proto !== Object.prototype && proto.constructor?.name !== "DurableObject") {
    for (const n of Object.getOwnPropertyNames(proto)) {
      if (n === "constructor") continue;
      const d = Object.getOwnPropertyDescriptor(proto, n);
      if (d && typeof d.value === "function") names.add(n);
    }
    proto = Object.getPrototypeOf(proto);
  }
  return [...names];
}

type DOClass = new (ctx: DurableObjectState, env: never) => object;

/** A subclass of `Base` (same RPC methods) that meters its storage, its env and its wall time. */
export function meterDurableObject<C extends DOClass>(Base: C, cls: string): C {
  const B = Base as unknown as new (ctx: DurableObjectState, env: object) => object;
  class Metered extends B {
    constructor(ctx: DurableObjectState, env: object) {
      meterStorage(ctx, cls);
      super(ctx, wrapEnv(env, cls));
    }
  }
  for (const name of methodNames(Base.prototype)) {
    const orig = (Base.prototype as Record<string, (...a: unknown[]) => unknown>)[name]!;
    Object.defineProperty(Metered.prototype, name, {
      configurable: true,
      writable: true,
      value: async function (this: { ctx: DurableObjectState }, ...a: unknown[]) {
        const t0 = Date.now();
        if (name === "alarm") {
          add(`do.alarms.${cls}`);
          alarms.set(this.ctx.id.toString(), { cls, at: null });
        }
        try {
          return await Reflect.apply(orig, this, a);
        } finally {
          add(`do.activeMs.${cls}`, Date.now() - t0);
          add(`time.in.${cls}.${name}`, Date.now() - t0);
          add(`do.handled.${cls}`);
          flush(`${cls}.${name}`);
        }
      },
    });
  }
  Object.defineProperty(Metered, "name", { value: cls });
  return Metered as unknown as C;
}
