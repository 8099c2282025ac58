import { startStub } from "./common.mjs";
const provider = { newState: () => ({}), seed: () => ({}), snapshot: () => ({}), sell: () => ({}), handle: (ctx) => ctx.send(501, {}) };
export function startBigCommerceStub(opts = {}) { return startStub({ provider, ...opts }); }
