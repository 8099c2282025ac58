import type { Env as AppBindings } from "../lib/env";

declare global {
  namespace Cloudflare {
    interface Env extends AppBindings {}
  }
}
