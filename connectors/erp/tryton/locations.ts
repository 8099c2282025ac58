/**
 * Switchyard locations ↔ Tryton `stock.location` codes (`settings.locations`: Switchyard
 * location → Tryton code, a warehouse or any storage location in one). Tryton locations form a
 * tree (warehouse → input / output / storage zones → bins), so a Tryton location belongs to the
 * mapped location nearest above it. Without a mapping, every warehouse is reported under its
 * own code.
 */
import type { ErpResult, ErpSettings } from "../types";
import type { TtlCache } from "./cache";
import { searchRead } from "./orm";
import type { TrytonRpc } from "./rpc";

const TREE_TTL = 5 * 60_000;

interface Loc { id: number; code: string | null; type: string; parent: number | null }

export interface LocationMap {
  /** Where stock is counted: each Switchyard location and the Tryton location id it maps to. */
  targets: { location: string; trytonId: number }[];
  /** The Switchyard location a Tryton location belongs to (nearest mapped ancestor), or null. */
  switchyardFor(trytonId: number): string | null;
  /** The warehouse a Switchyard location's Tryton location is in (for the sale's `warehouse`). */
  warehouseFor(location: string): number | null;
}

async function tree(rpc: TrytonRpc, cache: TtlCache): Promise<ErpResult<Map<number, Loc>>> {
  const hit = cache.get<Map<number, Loc>>("locations");
  if (hit) return { kind: "ok", value: hit };
  const r = await searchRead(rpc, "stock.location", [], ["code", "type", "parent"], { order: [["id", "ASC"]] });
  if (r.kind !== "ok") return r;
  const byId = new Map<number, Loc>();
  for (const row of r.value) {
    byId.set(row.id, {
      id: row.id,
      code: typeof row.code === "string" && row.code ? row.code : null,
      type: String(row.type),
      parent: typeof row.parent === "number" ? row.parent : null,
    });
  }
  cache.set("locations", byId, TREE_TTL);
  return { kind: "ok", value: byId };
}

/**
 * The location mapping of this connection against Tryton's current location tree.
 * @example const m = await locationMap(rpc, cache, { locations: { DC1: "WH" } }); m.kind === "ok" && m.value.targets
 */
export async function locationMap(rpc: TrytonRpc, cache: TtlCache, settings: ErpSettings): Promise<ErpResult<LocationMap>> {
  const t = await tree(rpc, cache);
  if (t.kind !== "ok") return t;
  const byId = t.value;
  const byCode = new Map<string, Loc>();
  for (const l of byId.values()) if (l.code && !byCode.has(l.code)) byCode.set(l.code, l);

  const mapping = settings.locations && Object.keys(settings.locations).length ? settings.locations : null;
  const targets: LocationMap["targets"] = [];
  const toSwitchyard = new Map<number, string>();
  if (mapping) {
    for (const [location, code] of Object.entries(mapping)) {
      const loc = byCode.get(code);
      if (!loc) {
        cache.delete("locations");
        return { kind: "config", reason: `Tryton has no stock location with code "${code}" (settings.locations.${location})` };
      }
      targets.push({ location, trytonId: loc.id });
      if (!toSwitchyard.has(loc.id)) toSwitchyard.set(loc.id, location);
    }
  } else {
    for (const l of byId.values()) {
      if (l.type !== "warehouse" || !l.code) continue;
      targets.push({ location: l.code, trytonId: l.id });
      toSwitchyard.set(l.id, l.code);
    }
  }

  const ancestors = function* (id: number) {
    const seen = new Set<number>();
    for (let cur = byId.get(id); cur && !seen.has(cur.id); cur = cur.parent ? byId.get(cur.parent) : undefined) {
      seen.add(cur.id);
      yield cur;
    }
  };
  return {
    kind: "ok",
    value: {
      targets,
      switchyardFor(trytonId) {
        for (const l of ancestors(trytonId)) {
          const s = toSwitchyard.get(l.id);
          if (s) return s;
        }
        return null;
      },
      warehouseFor(location) {
        const code = mapping ? mapping[location] : location;
        const loc = code ? byCode.get(code) : undefined;
        if (!loc) return null;
        for (const l of ancestors(loc.id)) if (l.type === "warehouse") return l.id;
        return null;
      },
    },
  };
}
