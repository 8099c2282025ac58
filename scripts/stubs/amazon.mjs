import { startStub } from "./common.mjs";
const provider = { newState: () => ({}), seed: () => ({}), snapshot: () => ({}), sell: () => ({}), handle: (ctx) => ctx.send(501, {}) };
export function startAmazonStub(opts = {}) { return startStub({ provider, ...opts }); }
