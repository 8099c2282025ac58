// Installs dependencies from the lockfile when they are missing or older than the lockfile,
// so `npm run dev` and `npm test` work on a fresh clone with no third command.
// Runs on whatever Node the machine has (it is what installs the pinned Node 24).
import { existsSync, statSync } from "node:fs";
import { execSync } from "node:child_process";

const marker = "node_modules/.package-lock.json";
const fresh = existsSync(marker) && existsSync("node_modules/.bin/wrangler") && existsSync("node_modules/.bin/node") &&
  statSync(marker).mtimeMs >= statSync("package-lock.json").mtimeMs - 1000;
if (!fresh) {
  console.log("Installing dependencies from package-lock.json (npm ci)…");
  execSync("npm ci --no-audit --no-fund", { stdio: "inherit" });
}
