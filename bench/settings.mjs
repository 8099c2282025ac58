// Knobs and fixed figures of `npm run bench`, shared by the scenarios, the sweep, the target
// checks and the README rendering so that every part agrees on them.
//
// Knobs (environment): BENCH_DURATION (s per scenario, default 8), BENCH_SWEEP_DURATION (default 3),
// BENCH_CONNECTIONS (default 32).
export const DUR = Number(process.env.BENCH_DURATION ?? 8);
export const SWEEP_DUR = Number(process.env.BENCH_SWEEP_DURATION ?? 3);
export const C = Number(process.env.BENCH_CONNECTIONS ?? 32);
export const DUP_C = 64;
export const SWEEP = [1, 8, 32, 64];
export const HOT_UNITS = 600;
export const E2E_RATE = 10; // orders/s offered in the end-to-end runs (paced, so the ERP queue does not back up)
export const SHOP_SECRET = "bench-shopify-secret-0123";
export const SHOP_CHANNEL = "bench-shop";
export const AVAIL_CHANNEL = "bench-avail";
export const HOT_CHANNEL = "bench-hot";
export const HOT_SKU = "HOT-1";
export const BATCH_SKUS = Array.from({ length: 50 }, (_, i) => `AV-B${String(i + 1).padStart(3, "0")}`);
/** For the "SKUs spread" ingest variant: each order's three lines drawn from this catalogue. */
export const SPREAD_SKUS = Array.from({ length: 300 }, (_, i) => `SPREAD-${String(i + 1).padStart(3, "0")}`);
