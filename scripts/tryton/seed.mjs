// Master data and stock in a Tryton, over JSON-RPC, idempotently: parties by `code` (the
// canonical customer id), products by `code` (the SKU), warehouses and storage locations by
// `code` (what `settings.locations` maps Switchyard locations to), and stock levels set by an
// inventory (counting to the same quantity again moves nothing). Used by the tests' setup and
// by `npm run dev -- --erp tryton`.
import { date, decimal, trytonSession } from "./rpc.mjs";

async function one(t, model, domain) {
  const [id] = await t.call(`model.${model}.search`, domain, 0, 1, null);
  return id ?? null;
}

async function countryId(t, code, cache) {
  if (!code) return null;
  if (!cache.has(code)) cache.set(code, await one(t, "country.country", [["code", "=", code.toUpperCase()]]));
  return cache.get(code);
}

async function ensureCustomer(t, c, countries) {
  const found = await one(t, "party.party", [["code", "=", c.code]]);
  if (found) return { id: found, created: false };
  const country = await countryId(t, c.country, countries);
  const address = { name: c.name, street: c.street ?? "", city: c.city ?? "", postal_code: c.postalCode ?? "", ...(country ? { country } : {}) };
  const [id] = await t.call("model.party.party.create", [{
    code: c.code,
    name: c.name,
    addresses: [["create", [address]]],
    ...(c.email ? { contact_mechanisms: [["create", [{ type: "email", value: c.email }]]] } : {}),
  }]);
  return { id, created: true };
}

async function ensureProduct(t, p, refs) {
  const found = await one(t, "product.product", [["code", "=", p.sku]]);
  if (found) return { id: found, created: false };
  const [template] = await t.call("model.product.template.create", [{
    name: p.name,
    code: p.sku,
    type: "goods",
    default_uom: refs.unit,
    sale_uom: refs.unit,
    salable: true,
    list_price: decimal(p.listPrice ?? "0"),
    ...(refs.category ? { account_category: refs.category } : {}),
    products: [["create", [{ cost_price: decimal(p.costPrice ?? "0") }]]],
  }]);
  const [product] = await t.call("model.product.product.search", [["template", "=", template]], 0, 1, null);
  return { id: product, created: true };
}

// A location without `parent` is a warehouse (with its own input, output and storage zones,
// coded `<code>-IN`, `<code>-OUT`, `<code>-STO`); with `parent`, a storage location inside the
// parent's storage zone (a zone or bin).
async function ensureLocation(t, l) {
  const found = await one(t, "stock.location", [["code", "=", l.code]]);
  if (found) return { id: found, created: false };
  if (l.parent) {
    const parent = await storageOf(t, l.parent);
    const [id] = await t.call("model.stock.location.create", [{ name: l.name, code: l.code, type: "storage", parent }]);
    return { id, created: true };
  }
  const lostFound = await one(t, "stock.location", [["type", "=", "lost_found"]]);
  const zones = await t.call("model.stock.location.create", ["IN", "OUT", "STO"].map((z) => ({ name: `${l.name} ${z}`, code: `${l.code}-${z}`, type: "storage" })));
  const [id] = await t.call("model.stock.location.create", [{
    name: l.name, code: l.code, type: "warehouse", input_location: zones[0], output_location: zones[1], storage_location: zones[2],
    ...(lostFound ? { lost_found_location: lostFound } : {}),
  }]);
  return { id, created: true };
}

/** The storage zone of a warehouse code, or the location itself when it is a storage location. */
async function storageOf(t, code) {
  const [loc] = await t.call("model.stock.location.search_read", [["code", "=", code]], 0, 1, null, ["type", "storage_location"]);
  if (!loc) throw new Error(`no Tryton location with code ${code}`);
  return loc.type === "warehouse" ? loc.storage_location : loc.id;
}

// Counts each product at a location to the wanted quantity: a Tryton inventory whose lines carry
// the current quantity as expected, so confirming it moves exactly the difference (none when the
// level is already right).
async function setStock(t, location, lines) {
  const ids = lines.map((l) => l.product);
  const current = await t.callWith({ locations: [location], stock_date_end: date(), with_childs: false }, "model.product.product.read", ids, ["quantity"]);
  const now = new Map(current.map((r) => [r.id, r.quantity]));
  const changed = lines.filter((l) => now.get(l.product) !== l.quantity);
  if (!changed.length) return 0;
  const [inventory] = await t.call("model.stock.inventory.create", [{
    location, date: date(),
    lines: [["create", changed.map((l) => ({ product: l.product, expected_quantity: now.get(l.product) ?? 0, quantity: l.quantity }))]],
  }]);
  await t.call("model.stock.inventory.confirm", [inventory]);
  return changed.length;
}

/**
 * Seeds master data and stock; safe to run again (it looks everything up by code first).
 * @example await seedTryton(tryton, { customers: [{ code: "C1", name: "Acme", street: "1 Main St", city: "Springfield", postalCode: "12345", country: "US" }], products: [{ sku: "SKU-1", name: "Widget", listPrice: "9.50" }], locations: [{ code: "DC2", name: "East DC" }], stock: [{ sku: "SKU-1", location: "WH", quantity: 100 }] });
 */
export async function seedTryton(conn, { customers = [], products = [], locations = [], stock = [] } = {}) {
  const t = await trytonSession(conn);
  try {
    const countries = new Map();
    const [unit] = await t.call("model.product.uom.search", [["symbol", "=", "u"]], 0, 1, null);
    const category = await one(t, "product.category", [["name", "=", "Goods"], ["accounting", "=", true]]);
    const out = { customers: {}, products: {}, locations: {}, stockLinesChanged: 0 };
    for (const c of customers) out.customers[c.code] = (await ensureCustomer(t, c, countries)).id;
    for (const p of products) out.products[p.sku] = (await ensureProduct(t, p, { unit, category })).id;
    for (const l of locations) out.locations[l.code] = (await ensureLocation(t, l)).id;
    const byLocation = new Map();
    for (const s of stock) {
      const product = out.products[s.sku] ?? (await one(t, "product.product", [["code", "=", s.sku]]));
      if (!product) throw new Error(`stock for unknown SKU ${s.sku}`);
      const loc = await storageOf(t, s.location);
      if (!byLocation.has(loc)) byLocation.set(loc, []);
      byLocation.get(loc).push({ product, quantity: Number(s.quantity) });
    }
    for (const [loc, lines] of byLocation) out.stockLinesChanged += await setStock(t, loc, lines);
    return out;
  } finally {
    await t.logout().catch(() => {});
  }
}
