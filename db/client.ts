/**
 * The data layer's entry: one drizzle client per D1 binding, on the schema in `schema.ts`.
 * Every D1 query of Switchyard lives in this folder, one module per table or aggregate;
 * routes, services and objects call those modules and hold no SQL.
 *
 * @example const rows = await database(env.DB).select().from(connections).all();
 */
import { drizzle, type DrizzleD1Database } from "drizzle-orm/d1";
import * as schema from "./schema";

export type Database = DrizzleD1Database<typeof schema>;

const clients = new WeakMap<D1Database, Database>();

export function database(d1: D1Database): Database {
  let db = clients.get(d1);
  if (!db) {
    db = drizzle(d1, { schema });
    clients.set(d1, db);
  }
  return db;
}

export { schema };
