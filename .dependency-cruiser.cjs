// The layers (DESIGN.md "Layers"), lowest first. A module may import from its own layer and the
// ones below it, never from one above, and no import may close a cycle. `npm run check:deps`
// (run by `.ci/run`) fails otherwise.
//   core/            pure logic, no bindings
//   connectors/      outbound I/O to ERPs and channels (fetch only, no bindings)
//   db/              the data layer: drizzle queries on db/schema.ts
//   lib/             binding-aware services
//   jobs/            periodic work (run by the scheduler object and the cron)
//   durable-objects/ the objects
//   workers/         thin entry points
const layers = ["core", "connectors", "db", "lib", "jobs", "durable-objects", "workers"];
const above = (i) => layers.slice(i + 1).join("|");

module.exports = {
  forbidden: [
    { name: "no-cycles", severity: "error", from: {}, to: { circular: true } },
    ...layers.slice(0, -1).map((layer, i) => ({
      name: `${layer}-imports-no-higher-layer`,
      severity: "error",
      comment: `${layer}/ may not import from ${above(i)}`,
      from: { path: `^${layer}/` },
      to: { path: `^(${above(i)})/` },
    })),
    // connectors and db are siblings above core: neither reaches into the other.
    { name: "connectors-not-db", severity: "error", from: { path: "^connectors/" }, to: { path: "^(db|lib|jobs|durable-objects|workers)/" } },
    { name: "core-is-pure", severity: "error", comment: "core/ uses no bindings and no Workers runtime module", from: { path: "^core/" }, to: { path: "^cloudflare:" } },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["node_modules", "\\.test\\.ts$", "/testing/", "^test/", "^types/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".mjs", ".js"] },
  },
};
