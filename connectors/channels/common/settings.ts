/** Reading a channel connection's settings (CONTRACT.md names) the same way in every publisher. */
import type { PublisherConfig, PublishItem } from "../types";

/** A non-empty string setting, else undefined. @example text(config, "accessToken") */
export function text(config: PublisherConfig, key: string): string | undefined {
  const v = config.settings[key];
  if (typeof v === "string" && v.trim() !== "") return v.trim();
  if (typeof v === "number") return String(v);
  return undefined;
}

/** A number setting (or numeric string), else the fallback. @example num(config, "feedThreshold", 20) */
export function num(config: PublisherConfig, key: string, fallback: number): number {
  const v = config.settings[key];
  const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
  return Number.isFinite(n) ? n : fallback;
}

/** A list setting given as an array or a comma-separated string. @example list(config, "marketplaceIds") // ["ATVPDKIKX0DER"] */
export function list(config: PublisherConfig, key: string): string[] {
  const v = config.settings[key];
  const raw = Array.isArray(v) ? v : typeof v === "string" ? v.split(",") : [];
  return raw.map((x) => String(x).trim()).filter((x) => x !== "");
}

/** `config.apiBaseUrl`, else `settings.apiBaseUrl`, else the provider default; no trailing slash. */
export function baseUrl(config: PublisherConfig, fallback: string): string {
  return (config.apiBaseUrl ?? text(config, "apiBaseUrl") ?? fallback).replace(/\/+$/, "");
}

/** Switchyard location → channel location id: `config.locations`, else `settings.publish.locations`. */
export function locationMap(config: PublisherConfig): Record<string, string> {
  if (config.locations) return config.locations;
  const publish = config.settings.publish;
  const locs = publish && typeof publish === "object" ? (publish as { locations?: unknown }).locations : undefined;
  if (!locs || typeof locs !== "object") return {};
  return Object.fromEntries(Object.entries(locs as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

/**
 * The channel location an item is written to: its `channelLocation` (a channel id, or a Switchyard
 * location named in the map), else the only location the map names, else `fallback`.
 * @example channelLocationOf(item, { DC1: "gid://shopify/Location/1" }) // "gid://shopify/Location/1"
 */
export function channelLocationOf(item: PublishItem, map: Record<string, string>, fallback?: string): string | undefined {
  if (item.channelLocation !== undefined && item.channelLocation !== "") return map[item.channelLocation] ?? item.channelLocation;
  const distinct = [...new Set(Object.values(map))];
  if (distinct.length === 1) return distinct[0];
  return fallback;
}
